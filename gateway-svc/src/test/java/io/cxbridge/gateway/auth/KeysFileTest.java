package io.cxbridge.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class KeysFileTest {

    private static final String DEMO_HASH = "1ad55274bf2cbcc017a37acc822bc5917ca35a778c584b4d744141c4f3ace7f2";

    @Test
    void readsClientsWithSeveralKeysRoutesAndLimits() {
        List<GatewayClient> clients = KeysFile.parse("""
                clients:
                  - id: demo
                    rateLimitPerMinute: 1200
                    keys:
                      - sha256: %s
                      - sha256: %s
                    routes: ["ANY /api/v2/**", "POST /v1/data-actions/failed-runs"]
                """.formatted(DEMO_HASH, KeysFile.sha256("next-key")), false);
        assertThat(clients).hasSize(1);
        GatewayClient demo = clients.get(0);
        assertThat(demo.id()).isEqualTo("demo");
        assertThat(demo.rateLimitPerMinute()).isEqualTo(1200);
        assertThat(demo.keyHashes()).containsExactlyInAnyOrder(DEMO_HASH, KeysFile.sha256("next-key"));
        assertThat(demo.allows("DELETE", "/api/v2/routing/queues/1")).isTrue();
        assertThat(demo.allows("POST", "/v1/data-actions/failed-runs")).isTrue();
        assertThat(demo.allows("GET", "/v1/data-actions/failed-runs/x")).isFalse();
    }

    @Test
    void hashIsWhatStackHashKeyPrints() {
        assertThat(KeysFile.sha256("cxb_demo_key")).isEqualTo(DEMO_HASH);
    }

    @Test
    void plainKeysAreRefusedOutsideLocalAndTestProfiles() {
        String yaml = """
                clients:
                  - id: leaky
                    rateLimitPerMinute: 10
                    keys: [{key: hunter2}]
                    routes: ["GET /api/v2/**"]
                """;
        assertThatThrownBy(() -> KeysFile.parse(yaml, false))
                .hasMessageContaining("leaky")
                .hasMessageContaining("plain-text key")
                .hasMessageNotContaining("hunter2");
        assertThat(KeysFile.parse(yaml, true).get(0).keyHashes()).containsExactly(KeysFile.sha256("hunter2"));
    }

    @Test
    void aYamlSyntaxErrorSaysWhereWithoutQuotingTheLine() {
        String yaml = """
                clients:
                  - id: broken
                    keys: [{key: "hunter2}]
                    routes: ["GET /api/v2/**"]
                """;
        assertThatThrownBy(() -> KeysFile.parse(yaml, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("the keys file is not valid YAML (line ")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void mistakesNameTheClientAndTheField() {
        assertThatThrownBy(() -> KeysFile.parse(
                        "clients: [{id: a, rateLimitPerMinute: 0, keys: [{sha256: %s}], routes: ['GET /x']}]"
                                .formatted(DEMO_HASH),
                        false))
                .hasMessageContaining("'a'")
                .hasMessageContaining("rateLimitPerMinute");
        assertThatThrownBy(() -> KeysFile.parse(
                        "clients: [{id: b, rateLimitPerMinute: 5, keys: [{sha256: abc}], routes: ['GET /x']}]", false))
                .hasMessageContaining("'b'")
                .hasMessageContaining("64 hex");
        assertThatThrownBy(() -> KeysFile.parse(
                        "clients: [{id: c, rateLimitPerMinute: 5, keys: [{sha256: %s}], routes: ['FETCH /x']}]"
                                .formatted(DEMO_HASH),
                        false))
                .hasMessageContaining("'c'")
                .hasMessageContaining("FETCH");
        assertThatThrownBy(() -> KeysFile.parse(
                        "clients: [{id: d, rateLimitPerMinute: 5, keys: [{sha256: %s}]}]".formatted(DEMO_HASH), false))
                .hasMessageContaining("'d'")
                .hasMessageContaining("routes");
        assertThatThrownBy(() -> KeysFile.parse("nobody: here", false)).hasMessageContaining("clients:");
        assertThatThrownBy(() -> KeysFile.parse("""
                clients:
                  - {id: e, rateLimitPerMinute: 5, keys: [{sha256: %1$s}], routes: ['GET /x']}
                  - {id: f, rateLimitPerMinute: 5, keys: [{sha256: %1$s}], routes: ['GET /x']}
                """.formatted(DEMO_HASH), false))
                .hasMessageContaining("share a key");
    }

    @Test
    void routeGlobs() {
        RouteGrant api = RouteGrant.parse("GET /api/v2/**");
        assertThat(api.allows("GET", "/api/v2")).isTrue();
        assertThat(api.allows("GET", "/api/v2/routing/queues")).isTrue();
        assertThat(api.allows("get", "/api/v2/routing/queues")).isTrue();
        assertThat(api.allows("POST", "/api/v2/routing/queues")).isFalse();
        assertThat(api.allows("GET", "/api/v2x")).isFalse();
        assertThat(api.allows("GET", "/v1/directories")).isFalse();
        RouteGrant one = RouteGrant.parse("POST /v1/fulfillment/*");
        assertThat(one.allows("POST", "/v1/fulfillment/execute")).isTrue();
        assertThat(one.allows("POST", "/v1/fulfillment/jobs/1")).isFalse();
        assertThat(RouteGrant.parse("ANY /v1/**").allows("DELETE", "/v1/directories/x/cache"))
                .isTrue();
    }
}
