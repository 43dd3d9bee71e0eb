package io.cxbridge.genesys;

import io.cxbridge.genesys.config.GenesysConfig;
import io.cxbridge.testkit.sim.GenesysSim;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** A {@link GenesysConfig} built by SmallRye Config from properties, as Quarkus would, without Quarkus. */
public final class TestConfig {

    /** The public dev key of the services' %test/%local profiles. */
    public static final String DEV_KEY_ID = "genesys-local-1";

    public static final String DEV_KEY = "5VFldDlsLCf8FoJ1yZEhAADQAFY0HpKuLhvTiVAif8Q=";

    public static GenesysConfig genesys(Map<String, String> properties) {
        Map<String, String> p = new HashMap<>();
        p.put("cxbridge.genesys.client-id", GenesysSim.DEFAULT_CLIENT_ID);
        p.put("cxbridge.genesys.client-secret", GenesysSim.DEFAULT_CLIENT_SECRET);
        p.put("cxbridge.genesys.token-encryption.current-key-id", DEV_KEY_ID);
        p.put("cxbridge.genesys.token-encryption.keys", DEV_KEY_ID + "=" + DEV_KEY);
        p.putAll(properties);
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(GenesysConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter()) // "15s" as Quarkus reads it
                .withSources(new PropertiesConfigSource(p, "test", 500))
                .build();
        return config.getConfigMapping(GenesysConfig.class);
    }

    private TestConfig() {}
}
