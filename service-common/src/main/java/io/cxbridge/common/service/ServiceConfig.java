package io.cxbridge.common.service;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Settings every cxbridge service shares. */
@ConfigMapping(prefix = "cxbridge.service")
public interface ServiceConfig {

    /** The service's name, as in {@code ce_source: /cxbridge/<name>} (gateway-svc, retry-svc, ...). */
    String name();

    Health health();

    interface Health {
        /**
         * True for services that can still serve without Kafka or Redis (gateway, directory): they stay
         * ready and report the lost dependency as degraded. False: not ready while either is lost.
         */
        @WithDefault("false")
        boolean readyWithoutDependencies();

        /**
         * Dependencies ({@code kafka}, {@code redis}) this service stays ready without, reporting them as degraded
         * (fulfillment-svc: Kafka, so the Data Action endpoint keeps answering through a broker outage).
         */
        Optional<List<String>> readyWithout();

        /** How often Kafka and Redis are probed. */
        @WithDefault("2s")
        Duration checkInterval();

        /** How long one probe may take before the dependency counts as lost. */
        @WithDefault("1500ms")
        Duration probeTimeout();
    }
}
