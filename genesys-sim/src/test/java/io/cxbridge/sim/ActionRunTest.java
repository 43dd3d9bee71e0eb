package io.cxbridge.sim;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code POST /sim/actions/run}: a Data Action's call of an endpoint, with its timeout. */
@QuarkusTest
class ActionRunTest extends SimTestBase {

    private JsonNode run(Map<String, ?> body) {
        return json(given().contentType(ContentType.JSON)
                .body(body)
                .post("/sim/actions/run")
                .then()
                .statusCode(200)
                .extract()
                .response());
    }

    private Map<String, Object> call(String path, long timeoutMs) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("url", baseUrl() + path);
        body.put("headers", Map.of("Idempotency-Key", "run-key"));
        body.put("body", Map.of("customerId", "42"));
        body.put("timeoutMs", timeoutMs);
        return body;
    }

    @Test
    void aSlowEndpointIsAbandonedAtTheTimeoutAndRecordedAsTimeout() {
        config(Map.of("externalLatencyMs", 10_000));
        long started = System.nanoTime();
        JsonNode result = run(call("/external/api", 300));
        long tookMs = (System.nanoTime() - started) / 1_000_000;

        assertThat(result.get("outcome").asText()).isEqualTo("timeout");
        assertThat(result.has("status")).isFalse();
        // abandoned at the timeout, long before the endpoint's 10 s answer (slack for a loaded machine)
        assertThat(result.get("durationMs").asLong()).isBetween(300L, 5000L);
        assertThat(tookMs).isLessThan(8000);
        assertThat(stats().get("actionRuns").toString()).isEqualTo("{\"success\":0,\"error\":0,\"timeout\":1}");
    }

    @Test
    void a2xxAnswerIsASuccessWithItsStatusAndJsonBody() {
        JsonNode result = run(call("/external/api", 5000));
        assertThat(result.get("outcome").asText()).isEqualTo("success");
        assertThat(result.get("status").asInt()).isEqualTo(200);
        assertThat(result.get("body").get("echo").get("customerId").asText()).isEqualTo("42");
        assertThat(result.get("durationMs").asLong()).isLessThan(5000);
        JsonNode stats = stats();
        assertThat(stats.get("actionRuns").get("success").asLong()).isEqualTo(1);
        // the endpoint got the Data Action's headers
        assertThat(stats.get("externalCallsByKey").get("run-key").asLong()).isEqualTo(1);
    }

    @Test
    void anErrorStatusOrAConnectionFailureIsAnError() {
        fault(Map.of("path", "/external/api", "status", 503, "count", 1));
        JsonNode failed = run(call("/external/api", 5000));
        assertThat(failed.get("outcome").asText()).isEqualTo("error");
        assertThat(failed.get("status").asInt()).isEqualTo(503);
        assertThat(failed.get("body").get("code").asText()).isEqualTo("service.unavailable");

        fault(Map.of("path", "/external/api", "drop", true, "count", 1));
        JsonNode dropped = run(call("/external/api", 5000));
        assertThat(dropped.get("outcome").asText()).isEqualTo("error");
        assertThat(dropped.has("status")).isFalse();
        assertThat(dropped.get("error").asText()).isNotBlank();

        assertThat(stats().get("actionRuns").toString()).isEqualTo("{\"success\":0,\"error\":2,\"timeout\":0}");
    }

    @Test
    void refusesBadRunsWithProblemJsonAndRunsNothing() {
        given().contentType(ContentType.JSON)
                .body(Map.of("url", "ftp://x/y", "timeoutMs", 0, "extra", 1))
                .post("/sim/actions/run")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("violations.field", org.hamcrest.Matchers.containsInAnyOrder("url", "timeoutMs", "extra"));
        given().contentType(ContentType.JSON)
                .body(Map.of("url", baseUrl() + "/external/api", "headers", Map.of("X-A", 1)))
                .post("/sim/actions/run")
                .then()
                .statusCode(400);
        given().get("/sim/actions/run").then().statusCode(405);
        assertThat(stats().get("externalCalls").asLong()).isZero();
        assertThat(stats().get("actionRuns").toString()).isEqualTo("{\"success\":0,\"error\":0,\"timeout\":0}");
    }
}
