package io.cxbridge.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What {@code ./stack} starts the services with, read from the running processes. */
@Order(2)
@ExtendWith(StackExtension.class)
class StackJvmIT {

    /**
     * The gateway runs the parallel collector, the one its container image's {@code run-java.sh} selects
     * (docs/decisions.md, issue #20 session 19). Its heap pools are named after it; the JVM's own pick would be G1
     * on a machine like the CI's, or the serial collector on a smaller one.
     */
    @Test
    void theGatewayRunsTheParallelCollectorAsItsImageDoes() {
        String metrics = Load.get(StackExtension.stack().endpoints().managementUrl("gateway-svc") + "/q/metrics")
                .body();

        assertThat(metrics).contains("id=\"PS Old Gen\"").doesNotContain("id=\"G1 Old Gen\"");
    }
}
