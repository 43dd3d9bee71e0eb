package io.cxbridge.sim;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class StatsAndActionsTest extends SimTestBase {

    @Test
    void statsHaveExactlyTheDocumentedShape() {
        JsonNode stats = stats();
        assertThat(stats.fieldNames())
                .toIterable()
                .containsExactly(
                        "tokenRequests",
                        "requestsTotal",
                        "requests",
                        "executions",
                        "callbacks",
                        "duplicateCallbacks",
                        "externalCalls",
                        "externalMaxConcurrent",
                        "executionsByStatus",
                        "externalCallsByKey",
                        "uploads",
                        "downloads",
                        "pages",
                        "actionRuns");
        assertThat(stats.get("uploads").fieldNames()).toIterable().containsExactly("completed", "aborted");
        assertThat(stats.get("downloads").fieldNames()).toIterable().containsExactly("completed", "cancelled");
        assertThat(stats.get("actionRuns").fieldNames()).toIterable().containsExactly("success", "error", "timeout");
        assertThat(stats.get("pages").isArray()).isTrue();
        assertThat(stats.get("requests").isArray()).isTrue();
        assertThat(stats.get("executions").isObject()).isTrue();

        api().get("/api/v2/users").then().statusCode(200);
        JsonNode request = stats().get("requests").get(1);
        assertThat(request.fieldNames()).toIterable().containsExactly("method", "path", "status", "count");
    }

    @Test
    void requestsAreGroupedByMethodPathAndStatusWithoutQueryAndNeverCountSimOrQ() {
        String token = token();
        api(token).queryParam("pageSize", 5).get("/api/v2/users").then().statusCode(200);
        api(token).queryParam("pageSize", 6).get("/api/v2/users").then().statusCode(200);
        given().get("/api/v2/users").then().statusCode(401);
        given().get("/sim/config").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200);

        JsonNode stats = stats();
        assertThat(stats.get("requestsTotal").asLong()).isEqualTo(4);
        assertThat(requests("GET", "/api/v2/users", 200)).isEqualTo(2);
        assertThat(requests("GET", "/api/v2/users", 401)).isEqualTo(1);
        assertThat(requests("POST", "/oauth/token", 200)).isEqualTo(1);
        for (JsonNode r : stats.get("requests")) {
            assertThat(r.get("path").asText())
                    .doesNotStartWith("/sim")
                    .doesNotStartWith("/q/")
                    .doesNotContain("?");
        }
    }

    /** The platform answers the action's output as a bare object; the sim's actions echo their input. */
    @Test
    void executeAnswersTheEchoedInputItselfAsTheActionsOutput() {
        JsonNode answer = json(api().contentType(ContentType.JSON)
                .header("X-Cxbridge-Request-Id", "run-1")
                .body(Map.of("customerId", "42", "tags", List.of("a", "b")))
                .post("/api/v2/integrations/actions/custom-action-1/execute")
                .then()
                .statusCode(200)
                .body("customerId", equalTo("42"))
                .body("tags[1]", equalTo("b"))
                .extract()
                .response());
        assertThat(answer).isEqualTo(tree(Map.of("customerId", "42", "tags", List.of("a", "b"))));
        assertThat(stats().get("executions").get("run-1").asLong()).isEqualTo(1);
        // no body: an empty output
        api().post("/api/v2/integrations/actions/custom-action-1/execute")
                .then()
                .statusCode(200)
                .body(equalTo("{}"));
    }

    private static JsonNode tree(Object value) {
        return io.cxbridge.model.Json.mapper().valueToTree(value);
    }

    @Test
    void executionsCountEveryRequestThatReachesTheEndpointFaultedOrNot() {
        String token = token();
        fault(Map.of("path", "/api/v2/integrations/actions/*/execute", "status", 503, "count", 2));
        for (int attempt = 0; attempt < 3; attempt++) {
            api(token)
                    .contentType(ContentType.JSON)
                    .header("X-Cxbridge-Request-Id", "run-7")
                    .header("X-Cxbridge-Attempt", attempt)
                    .body("{}")
                    .post("/api/v2/integrations/actions/act-9/execute")
                    .then()
                    .statusCode(attempt < 2 ? 503 : 200);
        }
        // without a bearer: 401, still an execution that reached the sim
        given().contentType(ContentType.JSON)
                .header("X-Cxbridge-Request-Id", "run-7")
                .body("{}")
                .post("/api/v2/integrations/actions/act-9/execute")
                .then()
                .statusCode(401);
        api(token)
                .contentType(ContentType.JSON)
                .body("{}")
                .post("/api/v2/integrations/actions/act-9/execute")
                .then()
                .statusCode(200);

        JsonNode executions = stats().get("executions");
        assertThat(executions.get("run-7").asLong()).isEqualTo(4);
        assertThat(executions.get("(none)").asLong()).isEqualTo(1);
        JsonNode byStatus = stats().get("executionsByStatus");
        assertThat(byStatus.get("run-7").get("503").asLong()).isEqualTo(2);
        assertThat(byStatus.get("run-7").get("200").asLong()).isEqualTo(1);
        assertThat(byStatus.get("run-7").get("401").asLong()).isEqualTo(1);
        assertThat(byStatus.get("run-7").size()).isEqualTo(3);
        assertThat(byStatus.get("(none)").get("200").asLong()).isEqualTo(1);
        assertThat(requests("POST", "/api/v2/integrations/actions/act-9/execute", 503))
                .isEqualTo(2);
    }

    @Test
    void executeRefusesBodiesThatAreNotJsonAndOtherMethods() {
        String token = token();
        api(token)
                .contentType(ContentType.JSON)
                .body("{oops")
                .post("/api/v2/integrations/actions/a/execute")
                .then()
                .statusCode(400)
                .body("code", equalTo("bad.request"));
        api(token)
                .get("/api/v2/integrations/actions/a/execute")
                .then()
                .statusCode(405)
                .header("Allow", "POST");
    }

    @Test
    void resetForgetsCounts() {
        api().contentType(ContentType.JSON)
                .header("X-Cxbridge-Request-Id", "r")
                .body("{}")
                .post("/api/v2/integrations/actions/a/execute")
                .then()
                .statusCode(200);
        given().post("/sim/reset").then().statusCode(204);
        JsonNode stats = stats();
        assertThat(stats.get("requestsTotal").asLong()).isZero();
        assertThat(stats.get("requests")).isEmpty();
        assertThat(stats.get("executions")).isEmpty();
        assertThat(stats.get("executionsByStatus")).isEmpty();
        assertThat(stats.get("pages")).isEmpty();
        assertThat(stats.get("tokenRequests").asLong()).isZero();
    }
}
