package io.cxbridge.fulfillment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cxbridge.fulfillment.config.FulfillmentConfig;
import io.cxbridge.fulfillment.config.FulfillmentTestConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The defaults a deployment gets when it sets only the external URL: the spec's. */
class FulfillmentConfigDefaultsUnitTest {

    @Test
    void theDefaultsAreTheSpecs() {
        FulfillmentConfig c = FulfillmentTestConfig.fulfillment(Map.of());
        assertEquals(Duration.ofSeconds(5), c.external().timeout(), "per-attempt timeout");
        assertEquals(3, c.external().attempts());
        assertEquals(Duration.ofSeconds(8), c.callback().timeout());
        assertEquals(3, c.callback().attempts());
        assertEquals(256, c.concurrency(), "jobs in flight per instance");
        assertEquals(Duration.ofSeconds(20), c.shutdownGrace());
        assertEquals(Duration.ofDays(7), c.stateTtl());
        assertEquals("cxbridge:fulfillment", c.keyPrefix());
    }
}
