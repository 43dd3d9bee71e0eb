package io.cxbridge.sim;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.sim.actions.ActionRun;
import io.cxbridge.sim.actions.ActionRunner;
import io.cxbridge.sim.stats.SimStats;
import io.cxbridge.sim.stats.StatsView;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code POST /sim/actions/run}: a Data Action's call of an endpoint, with its timeout. */
@QuarkusTest
class ActionRunTest extends SimTestBase {

    @Inject
    ActionRunner runner;

    @Inject
    SimStats simStats;

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

    /**
     * A caller that reads {@code /sim/stats} as soon as its run's answer arrives sees the run counted: the answer goes
     * out when the run's future completes, so the count must land before that (it once landed after, and a test read
     * 0 successes on a loaded machine).
     */
    @Test
    void aRunIsCountedBeforeItsAnswerGoesOut() throws Exception {
        CompletableFuture<StatsView.ActionRuns> countedWhenAnswered = new CompletableFuture<>();
        runner.run(new ActionRun(uri("/external/api"), Map.of(), null, 5000))
                .onComplete(
                        ar -> countedWhenAnswered.complete(simStats.snapshot().actionRuns()));

        assertThat(countedWhenAnswered.get(10, TimeUnit.SECONDS)).isEqualTo(new StatsView.ActionRuns(1, 0, 0));
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
