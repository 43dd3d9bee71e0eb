package io.cxbridge.fulfillment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cxbridge.fulfillment.config.FulfillmentConfig;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The defaults a deployment gets when it sets only the external URL: the spec's. */
class FulfillmentConfigDefaultsUnitTest {

    @Test
    void theDefaultsAreTheSpecs() {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(FulfillmentConfig.class)
                .withConverter(Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                .withConverter(
                        io.quarkus.runtime.configuration.MemorySize.class,
                        200,
                        new io.quarkus.runtime.configuration.MemorySizeConverter())
                .withDefaultValue("cxbridge.fulfillment.external.url", "https://external.example/api")
                .build();
        FulfillmentConfig c = config.getConfigMapping(FulfillmentConfig.class);
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
