package io.cxbridge.gateway.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import io.cxbridge.gateway.routes.EchoBackendResource;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.sim.GenesysSim;
import io.cxbridge.testkit.sim.GenesysSimResource;
import io.cxbridge.testkit.sim.SimControl;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Through the whole chain: no client, whatever its grants, reaches {@code /api/v2/tokens/**}, where the platform
 * would revoke (or describe) the organisation's shared token the gateway adds to every call.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
@QuarkusTestResource(EchoBackendResource.class)
class SharedTokenPathsTest {

    private final SimControl sim = GenesysSim.shared().control();

    private static RequestSpecification demo() {
        return given().header("X-API-Key", "cxb_demo_key");
    }

    @Test
    void theSharedTokenIsNeverRevokedNorReadThroughTheGateway() {
        sim.reset();
        // A reset forgets the sim's tokens: one warm-up call lets the gateway fetch a new one first.
        demo().get("/api/v2/warmup").then().statusCode(200);
        long before = sim.stats().requestsTotal();
        for (String path : List.of(
                "/api/v2/tokens/me",
                "/api/v2/tokens",
                "/api/v2/tokens/some-user-id",
                "/genesys-api/tokens/me",
                "/genesys/api/v2/tokens/me",
                "/api/v2/TOKENS/me")) {
            demo().delete(path)
                    .then()
                    .statusCode(403)
                    .contentType("application/problem+json")
                    .body(containsString("shared Genesys token"));
            demo().get(path).then().statusCode(403);
        }
        given().header("X-API-Key", "cxb_readonly_key")
                .get("/api/v2/tokens/me")
                .then()
                .statusCode(403);
        given().delete("/api/v2/tokens/me").then().statusCode(401);
        assertThat(sim.stats().requestsTotal())
                .as("requests that reached Genesys")
                .isEqualTo(before);
        // The gateway's own token still works: nothing was revoked.
        demo().get("/api/v2/warmup").then().statusCode(200);
    }
}
