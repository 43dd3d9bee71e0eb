package io.cxbridge.fulfillment.config;

import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.Map;

/**
 * The fulfillment configuration read through the real {@code @ConfigMapping} (names, defaults, Quarkus's duration and
 * size converters), outside Quarkus: only the required external URL set, plus the values a unit test gives.
 */
public final class FulfillmentTestConfig {

    /** The one key without a default. */
    public static final String EXTERNAL_URL = "cxbridge.fulfillment.external.url";

    private FulfillmentTestConfig() {}

    /**
     * {@link FulfillmentConfig} (and {@code moreMappings}) read from the defaults, the external URL and {@code values}
     * (set last: a value for the external URL replaces it).
     */
    public static SmallRyeConfig config(Map<String, String> values, Class<?>... moreMappings) {
        SmallRyeConfigBuilder b = new SmallRyeConfigBuilder()
                .withMapping(FulfillmentConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withConverter(MemorySize.class, 200, new MemorySizeConverter())
                .withDefaultValue(EXTERNAL_URL, "https://external.example/api");
        for (Class<?> mapping : moreMappings) {
            b.withMapping(mapping);
        }
        values.forEach(b::withDefaultValue);
        return b.build();
    }

    /** The mapping itself, from {@link #config(Map, Class[])}. */
    public static FulfillmentConfig fulfillment(Map<String, String> values) {
        return config(values).getConfigMapping(FulfillmentConfig.class);
    }
}
