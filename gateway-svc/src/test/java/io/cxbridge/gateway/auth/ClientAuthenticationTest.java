package io.cxbridge.gateway.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.cxbridge.gateway.routes.EchoBackendResource;
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
class ClientAuthenticationTest {

    private static final String RUN = "{\"actionId\":\"custom_-_a1\",\"originalRunId\":\"r-1\",\"requestPayload\":{}}";

    @Test
    void noKeyIs401ProblemJson() {
        given().contentType(ContentType.JSON)
                .body(RUN)
                .post("/v1/data-actions/failed-runs")
                .then()
                .statusCode(401)
                .contentType(Problem.MEDIA_TYPE)
                .body("type", equalTo(Problem.UNAUTHORIZED))
                .body("traceId", notNullValue())
                .body("detail", containsString("X-API-Key"));
    }

    @Test
    void anUnknownKeyIs401() {
        given().header("Authorization", "Bearer not-a-client")
                .get("/v1/directories/x/entries")
                .then()
                .statusCode(401)
                .body("detail", equalTo("the client key is not known"));
    }

    @Test
    void aRouteOutsideTheGrantIs403() {
        given().header("X-API-Key", "cxb_readonly_key")
                .contentType(ContentType.JSON)
                .body(RUN)
                .post("/v1/data-actions/failed-runs")
                .then()
                .statusCode(403)
                .contentType(Problem.MEDIA_TYPE)
                .body("detail", containsString("'readonly' may not POST /v1/data-actions/failed-runs"));
    }

    @Test
    void bearerAndApiKeyBothAuthenticateAndAnswersCarryRateLimitHeaders() {
        given().header("Authorization", "Bearer cxb_demo_key")
                .get("/v1/unknown")
                .then()
                .statusCode(404)
                .header("RateLimit-Limit", "1200")
                .header("RateLimit-Remaining", notNullValue())
                .header("RateLimit-Reset", notNullValue());
        given().header("X-API-Key", "cxb_demo_key").get("/v1/unknown").then().statusCode(404);
    }

    @Test
    void aClientOverItsLimitGets429WithRetryAfter() {
        for (int i = 3; i > 0; i--) {
            given().header("X-API-Key", "cxb_tiny_key")
                    .get("/v1/unknown")
                    .then()
                    .statusCode(404)
                    .header("RateLimit-Limit", "3")
                    .header("RateLimit-Remaining", String.valueOf(i - 1));
        }
        given().header("X-API-Key", "cxb_tiny_key")
                .get("/v1/unknown")
                .then()
                .statusCode(429)
                .contentType(Problem.MEDIA_TYPE)
                .header("Retry-After", "20")
                .header("RateLimit-Remaining", "0")
                .body("type", equalTo(Problem.RATE_LIMITED));
    }
}
