package io.cxbridge.gateway.chain;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.cxbridge.gateway.routes.EchoBackendResource;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.Management;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.sim.GenesysSimResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue #20: one HTTP server timer per route family. Ids in paths, an SDK prefix and made-up paths never become a
 * {@code uri} tag of their own (Micrometer stops adding tags at 100, so a scanner would otherwise leave later routes
 * without a timer), and a fixed path keeps its own tag.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
@QuarkusTestResource(EchoBackendResource.class)
class UriTagTest {

    @Test
    void pathsWithIdsShareTheirRoutesTagAndMadeUpPathsMakeNone() {
        for (String id : List.of("tag-id-1", "tag-id-2", "tag-id-3")) {
            demo().get("/api/v2/users/" + id);
            demo().get("/genesys/api/v2/users/" + id);
            demo().get("/v1/fulfillment/jobs/" + id).then().statusCode(200);
            demo().get("/v1/directories/" + id + "/entries");
            given().get("/made-up/" + id).then().statusCode(401);
            demo().get("/made-up/" + id).then().statusCode(403);
        }
        demo().contentType(ContentType.JSON)
                .body("{\"actionId\":\"a-1\",\"originalRunId\":\"r\",\"requestPayload\":{}}")
                .post("/v1/data-actions/failed-runs")
                .then()
                .statusCode(202);

        String metrics = Management.metrics();
        assertThat(metrics)
                .contains("uri=\"/api/v2/**\"")
                .contains("uri=\"/v1/fulfillment/jobs/{jobId}\"")
                .contains("uri=\"/v1/directories/**\"")
                .contains("uri=\"/v1/data-actions/failed-runs\"")
                .doesNotContain("tag-id-")
                .doesNotContain("made-up")
                .doesNotContain("uri=\"/genesys/");
    }

    private static RequestSpecification demo() {
        return given().header("X-API-Key", "cxb_demo_key");
    }
}
