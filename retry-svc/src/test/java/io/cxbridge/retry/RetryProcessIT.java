package io.cxbridge.retry;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.model.Json;
import io.cxbridge.model.Topics;
import io.cxbridge.testkit.KafkaBroker;
import io.cxbridge.testkit.ServiceProcess;
import io.cxbridge.testkit.sim.GenesysSim;
import io.cxbridge.testkit.sim.SimControl;
import io.cxbridge.testkit.sim.SimStats;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The packaged service as a process: 200 runs queued for retry, the service stopped (SIGTERM) while they wait for
 * their next attempt, then started again. Every run ends succeeded or dead-lettered, none is missing, and the sim
 * never executed a requestId more often than the attempts the run records.
 */
class RetryProcessIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int RUNS = 200;
    private static final String EXECUTE = "/api/v2/integrations/actions/**";

    private static ServiceProcess start() {
        Map<String, String> p = GenesysSim.sharedWiring();
        p.put("cxbridge.genesys.rate-limit.enabled", "false");
        p.put("cxbridge.retry.key-prefix", "cxbridge:retry:it");
        p.put("cxbridge.retry.backoff.base", "2s");
        p.put("cxbridge.retry.backoff.max", "4s");
        p.put("cxbridge.retry.claim-lease", "5s");
        p.put("cxbridge.retry.poll-interval", "100ms");
        // this test is about durability across a restart: the breakers stay out of the way
        p.put("cxbridge.retry.breaker.failure-threshold", "100000");
        p.put("cxbridge.retry.breaker.global.enabled", "false");
        return ServiceProcess.start("retry-svc", ServiceProcess.jarOf("retry-svc"), "192m", p, Duration.ofSeconds(90));
    }

    private static JsonNode run(ServiceProcess svc, String requestId) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(svc.baseUrl() + "/v1/data-actions/failed-runs/" + requestId))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 404 ? null : Json.mapper().readTree(r.body());
    }

    private static long executions(SimStats stats) {
        return stats.requests().stream()
                .filter(c -> c.method().equals("POST") && c.path().startsWith("/api/v2/integrations/actions/"))
                .mapToLong(SimStats.RequestCount::count)
                .sum();
    }

    @Test
    void runsWaitingWhenTheServiceStopsAllFinishAfterTheRestart() throws Exception {
        SimControl sim = GenesysSim.shared().control();
        sim.reset();
        sim.config(Map.of("rateLimitPerMinute", 1_000_000));
        // every first attempt and half the second ones fail: each run waits at least once, many twice
        sim.fault(Map.of("method", "POST", "path", EXECUTE, "status", 503, "count", RUNS + RUNS / 2));

        List<String> ids = new ArrayList<>();
        ServiceProcess first = start();
        try {
            Properties props = new Properties();
            props.put(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    KafkaBroker.shared().bootstrapServers());
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            try (KafkaProducer<String, String> producer =
                    new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < RUNS; i++) {
                    String id = UUID.randomUUID().toString();
                    String action = "custom_-_restart-" + (i % 4);
                    ids.add(id);
                    producer.send(new ProducerRecord<>(Topics.FAILED_RUNS, action, """
                            {"requestId": "%s", "actionId": "%s", "originalRunId": "run-%d",
                             "requestPayload": {"n": %d}}""".formatted(id, action, i, i)));
                }
                producer.flush();
            }
            // every run has had its first attempt and some their second: most are waiting for the next one
            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> executions(sim.stats()) >= RUNS + 30);
        } finally {
            first.terminate();
            assertTrue(first.awaitExit(Duration.ofSeconds(40)), "the first instance stopped");
        }
        long beforeRestart = executions(sim.stats());
        assertTrue(beforeRestart < RUNS * 3L, "stopped in the middle: " + beforeRestart + " executions");

        ServiceProcess second = start();
        try {
            Set<String> open = ConcurrentHashMap.newKeySet();
            open.addAll(ids);
            await().atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        for (String id : List.copyOf(open)) {
                            JsonNode r = run(second, id);
                            if (r != null
                                    && List.of("succeeded", "dead-lettered")
                                            .contains(r.path("state").asText())) {
                                open.remove(id);
                            }
                        }
                        return open.isEmpty();
                    });
            SimStats stats = sim.stats();
            int succeeded = 0;
            for (String id : ids) {
                JsonNode r = run(second, id);
                int attempts = r.path("attempts").asInt();
                assertTrue(attempts >= 1 && attempts <= 5, id + " " + r);
                assertTrue(
                        stats.executions(id) <= attempts,
                        id + " executed " + stats.executions(id) + " times for " + attempts + " attempts");
                if (r.path("state").asText().equals("succeeded")) {
                    succeeded++;
                }
            }
            assertEquals(RUNS, succeeded, "with 300 failures spread over 200 runs every run succeeds within 5");
            assertTrue(executions(stats) > beforeRestart, "the second instance went on with the waiting runs");
        } finally {
            second.stop();
        }
    }
}
