package io.cxbridge.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxbridge.gateway.StepHarness;
import io.cxbridge.gateway.context.RequestContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The authenticate step: a key or an access token names the client; none or unknown is refused. */
class AuthenticateUnitTest {

    private static final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private static StepHarness harness;

    /** Access tokens as the login feature would answer them, without Redis. */
    static final class FakeTokens implements TokenCredentials {
        private final ClientRegistry clients;

        FakeTokens(ClientRegistry clients) {
            this.clients = clients;
        }

        @Override
        public boolean authenticatesItself(HttpServerRequest request) {
            return request.path().equals("/login/oauth/token");
        }

        @Override
        public boolean isToken(String credential) {
            return credential.startsWith("cxbt_");
        }

        @Override
        public Uni<Optional<GatewayClient>> clientFor(String token) {
            return switch (token) {
                case "cxbt_good" -> Uni.createFrom().item(clients.byKey("cxb_tiny_key"));
                case "cxbt_down" ->
                    Uni.createFrom().failure(new IllegalStateException("the token store does not answer"));
                default -> Uni.createFrom().item(Optional.empty());
            };
        }

        @Override
        public void refuse(RoutingContext rc) {
            rc.response().setStatusCode(401).end("platform 401");
        }

        @Override
        public void unavailable(RoutingContext rc) {
            rc.response().setStatusCode(503).end("tokens unavailable");
        }
    }

    @BeforeAll
    static void start() throws Exception {
        ClientRegistry clients = new ClientRegistry(Optional.of("classpath:keys/test-keys.yaml"), true);
        harness = StepHarness.start(router -> {
            router.route().handler(new Authenticate(clients, new FakeTokens(clients), new Refusals(registry)));
            router.route().handler(rc -> {
                rc.request().resume();
                rc.response()
                        .end("client=" + RequestContext.clientId(rc) + " exempt=" + Authenticate.exempt(rc) + " same="
                                + (Authenticate.client(rc) == null
                                        ? null
                                        : Authenticate.client(rc).id()));
            });
        });
    }

    @AfterAll
    static void stop() throws Exception {
        harness.close();
    }

    @Test
    void noCredentialIs401ProblemJson() throws Exception {
        var answer = harness.send("GET", "/api/v2/users");
        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(answer.body()).contains("X-API-Key");
        assertThat(registry.counter("cxbridge.gateway.refused", "status", "401", "reason", "unauthenticated")
                        .count())
                .isPositive();
    }

    @Test
    void anUnknownKeyIs401() throws Exception {
        var answer = harness.send("GET", "/api/v2/users", "X-API-Key", "cxb_nobody");
        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(answer.body()).contains("not known");
    }

    @Test
    void aKnownKeyNamesTheClientEitherWay() throws Exception {
        assertThat(harness.send("GET", "/v1/x", "X-API-Key", "cxb_tiny_key").body())
                .isEqualTo("client=tiny exempt=false same=tiny");
        assertThat(harness.send("GET", "/v1/x", "Authorization", "bearer cxb_tiny_key")
                        .body())
                .isEqualTo("client=tiny exempt=false same=tiny");
    }

    @Test
    void anAccessTokenStandsForItsClient() throws Exception {
        assertThat(harness.sendBody("POST", "/v1/x", "{}", "Authorization", "Bearer cxbt_good")
                        .body())
                .isEqualTo("client=tiny exempt=false same=tiny");
    }

    @Test
    void anUnknownTokenGetsTheLoginFeaturesRefusal() throws Exception {
        var answer = harness.send("GET", "/v1/x", "Authorization", "Bearer cxbt_expired");
        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(answer.body()).isEqualTo("platform 401");
    }

    @Test
    void aTokenStoreThatDoesNotAnswerIs503() throws Exception {
        var answer = harness.sendBody("POST", "/v1/x", "{\"a\":1}", "Authorization", "Bearer cxbt_down");
        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(answer.body()).isEqualTo("tokens unavailable");
    }

    @Test
    void managementAndTheTokenEndpointNeedNoKey() throws Exception {
        assertThat(harness.send("GET", "/q/health").body()).isEqualTo("client=null exempt=true same=null");
        assertThat(harness.sendBody("POST", "/login/oauth/token", "grant_type=client_credentials")
                        .body())
                .isEqualTo("client=null exempt=true same=null");
    }
}
