package io.cxbridge.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxbridge.gateway.StepHarness;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The grant step: the client's grants decide, and the shared token's paths are refused whatever they say. */
class GrantUnitTest {

    private static final GatewayClient BROAD =
            new GatewayClient("broad", Set.of(), List.of(RouteGrant.parse("ANY /**")), 60);
    private static final GatewayClient READER =
            new GatewayClient("reader", Set.of(), List.of(RouteGrant.parse("GET /api/v2/**")), 60);

    private static final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private static StepHarness harness;

    @BeforeAll
    static void start() throws Exception {
        harness = StepHarness.start(router -> {
            // Stands in for the authenticate step: the client named by the test header, or an exempt request.
            router.route().handler(rc -> {
                String who = rc.request().getHeader("X-Test-Client");
                if ("exempt".equals(who)) {
                    rc.put(Authenticate.EXEMPT, Boolean.TRUE);
                } else if (who != null) {
                    rc.put(Authenticate.CLIENT, who.equals("broad") ? BROAD : READER);
                }
                rc.next();
            });
            router.route().handler(new Grant(new Refusals(registry)));
        });
    }

    @AfterAll
    static void stop() throws Exception {
        harness.close();
    }

    @Test
    void aGrantedRoutePasses() throws Exception {
        assertThat(harness.send("GET", "/api/v2/users", "X-Test-Client", "reader")
                        .body())
                .isEqualTo(StepHarness.PASSED);
    }

    @Test
    void aRouteOutsideTheGrantsIs403ProblemJson() throws Exception {
        var answer = harness.send("DELETE", "/api/v2/users/1", "X-Test-Client", "reader");
        assertThat(answer.statusCode()).isEqualTo(403);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(answer.body()).contains("client 'reader' may not DELETE /api/v2/users/1");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/api/v2/tokens/me",
                "/api/v2/tokens",
                "/api/v2/tokens/someUserId",
                "/genesys-api/tokens/me",
                "/API/V2/Tokens/me",
                "/api/v2/tokens/me/"
            })
    void theSharedTokensPathsAre403WhateverTheGrant(String path) throws Exception {
        for (String method : List.of("DELETE", "GET", "HEAD", "POST")) {
            var answer = harness.send(method, path, "X-Test-Client", "broad");
            assertThat(answer.statusCode()).as(method + " " + path).isEqualTo(403);
            if (!method.equals("HEAD")) {
                assertThat(answer.body()).contains("shared Genesys token").contains("\"status\":403");
            }
        }
        assertThat(registry.counter("cxbridge.gateway.refused", "status", "403", "reason", "not-granted")
                        .count())
                .isPositive();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/v2/tokensets", "/api/v2/users/tokens/me", "/api/v2/oauth/clients"})
    void pathsThatOnlyLookAlikePass(String path) throws Exception {
        assertThat(harness.send("DELETE", path, "X-Test-Client", "broad").body())
                .isEqualTo(StepHarness.PASSED);
    }

    @Test
    void anExemptRequestPasses() throws Exception {
        assertThat(harness.send("GET", "/q/health", "X-Test-Client", "exempt").body())
                .isEqualTo(StepHarness.PASSED);
    }

    @Test
    void withoutAnAuthenticatedClientTheStepFailsClosed() throws Exception {
        assertThat(harness.send("GET", "/api/v2/users").statusCode()).isEqualTo(401);
    }

    @Test
    void sharedTokenPathRule() {
        assertThat(Grant.sharedTokenPath("/api/v2/tokens")).isTrue();
        assertThat(Grant.sharedTokenPath("/api/v2/tokensx")).isFalse();
        assertThat(Grant.sharedTokenPath("/api/v2/token")).isFalse();
    }
}
