package io.cxbridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How the configuration reference's generator writes a row's text: the environment variable of a property, and the
 * description from its Javadoc. {@link ConfigReferenceTest} compares the document with the generator's own output,
 * so a fault in these rules would pass there; it cannot pass here.
 */
class ConfigReferenceTextTest {

    private static String env(String property) {
        return new ConfigReference.Property("m", property, null, "").envName();
    }

    @Test
    void environmentVariableNamesFollowQuarkusRules() {
        assertThat(env("cxbridge.retry.max-attempts")).isEqualTo("CXBRIDGE_RETRY_MAX_ATTEMPTS");
        assertThat(env("cxbridge.directory.sources.<name>.kind")).isEqualTo("CXBRIDGE_DIRECTORY_SOURCES_<NAME>_KIND");
    }

    @Test
    void aNameSegmentIsNotAMapKey() {
        assertThat(env("cxbridge.service.name")).isEqualTo("CXBRIDGE_SERVICE_NAME");
        assertThat(env("cxbridge.directory.sources.<name>.mapping.name"))
                .isEqualTo("CXBRIDGE_DIRECTORY_SOURCES_<NAME>_MAPPING_NAME");
        assertThat(env("cxbridge.actions.<name>.headers.<name>")).isEqualTo("CXBRIDGE_ACTIONS_<NAME>_HEADERS_<NAME>");
    }

    @Test
    void aListIndexIsAPlaceholderBetweenUnderscores() {
        // Quarkus: x.hosts[0].port is X_HOSTS_0__PORT
        assertThat(env("cxbridge.x.hosts[i].port")).isEqualTo("CXBRIDGE_X_HOSTS_<I>__PORT");
    }

    @Test
    void placeholdersInCodeSpansAreKeptAndHtmlTagsDropped() {
        String java = """
                @ConfigMapping(prefix = "x")
                public interface X {
                    /**
                     * The SDK's {@code path_params_login}: the token endpoint is {@code <login-path>/oauth/token}.
                     * <p>
                     * The token lives at {@code {<prefix>}:token:<clientId>}, <em>never</em> logged.
                     */
                    String loginPath();

                    /** The TTL class ({@code cxbridge.directory.ttl.<class>}); a <code>&lt;name&gt;</code> key.<br/>Done. */
                    String ttlClass();
                }
                """;
        assertThat(ConfigReference.javadocOf(java))
                .isEqualTo(Map.of(
                        "X#loginPath",
                        "The SDK's `path_params_login`: the token endpoint is `<login-path>/oauth/token`. "
                                + "The token lives at `{<prefix>}:token:<clientId>`, never logged.",
                        "X#ttlClass",
                        "The TTL class (`cxbridge.directory.ttl.<class>`); a `<name>` key. Done."));
    }

    @Test
    void aLinkToAMethodIsACodeSpanOfItsName() {
        String java = """
                @ConfigMapping(prefix = "x")
                public interface X {
                    /** Failures within {@link #window()} that open the breaker. */
                    int failures();

                    /** See {@link #window}, {@link Other the other group} and {@link Third}. */
                    Duration window();
                }
                """;
        assertThat(ConfigReference.javadocOf(java))
                .isEqualTo(Map.of(
                        "X#failures", "Failures within `window` that open the breaker.",
                        "X#window", "See `window`, the other group and Third."));
    }
}
