package io.cxbridge.gateway.routes;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.cxbridge.model.problem.Problem;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.sim.GenesysSimResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
@QuarkusTestResource(EchoBackendResource.class)
class ServiceRoutesTest {

    @Test
    void eachPublicPathReachesItsServiceWithoutTheCallersCredentials() {
        given().header("X-API-Key", "cxb_demo_key")
                .header("X-Request-Id", "rq-1")
                .get("/v1/data-actions/failed-runs/6f1c?verbose=1")
                .then()
                .statusCode(200)
                .body("path", equalTo("/retry/v1/data-actions/failed-runs/6f1c?verbose=1"))
                .body("headers.x-cxbridge-client-id", equalTo("demo"))
                .body("headers.x-request-id", equalTo("rq-1"))
                .body("headers.x-api-key", nullValue());
        given().header("X-API-Key", "cxb_demo_key")
                .contentType(ContentType.JSON)
                .body("{\"a\":1}")
                .post("/v1/data-actions/dlq/r-1/replay")
                .then()
                .statusCode(200)
                .body("path", equalTo("/retry/v1/data-actions/dlq/r-1/replay"))
                .body("bodySize", equalTo(7));
        given().header("X-API-Key", "cxb_demo_key")
                .get("/v1/fulfillment/jobs/j-1")
                .then()
                .statusCode(200)
                .body("path", equalTo("/fulfillment/v1/fulfillment/jobs/j-1"));
        given().header("X-API-Key", "cxb_demo_key")
                .get("/v1/fulfillment/dlq")
                .then()
                .statusCode(200)
                .body("path", equalTo("/fulfillment/v1/fulfillment/dlq"));
        given().header("Authorization", "Bearer cxb_demo_key")
                .contentType(ContentType.JSON)
                .body("{}")
                .post("/v1/retention/policies")
                .then()
                .statusCode(200)
                .body("path", equalTo("/retention/v1/retention/policies"))
                .body("headers.x-cxbridge-client-id", equalTo("demo"))
                .body("headers.authorization", nullValue());
    }

    @Test
    void theServicesAnswerComesBackAsItIs() {
        given().header("X-API-Key", "cxb_demo_key")
                .get("/v1/retention/requests/missing")
                .then()
                .statusCode(404);
    }

    @Test
    void grantsStillApply() {
        given().header("X-API-Key", "cxb_readonly_key")
                .get("/v1/retention/report")
                .then()
                .statusCode(403);
        given().get("/v1/fulfillment/jobs/j-1").then().statusCode(401);
    }

    @Test
    void aServiceThatIsDownIs503ProblemWithRetryAfter() {
        given().header("X-API-Key", "cxb_readonly_key")
                .get("/v1/directories/internal_agents/entries")
                .then()
                .statusCode(503)
                .contentType(Problem.MEDIA_TYPE)
                .header("Retry-After", "5")
                .body("detail", equalTo("directory-svc is not reachable; retry shortly"));
    }
}
