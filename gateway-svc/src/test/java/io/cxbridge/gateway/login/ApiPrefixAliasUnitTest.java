package io.cxbridge.gateway.login;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxbridge.gateway.StepHarness;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sdk-prefix step: {@code <prefix>/api/v2/**} is rerouted to {@code /api/v2/**}; anything else passes as it is. */
class ApiPrefixAliasUnitTest {

    private static StepHarness harness;

    @BeforeAll
    static void start() throws Exception {
        SdkGatewayConfig config = new SdkGatewayConfig() {
            @Override
            public String loginPath() {
                return "/login";
            }

            @Override
            public java.time.Duration tokenLifetime() {
                return java.time.Duration.ofHours(24);
            }

            @Override
            public int maxTokensPerClient() {
                return 1000;
            }

            @Override
            public Optional<String> apiPrefix() {
                return Optional.of("genesys/");
            }
        };
        harness = StepHarness.start(router -> {
            router.route().handler(new ApiPrefixAlias(config));
            router.route().handler(rc -> rc.response().end(rc.request().uri()));
        });
    }

    @AfterAll
    static void stop() throws Exception {
        harness.close();
    }

    @Test
    void theSdkPrefixIsRerouted() throws Exception {
        assertThat(harness.send("GET", "/genesys/api/v2/users?pageSize=1").body())
                .isEqualTo("/api/v2/users?pageSize=1");
        assertThat(harness.send("GET", "/genesys/api/v2").body()).isEqualTo("/api/v2");
    }

    @Test
    void anythingElsePassesUnchanged() throws Exception {
        assertThat(harness.send("GET", "/genesys/api/v22/users").body()).isEqualTo("/genesys/api/v22/users");
        assertThat(harness.send("GET", "/api/v2/users").body()).isEqualTo("/api/v2/users");
        assertThat(harness.send("GET", "/genesys/v1/x").body()).isEqualTo("/genesys/v1/x");
    }
}
