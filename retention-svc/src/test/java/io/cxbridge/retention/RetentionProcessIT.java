package io.cxbridge.retention;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.model.Json;
import io.cxbridge.testkit.ServiceProcess;
import io.cxbridge.testkit.sim.GenesysSim;
import io.cxbridge.testkit.sim.SimControl;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The packaged service as a process, stopped while a request is polling and started again. */
class RetentionProcessIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String POLICIES = "/api/v2/datamanagement/retention/policies";

    private static ServiceProcess start() {
        Map<String, String> p = GenesysSim.sharedWiring();
        p.put("cxbridge.retention.poll.initial-delay", "200ms");
        p.put("cxbridge.retention.poll.max-delay", "500ms");
        p.put("quarkus.shutdown.timeout", "3s");
        return ServiceProcess.start(
                "retention-svc", ServiceProcess.jarOf("retention-svc"), "192m", p, Duration.ofSeconds(90));
    }

    private static JsonNode get(ServiceProcess svc, String path) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(svc.baseUrl() + path)).build(), HttpResponse.BodyHandlers.ofString());
        return Json.mapper().readTree(r.body());
    }

    @Test
    void aRequestPollingWhenTheServiceStopsEndsDeployedAfterTheRestart() throws Exception {
        SimControl sim = GenesysSim.shared().control();
        sim.reset();
        sim.config(Map.of("jobCompletionMs", 12_000));
        String requestId;
        ServiceProcess first = start();
        try {
            HttpResponse<String> accepted = HTTP.send(
                    HttpRequest.newBuilder(URI.create(first.baseUrl() + "/v1/retention/policies"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("""
                            {"name": "restart", "objectType": "call", "retentionPeriod": 60, "enabled": true,
                             "schedule": {"frequency": "DAILY"}}"""))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(202, accepted.statusCode(), accepted.body());
            requestId =
                    Json.mapper().readTree(accepted.body()).path("requestId").asText();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> get(first, "/v1/retention/requests/" + requestId)
                            .path("state")
                            .asText()
                            .equals("polling"));
        } finally {
            first.terminate();
            assertTrue(first.awaitExit(Duration.ofSeconds(30)), "the first instance stopped");
        }

        ServiceProcess second = start();
        try {
            JsonNode stopped = get(second, "/v1/retention/requests/" + requestId);
            assertEquals("polling", stopped.path("state").asText(), "the stop interrupted the polling: " + stopped);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> List.of("deployed", "failed")
                            .contains(get(second, "/v1/retention/requests/" + requestId)
                                    .path("state")
                                    .asText()));
            JsonNode done = get(second, "/v1/retention/requests/" + requestId);
            assertEquals("deployed", done.path("state").asText(), done.toString());
            assertNotNull(done.path("policyId").textValue());
            assertEquals(1, sim.stats().requests("POST", POLICIES, 202), "resumed the recorded job, no second POST");
        } finally {
            second.stop();
        }
    }
}
