package io.cxbridge.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.model.Headers;
import io.cxbridge.model.Json;
import io.cxbridge.model.Topics;
import io.cxbridge.systemtests.Gateway.Reply;
import io.cxbridge.testkit.sim.SimControl;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue #16 for retry-svc, with packaged processes: pending runs survive Redis SIGKILLed and Redis restarted empty
 * (rebuilt from the journal and the DLQ topic, counted once), poison records go to the DLQ between valid runs, and a
 * Redis that evicts makes retry-svc unready.
 */
@Order(3)
@ExtendWith(StackExtension.class)
class RetryDurabilityIT {

    private static final int RUNS = Integer.getInteger("cxbridge.systemtests.pending-runs", 200);

    private final LocalStack stack = StackExtension.stack();
    private final Gateway gateway = StackExtension.flows().gateway();
    private final SimControl sim = StackExtension.flows().sim();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    @AfterEach
    void calmTheSim() {
        sim.clearFaults();
    }

    @Test
    @Order(1)
    void pendingRunsSurviveRedisKilledAndRedisRestartedEmpty() throws Exception {
        String action = "durable-" + Trace.hex(3);
        sim.fault(Map.of("method", "POST", "path", Flows.executePath(action), "status", 503, "count", 1_000_000));
        String deadAction = "durable-dead-" + Trace.hex(3);
        sim.fault(Map.of("method", "POST", "path", Flows.executePath(deadAction), "status", 400, "count", 3));
        Trace trace = Trace.random();
        List<String> dead = submit(deadAction, 3, trace);
        List<String> runs = submit(action, RUNS, trace);
        for (String id : dead) {
            awaitState(id, "dead-lettered", Duration.ofSeconds(60));
        }
        // The action's breaker opens after a few 503s: the runs then wait in Redis (deferred, not attempted) for
        // its probes, so they stay pending through the Redis failures below instead of being exhausted.
        await("every run pending in retry-svc").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                .until(() -> runs.stream().allMatch(id -> "pending".equals(state(id))));
        String dlqBefore = dlqListing(deadAction);
        double lossesBefore = losses();

        stack.kill("redis");
        stack.up();
        for (String id : runs.subList(0, 10)) {
            assertThat(state(id)).as("run %s after the SIGKILL", id).isEqualTo("pending");
        }

        stack.stop("redis");
        wipe(stack.dataDir("redis"));
        stack.up();
        await("retry-svc counted the loss and rebuilt").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500)).until(() -> losses() >= lossesBefore + 1 && ready());
        assertThat(losses()).as("one loss, counted once").isEqualTo(lossesBefore + 1);
        assertThat(dlqListing(deadAction)).as("the DLQ API lists the same dead letters").isEqualTo(dlqBefore);

        sim.clearFaults();
        for (String id : runs) {
            awaitState(id, "succeeded", Duration.ofSeconds(150));
        }
        assertThat(sim.stats().requests("POST", Flows.executePath(action), 200))
                .as("exactly one 200 execution per run").isEqualTo(runs.size());
    }

    @Test
    @Order(2)
    void poisonRecordsGoToTheDlqBetweenValidRunsWithoutARestart() throws Exception {
        long pid = stack.pid("retry-svc");
        String action = "poison-" + Trace.hex(3);
        List<String> valid = new ArrayList<>();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.endpoints().kafkaBootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < 50; i++) {
                if (i == 10) {
                    ProducerRecord<String, String> r = new ProducerRecord<>(Topics.FAILED_RUNS, action,
                            run(UUID.randomUUID().toString(), action));
                    r.headers().add(Headers.REPLAYED_AT, "not-a-date".getBytes(StandardCharsets.UTF_8));
                    producer.send(r).get();
                } else if (i == 20) {
                    producer.send(new ProducerRecord<>(Topics.FAILED_RUNS, action, "not json at all")).get();
                } else if (i == 30) {
                    producer.send(new ProducerRecord<>(Topics.FAILED_RUNS, action,
                            run(UUID.randomUUID().toString(), "not a valid action id"))).get();
                } else if (i == 40) {
                    ProducerRecord<String, String> r = new ProducerRecord<>(Topics.FAILED_RUNS, action,
                            run(UUID.randomUUID().toString(), action));
                    r.headers().add(Headers.SCHEMA_VERSION, "7".getBytes(StandardCharsets.UTF_8));
                    producer.send(r).get();
                }
                String id = UUID.randomUUID().toString();
                valid.add(id);
                producer.send(new ProducerRecord<>(Topics.FAILED_RUNS, action, run(id, action))).get();
            }
        }
        for (String id : valid) {
            awaitState(id, "succeeded", Duration.ofSeconds(120));
        }
        JsonNode dlq = Json.mapper().readTree(gateway.get("/v1/data-actions/dlq?pageSize=100", null).body());
        List<String> reasons = new ArrayList<>();
        dlq.path("entities").forEach(e -> reasons.add(e.path("reason").asText()));
        assertThat(reasons).anyMatch(r -> r.contains("cxbridge-replayed-at") && r.contains("not-a-date"))
                .anyMatch(r -> r.contains("not a FailedRun JSON object"))
                .anyMatch(r -> r.contains("actionId"))
                .anyMatch(r -> r.contains("unknown schema version"));
        assertThat(stack.pid("retry-svc")).as("no restart").isEqualTo(pid);
    }

    @Test
    @Order(3)
    void anEvictingRedisMakesRetrySvcUnreadyNamingTheSetting() throws Exception {
        redisCli("CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
        try {
            await("retry-svc unready").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> {
                        HttpResponse<String> r = retry("/q/health/ready");
                        assertThat(r.statusCode()).isEqualTo(503);
                        assertThat(r.body()).contains("maxmemory-policy");
                    });
        } finally {
            redisCli("CONFIG", "SET", "maxmemory-policy", "noeviction");
        }
        await("retry-svc ready again").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
                .until(this::ready);
    }

    // ---------------------------------------------------------------------------------------------------------

    private static String run(String requestId, String actionId) {
        return """
                {"requestId": "%s", "actionId": "%s", "originalRunId": "run-%s", "requestPayload": {"n": 1}}"""
                .formatted(requestId, actionId, requestId);
    }

    /** Posts {@code n} runs through the gateway, 8 at a time; answers their requestIds. */
    private List<String> submit(String actionId, int n, Trace trace) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    String id = UUID.randomUUID().toString();
                    Map<String, Object> body = Map.of("requestId", id, "actionId", actionId, "originalRunId",
                            "run-" + index, "requestPayload", Map.of("i", index));
                    await("run accepted").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
                            .until(() -> gateway.post("/v1/data-actions/failed-runs", body, trace).status() == 202);
                    return id;
                }));
            }
            List<String> ids = new ArrayList<>();
            for (Future<String> f : futures) {
                ids.add(f.get(2, TimeUnit.MINUTES));
            }
            return ids;
        } finally {
            pool.shutdownNow();
        }
    }

    private String state(String requestId) {
        Reply r = gateway.get("/v1/data-actions/failed-runs/" + requestId, null);
        return r.status() == 200 ? r.json().path("state").asText() : "HTTP " + r.status();
    }

    private void awaitState(String requestId, String state, Duration within) {
        await("run " + requestId + " " + state).atMost(within).pollInterval(Duration.ofMillis(250))
                .until(() -> state.equals(state(requestId)));
    }

    /** The DLQ entries of an action as the API lists them (ids, classes, reasons), in a stable order. */
    private String dlqListing(String actionId) throws IOException {
        JsonNode page = Json.mapper().readTree(gateway.get("/v1/data-actions/dlq?pageSize=100&actionId=" + actionId,
                null).body());
        TreeSet<String> lines = new TreeSet<>();
        page.path("entities").forEach(e -> lines.add(e.path("requestId").asText() + " " + e.path("errorClass").asText()
                + " " + e.path("reason").asText() + " " + e.path("attempts").asInt()));
        assertThat(lines).as("dead letters of %s", actionId).isNotEmpty();
        return String.join("\n", lines);
    }

    private double losses() {
        try {
            for (String line : retry("/q/metrics").body().split("\n")) {
                if (line.startsWith("cxbridge_redis_data_loss_total")) {
                    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
        } catch (RuntimeException e) {
            return -1;
        }
        return 0;
    }

    private boolean ready() {
        return retry("/q/health/ready").statusCode() == 200;
    }

    private HttpResponse<String> retry(String path) {
        try {
            // Health and metrics: retry-svc's management interface.
            return http.send(HttpRequest.newBuilder(URI.create(stack.endpoints().managementUrl("retry-svc")
                    + path)).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void redisCli(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("redis-cli", "-p", stack.env().get("REDIS_PORT")));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor()).as("redis-cli %s: %s", String.join(" ", args), out).isZero();
    }

    /** Redis's data directory emptied while it is stopped: it starts with nothing. */
    private static void wipe(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).filter(f -> !f.equals(dir)).forEach(f -> f.toFile().delete());
        }
    }
}
