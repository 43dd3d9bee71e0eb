package io.cxbridge.directory.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxbridge.directory.config.DirectoryConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The settings start-up checks that {@link CacheSettings} itself makes (the TTLs are {@code TtlMatrixUnitTest}'s). */
class CacheSettingsUnitTest {

    private static CacheSettings withStaleFactor(double staleFactor) {
        return new CacheSettings(
                io.cxbridge.directory.ttl.TtlMatrix.of(Map.of("default", 300)),
                staleFactor,
                10_000,
                100,
                TestReplicas.SEED_PATH,
                250,
                Duration.ofSeconds(20),
                "test",
                Duration.ofSeconds(60),
                Duration.ofMillis(200),
                Duration.ofSeconds(90));
    }

    /** The contract serves STALE for at most one more TTL: a larger factor stops start-up naming the key and range. */
    @Test
    void aStaleFactorAboveOneIsRefusedNamingTheKeyAndTheRange() {
        assertThatThrownBy(() -> withStaleFactor(1.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cxbridge.directory.stale-factor is 1.5; allowed range is 0 to 1");
        assertThatThrownBy(() -> withStaleFactor(100)).hasMessageContaining("cxbridge.directory.stale-factor");
    }

    @Test
    void aNegativeOrNotANumberStaleFactorIsRefusedToo() {
        assertThatThrownBy(() -> withStaleFactor(-0.1))
                .hasMessageContaining("cxbridge.directory.stale-factor is -0.1; allowed range is 0 to 1");
        assertThatThrownBy(() -> withStaleFactor(Double.NaN))
                .hasMessageContaining("cxbridge.directory.stale-factor is NaN");
    }

    @Test
    void theBoundsThemselvesAreAllowed() {
        assertThat(withStaleFactor(0).staleFactor()).isZero();
        assertThat(withStaleFactor(0.5).staleFactor()).isEqualTo(0.5);
        assertThat(withStaleFactor(1).staleFactor()).isEqualTo(1.0);
    }

    /** As the service reads it: a configured {@code stale-factor} of 2 stops start-up (the producer of the settings). */
    @Test
    void aConfiguredStaleFactorOfTwoStopsStartUp() {
        DirectoryConfig config = new SmallRyeConfigBuilder()
                .withMapping(DirectoryConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withConverter(MemorySize.class, 200, new MemorySizeConverter())
                .withSources(new PropertiesConfigSource(
                        Map.of("cxbridge.directory.ttl.default", "300", "cxbridge.directory.stale-factor", "2"),
                        "test",
                        500))
                .build()
                .getConfigMapping(DirectoryConfig.class);
        assertThatThrownBy(() -> CacheSettings.from(config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cxbridge.directory.stale-factor is 2.0; allowed range is 0 to 1");
    }
}
