package io.cxbridge.retention.media;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.model.Json;
import io.cxbridge.model.Topics;
import io.cxbridge.model.audit.AuditTypes;
import io.cxbridge.testkit.KafkaBroker;
import io.cxbridge.testkit.ServiceProcess;
import io.cxbridge.testkit.TopicReader;
import io.cxbridge.testkit.sim.GenesysSim;
import io.cxbridge.testkit.sim.SimControl;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The packaged service stopped while it retries the recording of a media-retention write Genesys took (its audit
 * producer points at no broker, so the end cannot be recorded), then started again: the request ends, once, and
 * Genesys holds one policy.
 */
class MediaRecoveryProcessIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String PATH = MediaRetentionTest.PATH;

    private static ServiceProcess start(Map<String, String> extra) {
        Map<String, String> p = GenesysSim.sharedWiring();
        p.put("quarkus.shutdown.timeout", "3s");
        p.put("cxbridge.retention.media.recovery.interval", "1s");
        p.put("cxbridge.retention.media.recovery.abandoned-after", "3s");
        p.putAll(extra);
        return ServiceProcess.start(
                "retention-svc", ServiceProcess.jarOf("retention-svc"), "192m", p, Duration.ofSeconds(90));
    }

    private static JsonNode get(ServiceProcess svc, String path) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(svc.baseUrl() + path)).build(), HttpResponse.BodyHandlers.ofString());
        return Json.mapper().readTree(r.body());
    }

    /** The policies of this name the sim holds. */
    private static List<JsonNode> held(String name) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(GenesysSim.shared().baseUrl() + PATH + "?pageSize=100"))
                        .header("Authorization", "Bearer " + GenesysSim.shared().accessToken())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        List<JsonNode> out = new ArrayList<>();
        Json.mapper().readTree(r.body()).path("entities").forEach(p -> {
            if (name.equals(p.path("name").asText())) {
                out.add(p);
            }
        });
        return out;
    }

    private static long ends(String requestId) {
        return TopicReader.readAll(KafkaBroker.shared().bootstrapServers(), Topics.AUDIT, Duration.ofSeconds(10))
                .stream()
                .filter(r -> requestId.equals(r.key()))
                .filter(TopicReader.header("ce_type", AuditTypes.RETENTION_DEPLOYED)
                        .or(TopicReader.header("ce_type", AuditTypes.RETENTION_FAILED)))
                .count();
    }

    /** A loopback port nothing listens on. */
    private static int closedPort() throws Exception {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void aWriteGenesysTookWhoseRecordingWasCutByAStopEndsDeployedOnceAfterTheRestart() throws Exception {
        SimControl sim = GenesysSim.shared().control();
        sim.reset();
        String name = "recover-" + UUID.randomUUID().toString().substring(0, 8);
        String requestId;
        // the first process sends its audit events nowhere: recording the end is retried until it stops
        ServiceProcess first = start(Map.of(
                "mp.messaging.outgoing.audit-out.bootstrap.servers", "127.0.0.1:" + closedPort(),
                "mp.messaging.outgoing.audit-out.max.block.ms", "1000",
                "mp.messaging.outgoing.audit-out.close-timeout", "1000"));
        try {
            HttpResponse<String> accepted = HTTP.send(
                    HttpRequest.newBuilder(URI.create(first.baseUrl() + "/v1/retention/apply?target=media-retention"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("""
                            [{"name": "%s", "objectType": "call", "retentionPeriod": 90, "enabled": true}]""".formatted(name)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(202, accepted.statusCode(), accepted.body());
            requestId = Json.mapper()
                    .readTree(accepted.body())
                    .path("requests")
                    .path(0)
                    .path("requestId")
                    .asText();
            await().atMost(Duration.ofSeconds(30)).until(() -> held(name).size() == 1);
            // Genesys took it, its end cannot be recorded; several recovery rounds of its own pass meanwhile, and a
            // live process's write is never taken from it
            await().during(Duration.ofSeconds(4))
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> get(first, "/v1/retention/requests/" + requestId)
                            .path("state")
                            .asText()
                            .equals("submitted"));
        } finally {
            first.terminate();
            assertTrue(first.awaitExit(Duration.ofSeconds(30)), "the first instance stopped");
        }

        ServiceProcess second = start(Map.of());
        try {
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> List.of("deployed", "failed")
                            .contains(get(second, "/v1/retention/requests/" + requestId)
                                    .path("state")
                                    .asText()));
            JsonNode done = get(second, "/v1/retention/requests/" + requestId);
            List<JsonNode> policies = held(name);
            assertEquals(1, policies.size(), "Genesys holds one policy of that name");
            assertEquals("deployed", done.path("state").asText(), done.toString());
            assertEquals(
                    policies.get(0).path("id").asText(), done.path("policyId").asText(), done.toString());
            assertEquals(1, sim.stats().requests("POST", PATH), "written once, never again by the recovery");
            assertEquals(
                    1,
                    ((List<?>) Json.mapper().convertValue(done.path("history"), List.class))
                            .stream()
                                    .filter(t -> List.of("deployed", "failed").contains(((Map<?, ?>) t).get("state")))
                                    .count(),
                    "one end in its history: " + done);
            // a few more recovery rounds: still one end, one audit event for it
            await().during(Duration.ofSeconds(3))
                    .atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() ->
                            ends(requestId) == 1 && done.equals(get(second, "/v1/retention/requests/" + requestId)));
        } finally {
            second.stop();
        }
    }
}
