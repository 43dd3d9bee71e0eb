package io.cxbridge.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What {@code ./stack} starts the services with, read from the running processes. */
@Order(2)
@ExtendWith(StackExtension.class)
class StackJvmIT {

    /**
     * Each part runs the collector of its container image (docs/decisions.md, issue #20 sessions 19 and 20):
     * run-java.sh's parallel collector, or G1 where the Dockerfile sets {@code GC_CONTAINER_OPTIONS}. The old
     * generation's heap pool is named after the collector; the JVM's own pick would be G1 for every part on a machine
     * like the CI's, or the serial collector on a smaller one.
     */
    @Test
    void eachPartRunsTheCollectorOfItsImage() {
        StackEndpoints endpoints = StackExtension.stack().endpoints();
        String parallel = "id=\"PS Old Gen\"";
        String g1 = "id=\"G1 Old Gen\"";
        Map<String, String> metricsUrls = Map.of(
                "gateway-svc", endpoints.managementUrl("gateway-svc"),
                "retry-svc", endpoints.managementUrl("retry-svc"),
                "retention-svc", endpoints.managementUrl("retention-svc"),
                "directory-svc", endpoints.managementUrl("directory-svc"),
                "fulfillment-svc", endpoints.managementUrl("fulfillment-svc"),
                "genesys-sim", endpoints.simUrl());
        metricsUrls.forEach((part, url) -> {
            boolean imageRunsG1 = part.equals("fulfillment-svc") || part.equals("genesys-sim");
            assertThat(Load.get(url + "/q/metrics").body())
                    .as(part)
                    .contains(imageRunsG1 ? g1 : parallel)
                    .doesNotContain(imageRunsG1 ? parallel : g1);
        });
    }
}
