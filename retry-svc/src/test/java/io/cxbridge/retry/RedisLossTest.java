package io.cxbridge.retry;

import static io.cxbridge.retry.RetryFlowTest.awaitFinished;
import static io.cxbridge.retry.RetryFlowTest.bootstrap;
import static io.cxbridge.retry.RetryFlowTest.newAction;
import static io.cxbridge.retry.RetryFlowTest.path;
import static io.cxbridge.retry.RetryFlowTest.publish;
import static io.cxbridge.retry.RetryFlowTest.run;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cxbridge.common.kafka.BoundedId;
import io.cxbridge.common.redis.RedisEpoch;
import io.cxbridge.model.Headers;
import io.cxbridge.model.Topics;
import io.cxbridge.model.retry.RunRecord;
import io.cxbridge.model.retry.RunState;
import io.cxbridge.retry.breaker.Breakers;
import io.cxbridge.retry.journal.RunJournal;
import io.cxbridge.retry.state.RunStore;
import io.cxbridge.retry.support.RebuiltEvents;
import io.cxbridge.retry.support.WebhookReceiver;
import io.cxbridge.retry.worker.Attempts;
import io.cxbridge.retry.worker.Resubmitter;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.Management;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.TopicReader;
import io.cxbridge.testkit.sim.GenesysSim;
import io.cxbridge.testkit.sim.GenesysSimResource;
import io.cxbridge.testkit.sim.SimControl;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.RedisAPI;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue #16 inside one process: Redis emptied under retry-svc is detected, counted and rebuilt from the journal and
 * the DLQ topic (runs deferred at the moment of the loss included, with their deferral); poison records go to the DLQ
 * and the consumer goes on; claims are fenced, and an outcome a fenced save refused is not what a rebuild restores;
 * an evicting Redis makes retry-svc unready.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
@QuarkusTestResource(WebhookReceiver.class)
class RedisLossTest {

    private final SimControl sim = GenesysSim.shared().control();

    @Inject
    RedisAPI redis;

    @Inject
    RedisEpoch epoch;

    @Inject
    RunStore store;

    @Inject
    RebuiltEvents rebuilt;

    @Inject
    RunJournal journal;

    @Inject
    Resubmitter resubmitter;

    @Inject
    Breakers breakers;

    @BeforeEach
    void reset() {
        sim.reset();
    }

