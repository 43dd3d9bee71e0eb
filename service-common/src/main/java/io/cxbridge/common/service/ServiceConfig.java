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

    /**
     * Incoming channels (each {@code pausable=true}) that stop fetching while Kafka or Redis is lost or Redis is
     * being rebuilt, and resume by themselves ({@code ConsumerHolds}).
     */
    Optional<List<String>> consumers();

    Redis redis();

    interface Redis {
        /**
         * How often the epoch marker is read (it is also read on every Redis reconnect). A missing or changed
         * marker is a data loss: counted, logged, repaired by the service's {@code RedisRebuild} hooks.
         */
        @WithDefault("2s")
        Duration epochCheckInterval();

        /**
         * True for services whose Redis state must survive (retry, fulfillment, retention): a Redis that evicts keys
         * ({@code maxmemory-policy} other than {@code noeviction}) makes them not ready; one without AOF is a warning.
         */
        @WithDefault("false")
        boolean requireDurable();

        /** How long one {@code INFO} read for the settings check may take. */
        @WithDefault("1500ms")
        Duration infoTimeout();
    }

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
