package io.cxbridge.gateway;

import io.cxbridge.gateway.config.GatewayConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.Map;

/** {@link GatewayConfig} with its defaults and the given overrides (full property names), without Quarkus. */
public final class TestConfig {

    private TestConfig() {}

    public static GatewayConfig gateway(Map<String, String> overrides) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withConverter(MemorySize.class, 100, new MemorySizeConverter())
                .withConverter(Duration.class, 100, new DurationConverter())
                .withMapping(GatewayConfig.class)
                .withDefaultValues(overrides)
                .build();
        return config.getConfigMapping(GatewayConfig.class);
    }
}
