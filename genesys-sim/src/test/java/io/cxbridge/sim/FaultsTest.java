package io.cxbridge.sim;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.model.problem.Problem;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class FaultsTest extends SimTestBase {

    @Test
    void aStatusFaultAnswersInsteadOfTheEndpointForCountRequests() {
        String token = token();
        given().contentType(ContentType.JSON)
                .body(Map.of("method", "GET", "path", "/api/v2/routing/**", "status", 503, "count", 2))
                .post("/sim/faults")
                .then()
                .statusCode(201)
                .body("id", notNullValue())
                .body("path", equalTo("/api/v2/routing/**"))
                .body("status", equalTo(503))
                .body("count", equalTo(2))
                .body("hits", equalTo(0));

        api(token)
                .get("/api/v2/routing/queues")
                .then()
                .statusCode(503)
                .body("status", equalTo(503))
                .body("code", equalTo("service.unavailable"))
                .header("ININ-Correlation-Id", notNullValue());
        api(token).get("/api/v2/routing/queues/abc/members").then().statusCode(503);
        api(token).get("/api/v2/routing/queues").then().statusCode(200);
        // other methods and paths were never affected
        given().get("/sim/faults").then().body("[0].hits", equalTo(2)).body("[0].active", equalTo(false));
        assertThat(requests("GET", "/api/v2/routing/queues", 503)).isEqualTo(1);
        assertThat(requests("GET", "/api/v2/routing/queues", 200)).isEqualTo(1);
    }

    @Test
    void globsMatchOneSegmentWithStarAndAnyDepthWithDoubleStar() {
        String token = token();
        fault(Map.of("path", "/api/v2/integrations/actions/*/execute", "status", 502));
        api(token)
                .contentType(ContentType.JSON)
                .body("{}")
                .post("/api/v2/integrations/actions/a1/execute")
                .then()
                .statusCode(502);
        api(token)
                .contentType(ContentType.JSON)
                .body("{}")
                .post("/api/v2/integrations/actions/a1/b/execute")
                .then()
                .statusCode(200);
        api(token).get("/api/v2/integrations/actions").then().statusCode(200);

        given().delete("/sim/faults").then().statusCode(204);
        fault(Map.of("path", "/api/v2/integrations/**", "status", 500));
        api(token).get("/api/v2/integrations").then().statusCode(500);
        api(token).get("/api/v2/integrations/actions/a/b/c").then().statusCode(500);
        api(token).get("/api/v2/integrationsX").then().statusCode(200);
    }

    @Test
    void probabilityZeroNeverFiresAndOneAlwaysFires() {
        String token = token();
        String never = fault(Map.of("path", "/api/v2/users", "status", 500, "probability", 0));
        for (int i = 0; i < 20; i++) {
            api(token).get("/api/v2/users").then().statusCode(200);
        }
        given().delete("/sim/faults/" + never).then().statusCode(204);
        fault(Map.of("path", "/api/v2/users", "status", 500, "probability", 1.0));
        for (int i = 0; i < 20; i++) {
            api(token).get("/api/v2/users").then().statusCode(500);
        }
        given().get("/sim/faults").then().body("$", hasSize(1)).body("[0].hits", equalTo(20));
    }

    @Test
    void theFirstMatchingActiveFaultWins() {
        String token = token();
        fault(Map.of("path", "/api/v2/users", "status", 429, "count", 1, "retryAfter", 3));
        fault(Map.of("path", "/api/v2/**", "status", 500, "count", 1));
        api(token).get("/api/v2/users").then().statusCode(429).header("Retry-After", "3");
        api(token).get("/api/v2/users").then().statusCode(500);
        api(token).get("/api/v2/users").then().statusCode(200);
    }

    @Test
    void latencyDelaysTheRealAnswerOrTheFaultsStatus() {
        String token = token();
        fault(Map.of("path", "/api/v2/users", "latencyMs", 400, "count", 1));
        long start = System.nanoTime();
        api(token).get("/api/v2/users").then().statusCode(200);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400));

        fault(Map.of("path", "/api/v2/users", "latencyMs", 300, "status", 504, "count", 1));
        start = System.nanoTime();
        api(token).get("/api/v2/users").then().statusCode(504);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));

        // both faults are used up
        api(token).get("/api/v2/users").then().statusCode(200);
        given().get("/sim/faults")
                .then()
                .body("hits", org.hamcrest.Matchers.contains(1, 1))
                .body("active", org.hamcrest.Matchers.contains(false, false));
    }

    @Test
    void retryAfterIsAddedAsSecondsOrAsAnHttpDate() {
        String token = token();
        fault(Map.of("path", "/api/v2/users", "status", 503, "retryAfter", 7, "count", 1));
        fault(Map.of(
                "path", "/api/v2/users", "status", 429, "retryAfter", "Wed, 21 Oct 2037 07:28:00 GMT", "count", 1));
        fault(Map.of("path", "/api/v2/users", "retryAfter", 2, "count", 1));
        api(token).get("/api/v2/users").then().statusCode(503).header("Retry-After", "7");
        api(token).get("/api/v2/users").then().statusCode(429).header("Retry-After", "Wed, 21 Oct 2037 07:28:00 GMT");
        // without a status the real endpoint answers, with the header added
        api(token).get("/api/v2/users").then().statusCode(200).header("Retry-After", "2");
    }

    @Test
    void dropClosesTheConnectionWithoutAnAnswer() {
        fault(Map.of("method", "POST", "path", "/external/**", "drop", true, "count", 1));
        HttpRequest request = HttpRequest.newBuilder(uri("/external/api"))
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString("{\"a\":1}"))
                .header("Content-Type", "application/json")
                .build();
        assertThatThrownBy(() -> http.send(request, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
        // the dropped request is counted with status 0; the next one is answered
        assertThat(requests("POST", "/external/api", 0)).isEqualTo(1);
        given().contentType(ContentType.JSON)
                .body("{\"a\":1}")
                .post("/external/api")
                .then()
                .statusCode(200);
        assertThat(stats().get("externalCalls").asLong()).isEqualTo(2);
    }

    @Test
    void faultsApplyToTheTokenEndpointAndTheExternalApiButNeverToTheControlApi() {
        fault(Map.of("path", "/oauth/token", "status", 503, "count", 1));
        given().auth()
                .preemptive()
                .basic(CLIENT_ID, CLIENT_SECRET)
                .contentType(ContentType.URLENC)
                .formParam("grant_type", "client_credentials")
                .post("/oauth/token")
                .then()
                .statusCode(503);
        token();
        assertThat(stats().get("tokenRequests").asLong()).isEqualTo(2);

        fault(Map.of("path", "/external/api", "status", 500, "count", 1));
        given().contentType(ContentType.JSON)
                .body("{}")
                .post("/external/api")
                .then()
                .statusCode(500);

        fault(Map.of("path", "/**", "status", 500));
        given().get("/sim/config").then().statusCode(200);
        given().get("/q/health/live").then().statusCode(200);
        given().delete("/sim/faults").then().statusCode(204);
        given().get("/sim/faults").then().body("$", hasSize(0));
    }

    @Test
    void faultsAreAppliedBeforeTheBearerCheck() {
        fault(Map.of("path", "/api/v2/users", "status", 503, "count", 1));
        given().get("/api/v2/users").then().statusCode(503);
        given().get("/api/v2/users").then().statusCode(401);
    }

    @Test
    void resetRemovesFaults() {
        fault(Map.of("path", "/api/v2/**", "status", 500));
        given().post("/sim/reset").then().statusCode(204);
        api().get("/api/v2/users").then().statusCode(200);
    }

    @Test
    void refusesBadFaultsWithProblemJsonNamingTheReason() {
        assertBad("not json", null, "not valid JSON");
        assertBad("[1]", "$", "JSON object");
        assertBad("{\"status\":503}", "path", "required");
        assertBad("{\"path\":\"api/v2\",\"status\":503}", "path", "starting with /");
        assertBad("{\"path\":\"/sim/**\",\"status\":503}", "path", "never match");
        assertBad("{\"path\":\"/api/v2/**\",\"status\":\"503\"}", "status", "integer");
        assertBad("{\"path\":\"/api/v2/**\",\"status\":99}", "status", "between 100 and 599");
        assertBad("{\"path\":\"/api/v2/**\",\"status\":600}", "status", "between 100 and 599");
        assertBad("{\"path\":\"/api/v2/**\",\"status\":500,\"probability\":1.5}", "probability", "between 0 and 1");
        assertBad("{\"path\":\"/api/v2/**\",\"status\":500,\"probability\":-0.1}", "probability", "between 0 and 1");
        assertBad("{\"path\":\"/api/v2/**\",\"status\":500,\"probability\":\"half\"}", "probability", "number");
        assertBad("{\"path\":\"/api/v2/**\",\"status\":500,\"count\":-1}", "count", "at least 1");
        assertBad("{\"path\":\"/api/v2/**\",\"status\":500,\"count\":1.5}", "count", "integer");
        assertBad("{\"path\":\"/api/v2/**\",\"latencyMs\":-5}", "latencyMs", "between 0");
        assertBad("{\"path\":\"/api/v2/**\",\"retryAfter\":-1,\"status\":429}", "retryAfter", "between 0");
        assertBad("{\"path\":\"/api/v2/**\",\"retryAfter\":\"soon\",\"status\":429}", "retryAfter", "HTTP date");
        assertBad("{\"path\":\"/api/v2/**\",\"drop\":\"yes\"}", "drop", "true or false");
        assertBad("{\"path\":\"/api/v2/**\",\"drop\":true,\"status\":500}", "drop", "not both");
        assertBad("{\"path\":\"/api/v2/**\",\"method\":42,\"status\":500}", "method", "HTTP method");
        assertBad("{\"path\":\"/api/v2/**\",\"status\":500,\"delay\":5}", "delay", "unknown field");
        assertBad("{\"path\":\"/api/v2/**\"}", "$", "at least one of");
        given().get("/sim/faults").then().body("$", hasSize(0));
    }

    private static void assertBad(String body, String field, String reason) {
        Response response = given().contentType(ContentType.JSON).body(body).post("/sim/faults");
        response.then()
                .statusCode(400)
                .contentType(Problem.MEDIA_TYPE)
                .body("status", equalTo(400))
                .body("type", notNullValue());
        JsonNode problem = json(response);
        if (field == null) {
            assertThat(problem.get("detail").asText()).contains(reason);
            return;
        }
        assertThat(problem.get("violations")).as(body).anySatisfy(v -> {
            assertThat(v.get("field").asText()).isEqualTo(field);
            assertThat(v.get("message").asText()).contains(reason);
        });
    }

    @Test
    void unknownFaultIdIs404() {
        given().delete("/sim/faults/nope")
                .then()
                .statusCode(404)
                .contentType(Problem.MEDIA_TYPE)
                .body("detail", containsString("nope"));
    }
}