    @Test
    void redisEmptiedIsCountedAndRebuiltFromTheJournalAndTheDlqTopic() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(epoch::open);
        String action = newAction();
        String faultId = sim.fault(Map.of("method", "POST", "path", path(action), "status", 503, "count", 100000));
        List<String> pending = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String id = UUID.randomUUID().toString();
            pending.add(id);
            publish(action, run(id, action));
        }
        // One that succeeds (its dedupe mark must survive) and one dead letter (its DLQ entry must be listed again).
        String okAction = newAction();
        String done = UUID.randomUUID().toString();
        publish(okAction, run(done, okAction));
        awaitFinished(done, "succeeded");
        String deadAction = newAction();
        sim.fault(Map.of("method", "POST", "path", path(deadAction), "status", 400, "count", 1));
        String dead = UUID.randomUUID().toString();
        publish(deadAction, run(dead, deadAction));
        awaitFinished(dead, "dead-lettered");
        // The action's breaker opens after a few 503s: the runs then wait in the schedule, deferred, still pending.
        for (String id : pending) {
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> "pending"
                            .equals(given().get("/v1/data-actions/failed-runs/" + id)
                                    .then()
                                    .extract()
                                    .path("state")));
        }
        Object deadEntry = given().get("/v1/data-actions/dlq?requestId=" + dead)
                .then()
                .statusCode(200)
                .extract()
                .path("entities[0]");
        assertNotNull(deadEntry, "the dead letter is listed before the loss");
        double lossesBefore = epoch.losses();
        int rebuildsBefore = rebuilt.seen().size();

        redis.flushall(List.of()).await().atMost(Duration.ofSeconds(5));

        await().atMost(Duration.ofSeconds(20)).until(() -> epoch.losses() == lossesBefore + 1 && epoch.open());
        // the end of the rebuild is announced once (retry-svc's poll loop looks at the restored schedule at once)
        assertEquals(rebuildsBefore + 1, rebuilt.seen().size());
        assertEquals(
                redis.get(epoch.key()).await().atMost(Duration.ofSeconds(5)).toString(),
                rebuilt.seen().get(rebuildsBefore).epoch());
        for (String id : pending) {
            given().get("/v1/data-actions/failed-runs/" + id)
                    .then()
                    .statusCode(200)
                    .body("state", org.hamcrest.Matchers.equalTo("pending"));
        }
        given().get("/v1/data-actions/failed-runs/" + done)
                .then()
                .statusCode(200)
                .body("state", org.hamcrest.Matchers.equalTo("succeeded"));
        given().get("/v1/data-actions/dlq?requestId=" + dead)
                .then()
                .statusCode(200)
                .body(containsString(dead))
                .body(containsString("HTTP 400"));
        // rebuilt from the DLQ record and the run's journaled state: the entry as it was indexed, still replayable
        assertEquals(
                deadEntry,
                given().get("/v1/data-actions/dlq?requestId=" + dead)
                        .then()
                        .extract()
                        .path("entities[0]"));
        assertEquals(lossesBefore + 1, epoch.losses(), "one loss, counted once");

        sim.removeFault(faultId);
        for (String id : pending) {
            awaitFinished(id, "succeeded");
        }
        assertEquals(pending.size(), sim.stats().requests("POST", path(action), 200), "every run got exactly one 200");
        given().post("/v1/data-actions/dlq/" + dead + "/replay").then().statusCode(202);
        await().atMost(Duration.ofSeconds(40))
                .until(() -> "succeeded"
                        .equals(given().get("/v1/data-actions/failed-runs/" + dead)
                                .then()
                                .extract()
                                .path("state")));
        assertEquals(1, sim.stats().requests("POST", path(deadAction), 200), "the replayed dead letter ran once");
        assertEquals(
                1,
                sim.stats().requests("POST", path(okAction), 200),
                "the run that had succeeded before the loss was not executed again");
        Management.given().get("/q/metrics").then().body(containsString("cxbridge_redis_data_loss_total"));
    }

    @Test
    void poisonRecordsGoToTheDlqWithTheirReasonAndTheNextRunIsProcessed() throws Exception {
        String action = newAction();
        String bigValue = "{\"pad\":\"" + "x".repeat(70_000) + "\"}";
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            ProducerRecord<String, String> badHeader = new ProducerRecord<>(
                    Topics.FAILED_RUNS, action, run(UUID.randomUUID().toString(), action));
            badHeader.headers().add(Headers.REPLAYED_AT, "not-a-date".getBytes(StandardCharsets.UTF_8));
            producer.send(badHeader).get();
            // Jackson's own messages would quote these phone numbers; the reasons must not
            producer.send(new ProducerRecord<>(Topics.FAILED_RUNS, action, "tel15551234567 is not JSON"))
                    .get();
            producer.send(new ProducerRecord<>(Topics.FAILED_RUNS, action, "{\"attempt\":\"+15551234568\"}"))
                    .get();
            producer.send(new ProducerRecord<>(Topics.FAILED_RUNS, action, bigValue))
                    .get();
            producer.send(new ProducerRecord<>(
                            Topics.FAILED_RUNS,
                            "bad action!",
                            run(UUID.randomUUID().toString(), "bad action!")))
                    .get();
            ProducerRecord<String, String> v2 = new ProducerRecord<>(
                    Topics.FAILED_RUNS, action, run(UUID.randomUUID().toString(), action));
            v2.headers().add(Headers.SCHEMA_VERSION, "2".getBytes(StandardCharsets.UTF_8));
            producer.send(v2).get();
        }
        // a key of 9 MiB, gzipped to a few KB: its dead letter is over the DLQ producer's 8 MiB, so it goes as a stub
        // with the key bounded (it was sent whole, Kafka refused it, and the refusal stopped the channel on it)
        String hugeKey = action + "-" + "k".repeat(9 << 20);
        Instant hugeSent = Instant.now().minusSeconds(1);
        Properties gz = new Properties();
        gz.putAll(p);
        gz.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "gzip");
        gz.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(16 << 20));
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(gz, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(Topics.FAILED_RUNS, hugeKey, "not JSON"))
                    .get();
        }
        String valid = UUID.randomUUID().toString();
        publish(action, run(valid, action));

        awaitFinished(valid, "succeeded");
        String boundedKey = BoundedId.of(hugeKey);
        ConsumerRecord<String, byte[]> stub = TopicReader.await(
                        bootstrap(), Topics.FAILED_RUNS_DLQ, 1, r -> boundedKey.equals(r.key()), Duration.ofSeconds(20))
                .get(0);
        assertTrue(
                new String(stub.value(), StandardCharsets.UTF_8).contains("deadLetterStub"),
                () -> new String(stub.value(), StandardCharsets.UTF_8));
        // nor is the key kept whole in the DLQ index (its entry, summary and actionId set live for dlq-ttl)
        String listed = given().queryParam("since", hugeSent.toString())
                .queryParam("pageSize", 100)
                .get("/v1/data-actions/dlq")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertTrue(listed.contains(boundedKey), () -> listed.substring(0, Math.min(500, listed.length())));
        assertTrue(listed.length() < 64 * 1024, () -> "the listing is " + listed.length() + " chars");
        List<ConsumerRecord<String, byte[]>> dlq = TopicReader.await(
                bootstrap(),
                Topics.FAILED_RUNS_DLQ,
                6,
                r -> action.equals(r.key()) || "bad action!".equals(r.key()),
                Duration.ofSeconds(20));
        List<String> reasons = dlq.stream()
                .map(r ->
                        new String(r.headers().lastHeader(Headers.ERROR_REASON).value(), StandardCharsets.UTF_8))
                .toList();
        assertTrue(
                reasons.stream().anyMatch(r -> r.contains("cxbridge-replayed-at") && r.contains("not-a-date")),
                reasons::toString);
        assertTrue(reasons.contains("not a FailedRun JSON object: the record is not valid JSON"), reasons::toString);
        assertTrue(
                reasons.contains("not a FailedRun JSON object: field 'attempt' has the wrong type"), reasons::toString);
        assertTrue(reasons.stream().noneMatch(r -> r.contains("555123456")), reasons::toString);
        assertTrue(reasons.stream().anyMatch(r -> r.contains("over the limit")), reasons::toString);
        assertTrue(reasons.stream().anyMatch(r -> r.contains("actionId")), reasons::toString);
        assertTrue(reasons.stream().anyMatch(r -> r.contains("unknown schema version")), reasons::toString);
        assertTrue(dlq.stream().allMatch(r -> r.headers().lastHeader(Headers.DLQ_ID) != null));
        Management.given().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void aRunWithoutRequestIdGetsOneFromItsPlaceInKafka() throws Exception {
        String action = newAction();
        String value = """
                {"actionId": "%s", "originalRunId": "no-id", "requestPayload": {"a": 1}, "attempt": 2}""".formatted(action);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        org.apache.kafka.clients.producer.RecordMetadata meta;
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            meta = producer.send(new ProducerRecord<>(Topics.FAILED_RUNS, action, value))
                    .get();
        }
        String id = UUID.nameUUIDFromBytes(
                        (meta.topic() + "/" + meta.partition() + "/" + meta.offset()).getBytes(StandardCharsets.UTF_8))
                .toString();
        var r = awaitFinished(id, "succeeded");
        assertEquals(3, r.getInt("attempts"), "the incoming attempt 2 is honoured: this was attempt 3");
    }

    @Test
    void aStaleClaimCannotOverwriteTheRunAnotherInstanceTook() {
        String id = UUID.randomUUID().toString();
        String action = newAction();
        Instant now = Instant.now().plus(Duration.ofDays(1)); // far ahead: the live poller never sees it due
        var run = new io.cxbridge.model.event.FailedRun(
                id,
                action,
                "r",
                io.cxbridge.model.Json.mapper().createObjectNode().put("a", 1),
                0,
                now,
                503,
                "t");
        RunRecord pending = RunRecord.pending(run, "{}", now, now, null);
        assertEquals(RunStore.Admission.ADMITTED, store.admit(pending).await().atMost(Duration.ofSeconds(5)));
        String first =
                store.claim(id, now).await().atMost(Duration.ofSeconds(5)).orElseThrow();
        // The first lease runs out; another instance claims the run and finishes it.
        Instant later = now.plus(Duration.ofMinutes(5));
        String second =
                store.claim(id, later).await().atMost(Duration.ofSeconds(5)).orElseThrow();
        assertFalse(store.holds(id, first).await().atMost(Duration.ofSeconds(5)));
        assertTrue(store.save(pending.finished(RunState.succeeded, 1, 200, null, later), second)
                .await()
                .atMost(Duration.ofSeconds(5)));
        assertFalse(
                store.save(pending.retryAt(1, 503, "late", later, later), first)
                        .await()
                        .atMost(Duration.ofSeconds(5)),
                "the stale instance cannot re-queue the finished run");
        assertFalse(
                store.save(pending.retryAt(1, 503, "late", later, later), second)
                        .await()
                        .atMost(Duration.ofSeconds(5)),
                "nor can anyone re-queue a finished run");
        assertEquals(
                RunState.succeeded,
                store.get(id)
                        .await()
                        .atMost(Duration.ofSeconds(5))
                        .orElseThrow()
                        .state());
    }

    /**
     * A stale instance's outcome that its fenced save refused must not be the journal's last word for the run: the
     * journal used to take it before the save was refused, and a rebuild then brought a finished run back as pending
     * (sent again after it had succeeded).
     */
    @Test
    void anOutcomeTheFencedSaveRefusedIsNotWhatARebuildRestores() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(epoch::open);
        String action = newAction();
        // the stale instance's call answers 503: it would schedule a next attempt
        String faultId = sim.fault(Map.of("method", "POST", "path", path(action), "status", 503, "count", 1));
        String id = UUID.randomUUID().toString();
        Instant now = Instant.now().plus(Duration.ofDays(1)); // far ahead: the live poller never sees it due
        var failed = new io.cxbridge.model.event.FailedRun(
                id,
                action,
                "r",
                io.cxbridge.model.Json.mapper().createObjectNode().put("a", 1),
                0,
                now,
                503,
                "t");
        RunRecord pending = RunRecord.pending(failed, "{}", now, now, null);
        journal.write(pending).await().atMost(Duration.ofSeconds(10));
        assertEquals(RunStore.Admission.ADMITTED, store.admit(pending).await().atMost(Duration.ofSeconds(5)));
        String stale =
                store.claim(id, now).await().atMost(Duration.ofSeconds(5)).orElseThrow();
        // Another instance took the run after the lease and got a 2xx: stored whoever holds the claim (the claim
        // goes with it), then journaled.
        RunRecord done = pending.finished(RunState.succeeded, 1, 200, null, Instant.now());
        store.save(done).await().atMost(Duration.ofSeconds(5));
        journal.write(done).await().atMost(Duration.ofSeconds(10));

        // The stale instance's answer comes now: no other claim is held, so its fence check passes, and its fenced
        // save is refused (the run is finished).
        Attempts.attempt(resubmitter, pending, breakers.acquire(action), stale)
                .await()
                .atMost(Duration.ofSeconds(30));

        assertEquals(1, sent(id), "the stale instance's attempt went (positive control)");
        assertEquals(
                RunState.succeeded,
                store.get(id)
                        .await()
                        .atMost(Duration.ofSeconds(5))
                        .orElseThrow()
                        .state(),
                "the fenced save refused the stale outcome");
        List<RunRecord> states = journaled(id);
        assertEquals(
                RunState.succeeded,
                states.get(states.size() - 1).state(),
                () -> "the journal ends with what Redis holds: " + states);
        sim.removeFault(faultId);

        double lossesBefore = epoch.losses();
        redis.flushall(List.of()).await().atMost(Duration.ofSeconds(5));
        await().atMost(Duration.ofSeconds(20)).until(() -> epoch.losses() == lossesBefore + 1 && epoch.open());

        given().get("/v1/data-actions/failed-runs/" + id)
                .then()
                .statusCode(200)
                .body("state", org.hamcrest.Matchers.equalTo("succeeded"));
        // a run of the same action published after the rebuild ends: the poll loop has run since, and a resurrected
        // run (due at once) would have gone before it
        String later = UUID.randomUUID().toString();
        publish(action, run(later, action));
        awaitFinished(later, "succeeded");
        assertEquals(1, sent(id), "the finished run was not sent again after the rebuild");
    }

    /**
     * Runs deferred by an open breaker when Redis loses its data: each deferral is journaled (the schedule a rebuild
     * restores), the runs are rebuilt, and once the action answers every run ends exactly once, succeeded or
     * dead-lettered.
     */
    @Test
    void runsDeferredWhenRedisIsLostAreRebuiltAndEachEndsExactlyOnce() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(epoch::open);
        String action = newAction();
        // The action's breaker opens, and its probe is taken and held here: every run of the action is deferred (by
        // probe-wait, again and again), none is attempted, until the probe's result is recorded.
        for (int i = 0; i < 3; i++) {
            breakers.record(action, breakers.acquire(action), Breakers.Result.FAILURE);
        }
        Breakers.Permit[] probe = new Breakers.Permit[1];
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            probe[0] = breakers.acquire(action);
            return probe[0].kind() == Breakers.Kind.PROBE;
        });
        try {
            int n = 8;
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String id = UUID.randomUUID().toString();
                ids.add(id);
                publish(action, run(id, action));
            }
            // deferred: pending, no attempt spent, written since intake
            for (String id : ids) {
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> store.get(id)
                                .await()
                                .atMost(Duration.ofSeconds(5))
                                .filter(r -> r.state() == RunState.pending
                                        && r.attempts() == 0
                                        && r.updatedAt().isAfter(r.firstSeen()))
                                .isPresent());
            }
            for (String id : ids) {
                List<RunRecord> states = journaled(id);
                assertTrue(
                        states.stream()
                                .anyMatch(r -> r.state() == RunState.pending
                                        && r.attempts() == 0
                                        && r.updatedAt().isAfter(r.firstSeen())),
                        () -> "the deferral is journaled: " + states);
            }
            double lossesBefore = epoch.losses();

            redis.flushall(List.of()).await().atMost(Duration.ofSeconds(5));

            await().atMost(Duration.ofSeconds(20)).until(() -> epoch.losses() == lossesBefore + 1 && epoch.open());
            for (String id : ids) {
                given().get("/v1/data-actions/failed-runs/" + id)
                        .then()
                        .statusCode(200)
                        .body("state", org.hamcrest.Matchers.equalTo("pending"))
                        .body("attempts", org.hamcrest.Matchers.equalTo(0));
            }
            assertEquals(0, sim.stats().requests("POST", path(action)), "nothing was attempted while deferred");
            // The action answers again: three runs are refused (dead-lettered at once), the rest succeed.
            sim.fault(Map.of("method", "POST", "path", path(action), "status", 400, "count", 3));
            breakers.record(action, probe[0], Breakers.Result.SUCCESS);
            probe[0] = null;
            int succeeded = 0;
            int deadLettered = 0;
            for (String id : ids) {
                String state = awaitFinished(id, null).getString("state");
                if ("succeeded".equals(state)) {
                    succeeded++;
                } else if ("dead-lettered".equals(state)) {
                    deadLettered++;
                }
                assertEquals(1, sent(id), () -> "run " + id + " was sent once");
            }
            assertEquals(n - 3, succeeded, "succeeded");
            assertEquals(3, deadLettered, "dead-lettered");
            assertEquals(n - 3, sim.stats().requests("POST", path(action), 200));
            List<ConsumerRecord<String, byte[]>> dlq =
                    TopicReader.readAll(bootstrap(), Topics.FAILED_RUNS_DLQ, Duration.ofSeconds(10)).stream()
                            .filter(r -> action.equals(r.key()))
                            .toList();
            assertEquals(3, dlq.size(), "one dead letter per refused run");
        } finally {
            if (probe[0] != null) {
                breakers.record(action, probe[0], Breakers.Result.SUCCESS);
            }
        }
    }

    /**
     * Times the run was sent to Genesys: its executions less the 401s (a token the sim forgot on reset is refused
     * once, and the client sends the same attempt again with a new one).
     */
    private long sent(String requestId) {
        return sim.stats().executions(requestId) - sim.stats().executions(requestId, 401);
    }

    /** The run's states on the journal, in order. */
    private static List<RunRecord> journaled(String requestId) {
        return TopicReader.readAll(bootstrap(), Topics.RETRY_STATE, Duration.ofSeconds(10)).stream()
                .filter(r -> requestId.equals(r.key()) && r.value() != null)
                .map(r -> {
                    try {
                        return io.cxbridge.model.Json.mapper().readValue(r.value(), RunRecord.class);
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException(e);
                    }
                })
                .toList();
    }

    @Test
    void anEvictingRedisMakesRetrySvcUnreadyNamingTheSetting() {
        try {
            redis.config(List.of("SET", "maxmemory-policy", "allkeys-lru"))
                    .await()
                    .atMost(Duration.ofSeconds(5));
            Management.given().get("/q/health/ready").then().statusCode(503).body(containsString("maxmemory-policy"));
        } finally {
            redis.config(List.of("SET", "maxmemory-policy", "noeviction"))
                    .await()
                    .atMost(Duration.ofSeconds(5));
        }
        // ready again once no other reason holds it (a rebuild or a consumer hold of an earlier test may still be
        // ending)
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () -> Management.given().get("/q/health/ready").then().statusCode(200));
    }
}
