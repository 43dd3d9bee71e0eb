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
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
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
    /** The services that keep state in Redis and rebuild it after a loss. */
    private static final List<String> STATEFUL = List.of("retry-svc", "fulfillment-svc", "retention-svc");

    private final LocalStack stack = StackExtension.stack();
    private final Gateway gateway = StackExtension.flows().gateway();
    private final SimControl sim = StackExtension.flows().sim();

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
        deadLetterTwoJobs();
        List<String> dead = submit(deadAction, 3, trace);
        List<String> runs = submit(action, RUNS, trace);
        for (String id : dead) {
            awaitState(id, "dead-lettered", Duration.ofSeconds(60));
        }
        // The action's breaker opens after a few 503s: the runs then wait in Redis (deferred, not attempted) for
        // its probes, so they stay pending through the Redis failures below instead of being exhausted.
        await("every run pending in retry-svc")
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> runs.stream().allMatch(id -> "pending".equals(state(id))));
        String dlqBefore = dlqListing(deadAction);
        String fulfillmentDlqBefore = fulfillmentDeadLetters();
        Map<String, Double> lossesBefore = new LinkedHashMap<>();
        STATEFUL.forEach(service -> lossesBefore.put(service, losses(service)));

        stack.kill("redis");
        stack.up();
        for (String id : runs.subList(0, 10)) {
            assertThat(state(id)).as("run %s after the SIGKILL", id).isEqualTo("pending");
        }

        stack.stop("redis");
        LocalStack.wipe(stack.dataDir("redis"));
        stack.up();
        await("every service that keeps state in Redis counted the loss and rebuilt")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> STATEFUL.stream()
                        .allMatch(service -> losses(service) >= lossesBefore.get(service) + 1 && ready(service)));
        for (String service : STATEFUL) {
            assertThat(losses(service))
                    .as("%s: one loss, counted once", service)
                    .isEqualTo(lossesBefore.get(service) + 1);
        }
        assertThat(dlqListing(deadAction))
                .as("the DLQ API lists the same dead letters")
                .isEqualTo(dlqBefore);
        assertThat(fulfillmentDeadLetters())
                .as("fulfillment-svc's DLQ API lists the same dead letters")
                .isEqualTo(fulfillmentDlqBefore);

        sim.clearFaults();
        for (String id : runs) {
            awaitState(id, "succeeded", Duration.ofSeconds(150));
        }
        assertThat(sim.stats().requests("POST", Flows.executePath(action), 200))
                .as("exactly one 200 execution per run")
                .isEqualTo(runs.size());
    }

    @Test
    @Order(2)
    void poisonRecordsGoToTheDlqBetweenValidRunsWithoutARestart() throws Exception {
        long pid = stack.pid("retry-svc");
        String action = "poison-" + Trace.hex(3);
        List<String> valid = new ArrayList<>();
        try (KafkaProducer<String, String> producer = Load.producer(stack.endpoints())) {
            for (int i = 0; i < 50; i++) {
                if (i == 10) {
                    ProducerRecord<String, String> r = new ProducerRecord<>(
                            Topics.FAILED_RUNS, action, run(UUID.randomUUID().toString(), action));
                    r.headers().add(Headers.REPLAYED_AT, "not-a-date".getBytes(StandardCharsets.UTF_8));
                    producer.send(r).get();
                } else if (i == 20) {
                    producer.send(new ProducerRecord<>(Topics.FAILED_RUNS, action, "not json at all"))
                            .get();
                } else if (i == 30) {
                    producer.send(new ProducerRecord<>(
                                    Topics.FAILED_RUNS,
                                    action,
                                    run(UUID.randomUUID().toString(), "not a valid action id")))
                            .get();
                } else if (i == 40) {
                    ProducerRecord<String, String> r = new ProducerRecord<>(
                            Topics.FAILED_RUNS, action, run(UUID.randomUUID().toString(), action));
                    r.headers().add(Headers.SCHEMA_VERSION, "7".getBytes(StandardCharsets.UTF_8));
                    producer.send(r).get();
                } else if (i == 45) {
                    // 2 MiB once decompressed (it reaches the broker gzipped, under the broker's 1 MiB)
                    producer.send(new ProducerRecord<>(
                                    Topics.FAILED_RUNS,
                                    action,
                                    Load.twoMiB(run(UUID.randomUUID().toString(), action))))
                            .get();
                }
                String id = UUID.randomUUID().toString();
                valid.add(id);
                producer.send(new ProducerRecord<>(Topics.FAILED_RUNS, action, run(id, action)))
                        .get();
            }
        }
        for (String id : valid) {
            awaitState(id, "succeeded", Duration.ofSeconds(120));
        }
        JsonNode dlq = Json.mapper()
                .readTree(gateway.get("/v1/data-actions/dlq?pageSize=100", null).body());
        List<String> reasons = new ArrayList<>();
        dlq.path("entities").forEach(e -> reasons.add(e.path("reason").asText()));
        assertThat(reasons)
                .anyMatch(r -> r.contains("cxbridge-replayed-at") && r.contains("not-a-date"))
                .anyMatch(r -> r.contains("not a FailedRun JSON object"))
                .anyMatch(r -> r.contains("actionId"))
                .anyMatch(r -> r.contains("unknown schema version"))
                .anyMatch(r -> r.contains("over the limit"));
        assertThat(stack.pid("retry-svc")).as("no restart").isEqualTo(pid);
    }

    @Test
    @Order(3)
    void anEvictingRedisMakesRetrySvcUnreadyNamingTheSetting() throws Exception {
        Load.redisCli(stack, "CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
        try {
            await("retry-svc unready")
                    .atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(500))
                    .untilAsserted(() -> {
                        HttpResponse<String> r = Load.get(mgmt("retry-svc", "/q/health/ready"));
                        assertThat(r.statusCode()).isEqualTo(503);
                        assertThat(r.body()).contains("maxmemory-policy");
                    });
        } finally {
            Load.redisCli(stack, "CONFIG", "SET", "maxmemory-policy", "noeviction");
        }
        await("retry-svc ready again")
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> ready("retry-svc"));
    }

    // ---------------------------------------------------------------------------------------------------------

    private static String run(String requestId, String actionId) {
        return """
                {"requestId": "%s", "actionId": "%s", "originalRunId": "run-%s", "requestPayload": {"n": 1}}""".formatted(requestId, actionId, requestId);
    }

    /** Posts {@code n} runs through the gateway, 8 at a time; answers their requestIds. */
    private List<String> submit(String actionId, int n, Trace trace) {
        return Load.parallel(n, i -> Load.run(gateway, actionId, i, trace));
    }

    private String state(String requestId) {
        Reply r = gateway.get("/v1/data-actions/failed-runs/" + requestId, null);
        return r.status() == 200 ? r.json().path("state").asText() : "HTTP " + r.status();
    }

    private void awaitState(String requestId, String state, Duration within) {
        await("run " + requestId + " " + state)
                .atMost(within)
                .pollInterval(Duration.ofMillis(250))
                .until(() -> state.equals(state(requestId)));
    }

    /** The DLQ entries of an action as the API lists them (ids, classes, reasons), in a stable order. */
    private String dlqListing(String actionId) throws IOException {
        JsonNode page = Json.mapper()
                .readTree(gateway.get("/v1/data-actions/dlq?pageSize=100&actionId=" + actionId, null)
                        .body());
        TreeSet<String> lines = new TreeSet<>();
        page.path("entities")
                .forEach(e -> lines.add(e.path("requestId").asText() + " "
                        + e.path("errorClass").asText() + " " + e.path("reason").asText() + " "
                        + e.path("attempts").asInt() + " "
                        + present(e, "firstSeen") + " "
                        + present(e, "deadLetteredAt")));
        assertThat(lines).as("dead letters of %s", actionId).isNotEmpty();
        return String.join("\n", lines);
    }

    /** A field the listing must carry: compared before and after a rebuild, a missing one would compare "" with "". */
    private static String present(JsonNode entity, String field) {
        String value = entity.path(field).asText("");
        assertThat(value).as("%s of %s", field, entity).isNotBlank();
        return value;
    }

    /** {@code cxbridge_redis_data_loss_total} of a service; -1 while it does not answer. */
    private double losses(String service) {
        try {
            return Load.metric(Load.get(mgmt(service, "/q/metrics")).body(), "cxbridge_redis_data_loss_total");
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private boolean ready(String service) {
        try {
            return Load.get(mgmt(service, "/q/health/ready")).statusCode() == 200;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** A service's health or metrics URL (the one place to change when they move to a management port). */
    private String mgmt(String service, String path) {
        // Health and metrics answer on the service's management port, not its API port.
        return stack.endpoints().managementUrl(service) + path;
    }

    /**
     * Two jobs whose token no configured key opens (not sealed by the gateway), straight to fulfillment-svc's topic:
     * two dead letters its DLQ API lists (a record without a usable jobId is on the DLQ topic only).
     */
    private void deadLetterTwoJobs() throws Exception {
        int before = fulfillmentDeadLetterCount();
        try (KafkaProducer<String, String> producer = Load.producer(stack.endpoints())) {
            for (int i = 0; i < 2; i++) {
                Load.unsealedJob(producer, stack.endpoints(), "durable-" + i + "-" + Trace.hex(3));
            }
        }
        await("fulfillment-svc lists the two dead letters")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> fulfillmentDeadLetterCount() >= before + 2);
    }

    private int fulfillmentDeadLetterCount() {
        Reply r = gateway.get("/v1/fulfillment/dlq?pageSize=1", null);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().path("total").asInt();
    }

    /** Every dead letter fulfillment-svc's DLQ API lists (ids, classes, reasons, attempts), in a stable order. */
    private String fulfillmentDeadLetters() {
        TreeSet<String> lines = new TreeSet<>();
        for (int page = 1; page <= 20; page++) {
            Reply r = gateway.get("/v1/fulfillment/dlq?pageSize=100&pageNumber=" + page, null);
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            JsonNode body = r.json();
            body.path("entities")
                    .forEach(e -> lines.add(e.path("jobId").asText() + " "
                            + e.path("fulfillmentId").asText() + " "
                            + e.path("errorClass").asText() + " "
                            + e.path("reason").asText() + " "
                            + e.path("attempts").asInt() + " "
                            + present(e, "deadLetteredAt")));
            if (page >= body.path("pageCount").asInt()) {
                break;
            }
        }
        assertThat(lines).as("fulfillment-svc's dead letters").isNotEmpty();
        return String.join("\n", lines);
    }
}
