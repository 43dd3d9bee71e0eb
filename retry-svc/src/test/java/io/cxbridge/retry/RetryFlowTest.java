package io.cxbridge.retry;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cxbridge.model.Headers;
import io.cxbridge.model.Json;
import io.cxbridge.model.Topics;
import io.cxbridge.model.audit.AuditTypes;
import io.cxbridge.model.event.FailedRun;
import io.cxbridge.model.retry.RunRecord;
import io.cxbridge.model.retry.RunState;
import io.cxbridge.retry.breaker.Breakers;
import io.cxbridge.retry.state.RunStore;
import io.cxbridge.retry.support.WebhookReceiver;
import io.cxbridge.testkit.KafkaBroker;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.TopicReader;
import io.cxbridge.testkit.sim.GenesysSim;
import io.cxbridge.testkit.sim.GenesysSimResource;
import io.cxbridge.testkit.sim.SimControl;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
@QuarkusTestResource(WebhookReceiver.class)
class RetryFlowTest {

    private final SimControl sim = GenesysSim.shared().control();

    private static KafkaProducer<String, String> producer;

    @Inject
    RunStore store;

    @Inject
    Breakers breakers;

    @Inject
    io.cxbridge.retry.metrics.RetryMetrics metrics;

    @BeforeEach
    void resetSim() {
        sim.reset();
        breakers.reset();
    }

    @AfterAll
    static void closeProducer() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
    }

    static String bootstrap() {
        return KafkaBroker.shared().bootstrapServers();
    }

    static void publish(String key, String value) throws Exception {
        if (producer == null) {
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        }
        producer.send(new ProducerRecord<>(Topics.FAILED_RUNS, key, value)).get();
    }

    static String run(String requestId, String actionId) {
        return """
                {"requestId": "%s", "actionId": "%s", "originalRunId": "run-%s",
                 "requestPayload": {"customer": "c-1", "amount": 12}}""".formatted(requestId, actionId, requestId);
    }

    static String path(String actionId) {
        return "/api/v2/integrations/actions/" + actionId + "/execute";
    }

    static String newAction() {
        return "custom_-_" + UUID.randomUUID();
    }

    /** Waits until the run is no longer pending and checks it ended in {@code state} (any when null). */
    static JsonPath awaitFinished(String requestId, String state) {
        await().atMost(Duration.ofSeconds(40))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    String s = given().get("/v1/data-actions/failed-runs/" + requestId)
                            .then()
                            .extract()
                            .path("state");
                    return s != null && !s.equals("pending");
                });
        JsonPath r = given().get("/v1/data-actions/failed-runs/" + requestId)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        if (state != null) {
            assertEquals(state, r.getString("state"), () -> "run ended " + r.prettify());
        }
        return r;
    }

    static ConsumerRecord<String, byte[]> awaitDeadLetter(String payload) {
        return TopicReader.await(
                        bootstrap(),
                        Topics.FAILED_RUNS_DLQ,
                        1,
                        rec -> payload.equals(new String(rec.value(), StandardCharsets.UTF_8)),
                        Duration.ofSeconds(20))
                .get(0);
    }

    static void awaitAudit(String type, String subject) {
        TopicReader.await(
                bootstrap(),
                Topics.AUDIT,
                1,
                TopicReader.header("ce_type", type).and(rec -> subject.equals(rec.key())),
                Duration.ofSeconds(10));
    }

    @Test
    void twoFailuresThenSuccessIsThreeAttemptsAndSucceeded() throws Exception {
        String action = newAction();
        sim.fault(Map.of("method", "POST", "path", path(action), "status", 503, "count", 2));
        String id = UUID.randomUUID().toString();
        publish(action, run(id, action));

        JsonPath r = awaitFinished(id, "succeeded");
        assertEquals(3, r.getInt("attempts"));
        assertEquals(200, r.getInt("lastStatus"));
        assertEquals(2, sim.stats().requests("POST", path(action), 503));
        assertEquals(1, sim.stats().requests("POST", path(action), 200));
        // (a 401 after the sim's reset forgot the token is the client's one re-authentication, not an attempt)
        assertEquals(
                3 + sim.stats().requests("POST", path(action), 401),
                sim.stats().executions(id),
                "three executions carried the run's requestId");
        // the gaps follow the backoff (test profile: base 200 ms, factor 2, jitter 0.1): 200 ms then 400 ms, each
        // within the jitter, plus at most a scheduler tick (50 ms) and slack for a loaded machine
        // (from an attempt's answer to the next attempt's send)
        List<Instant> sent = r.getList("history.at", String.class).stream()
                .map(Instant::parse)
                .toList();
        List<Instant> answered = r.getList("history.answeredAt", String.class).stream()
                .map(Instant::parse)
                .toList();
        assertEquals(List.of(503, 503, 200), r.getList("history.status", Integer.class));
        assertGap(answered.get(0), sent.get(1), 200);
        assertGap(answered.get(1), sent.get(2), 400);
        awaitAudit(AuditTypes.RETRY_SUCCEEDED, id);
        awaitAudit(AuditTypes.RETRY_ATTEMPT_FAILED, id);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !WebhookReceiver.receivedFor(id).isEmpty());
        WebhookReceiver.Received hook = WebhookReceiver.receivedFor(id).get(0);
        assertTrue(hook.signatureValid(), "signed with the configured secret");
        assertEquals("retry_success", hook.body().path("event").asText());
    }

    static void assertGap(Instant from, Instant to, long nominalMs) {
        long gap = Duration.between(from, to).toMillis();
        assertTrue(
                gap >= nominalMs * 0.9 - 5, "gap " + gap + " ms shorter than the backoff " + nominalMs + " ms - 10 %");
        assertTrue(gap <= nominalMs * 1.1 + 50 + 400, "gap " + gap + " ms much longer than the backoff " + nominalMs);
    }

    @Test
    void a400IsDeadLetteredAtOnceWithTheReason() throws Exception {
        String action = newAction();
        sim.fault(Map.of("method", "POST", "path", path(action), "status", 400, "count", 5));
        String id = UUID.randomUUID().toString();
        String payload = run(id, action);
        publish(action, payload);

        JsonPath r = awaitFinished(id, "dead-lettered");
        assertEquals(1, r.getInt("attempts"));
        assertTrue(r.getString("error").contains("400"), r.getString("error"));
        ConsumerRecord<String, byte[]> dlq = awaitDeadLetter(payload);
        Map<String, String> h = TopicReader.headers(dlq);
        assertEquals(action, dlq.key());
        assertEquals("rejected", h.get(Headers.ERROR_CLASS));
        assertTrue(h.get(Headers.ERROR_REASON).contains("400"), h.get(Headers.ERROR_REASON));
        assertEquals("1", h.get(Headers.ATTEMPTS));
        Instant.parse(h.get(Headers.FIRST_SEEN));
        assertEquals(1, sim.stats().requests("POST", path(action)), "no retry");
        awaitAudit(AuditTypes.RETRY_DEAD_LETTERED, id);
    }

    @Test
    void invalidRecordsAreDeadLetteredUnchangedWithoutACall() throws Exception {
        String badId = UUID.randomUUID().toString();
        String badAction = run(badId, "bad action!");
        String notJson = "{not json " + UUID.randomUUID();
        String missing = "{\"actionId\": \"a-" + UUID.randomUUID() + "\"}";
        publish("bad action!", badAction);
        publish("k-" + UUID.randomUUID(), notJson);
        publish("k-missing", missing);

        Map<String, String> h = TopicReader.headers(awaitDeadLetter(badAction));
        assertEquals("invalid", h.get(Headers.ERROR_CLASS));
        assertTrue(h.get(Headers.ERROR_REASON).contains("actionId"), h.get(Headers.ERROR_REASON));
        assertEquals("0", h.get(Headers.ATTEMPTS));
        assertEquals("invalid", TopicReader.headers(awaitDeadLetter(notJson)).get(Headers.ERROR_CLASS));
        String reason = TopicReader.headers(awaitDeadLetter(missing)).get(Headers.ERROR_REASON);
        assertTrue(reason.contains("originalRunId") && reason.contains("requestPayload"), reason);
        awaitAudit(AuditTypes.RETRY_DEAD_LETTERED, badId);
        given().get("/v1/data-actions/failed-runs/" + badId).then().statusCode(404);
        assertEquals(0, sim.stats().requestsTotal(), "nothing reached the sim");
    }

    @Test
    void always503IsFiveAttemptsThenExhausted() throws Exception {
        String action = newAction();
        sim.fault(Map.of("method", "POST", "path", path(action), "status", 503, "count", 100));
        String id = UUID.randomUUID().toString();
        String payload = run(id, action);
        publish(action, payload);

        // attempts 1-3 open the action's breaker; 4 and 5 are its probes, 3 s apart (test profile)
        JsonPath r = awaitFinished(id, "dead-lettered");
        assertEquals(5, r.getInt("attempts"));
        Map<String, String> h = TopicReader.headers(awaitDeadLetter(payload));
        assertEquals("exhausted", h.get(Headers.ERROR_CLASS));
        assertEquals("5", h.get(Headers.ATTEMPTS));
        assertEquals(5, sim.stats().requests("POST", path(action), 503));
        assertEquals(
                5 + sim.stats().requests("POST", path(action), 401), sim.stats().executions(id));
        awaitAudit(AuditTypes.RETRY_EXHAUSTED, id);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !WebhookReceiver.receivedFor(id).isEmpty());
        // a later run of another action finishes too: by then the exhausted one's webhook has long been sent
        String next = UUID.randomUUID().toString();
        String other = newAction();
        publish(other, run(next, other));
        assertEquals(1, awaitFinished(next, "succeeded").getInt("attempts"));
        List<WebhookReceiver.Received> hooks = WebhookReceiver.receivedFor(id);
        assertEquals(1, hooks.size(), "the webhook was called once: " + hooks);
        assertEquals("retry_exhausted", hooks.get(0).body().path("event").asText());
        assertEquals(5, hooks.get(0).body().path("attempts").asInt());
        assertTrue(hooks.get(0).signatureValid());
    }

    @Test
    void aRedeliveredRecordIsNotResubmitted() throws Exception {
        String action = newAction();
        String id = UUID.randomUUID().toString();
        publish(action, run(id, action));
        awaitFinished(id, "succeeded");
        long executions = sim.stats().executions(id);

        publish(action, run(id, action));
        // one partition in tests: the later run is in the duplicate's poll or a later one, and a poll's records are
        // all worked before the next poll's, so once the later run is done the duplicate has been seen
        String later = UUID.randomUUID().toString();
        publish(action, run(later, action));
        awaitFinished(later, "succeeded");
        assertEquals(2, sim.stats().requests("POST", path(action), 200), "the first run once, the later run once");
        assertEquals(executions, sim.stats().executions(id), "the redelivered run was not executed again");
    }

    @Test
    void theSameRequestIdTwiceInOnePollIsJournaledAndScheduledOnce() throws Exception {
        String action = newAction();
        String id = UUID.randomUUID().toString();
        String first = run(id, action);
        String second = first.replace("\"amount\": 12", "\"amount\": 13");
        // One produce request (a long linger, flushed), so one poll brings both: without turns per requestId they
        // are worked at once, both found new, and both journaled.
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "1000");
        try (KafkaProducer<String, String> together =
                new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            together.send(new ProducerRecord<>(Topics.FAILED_RUNS, action, first));
            together.send(new ProducerRecord<>(Topics.FAILED_RUNS, action, second));
            together.flush();
        }
        awaitFinished(id, "succeeded");

        assertEquals(1, sim.stats().requests("POST", path(action), 200), "one run, resubmitted once");
        List<RunRecord> journaled =
                TopicReader.readAll(bootstrap(), Topics.RETRY_STATE, Duration.ofSeconds(10)).stream()
                        .filter(rec -> id.equals(rec.key()))
                        .map(RetryFlowTest::runRecord)
                        .filter(r -> r.state() == RunState.pending && r.attempts() == 0)
                        .toList();
        assertEquals(1, journaled.size(), () -> "one pending state journaled at intake: " + journaled);
        assertTrue(
                journaled.get(0).originalPayload().contains("\"amount\": 12"),
                () -> "the first record wins: " + journaled);
    }

    private static RunRecord runRecord(ConsumerRecord<String, byte[]> rec) {
        try {
            return Json.mapper().readValue(rec.value(), RunRecord.class);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void pendingRunShowsItsNextAttemptAndUnknownIs404() {
        String id = UUID.randomUUID().toString();
        FailedRun failed = new FailedRun(
                id, newAction(), "run-1", Json.mapper().createObjectNode().put("x", 1), 0, Instant.now(), 503, "trace");
        Instant next = Instant.now().plus(Duration.ofHours(1));
        RunRecord pending =
                RunRecord.pending(failed, "{}", Instant.now()).retryAt(2, 503, "HTTP 503", next, Instant.now());
        store.save(pending).await().atMost(Duration.ofSeconds(5));
        given().get("/v1/data-actions/failed-runs/" + id)
                .then()
                .statusCode(200)
                .body("state", equalTo("pending"))
                .body("attempts", equalTo(2))
                .body("nextAttemptAt", notNullValue())
                .body("lastStatus", equalTo(503));
        given().get("/v1/data-actions/failed-runs/" + UUID.randomUUID())
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
    }

    /**
     * After a restart nothing is re-read from Kafka: a run already admitted (in Redis, due, with two attempts made
     * before the restart, or claimed by an instance that died and whose lease ran out) is picked up by the
     * scheduler and resumes at attempt 3.
     */
    @Test
    void aRunStoredInRedisIsResumedWithoutItsRecord() {
        String id = UUID.randomUUID().toString();
        String action = newAction();
        FailedRun failed = new FailedRun(
                id, action, "run-2", Json.mapper().createObjectNode().put("x", 2), 0, Instant.now(), 503, "trace");
        Instant past = Instant.now().minusSeconds(5);
        store.save(RunRecord.pending(failed, "{}", past).retryAt(2, 503, "HTTP 503", past, past))
                .await()
                .atMost(Duration.ofSeconds(5));
        JsonPath r = awaitFinished(id, "succeeded");
        assertEquals(3, r.getInt("attempts"));
        assertEquals(1, sim.stats().requests("POST", path(action), 200));
        awaitAudit(AuditTypes.RETRY_SUCCEEDED, id);
    }

    @Test
    void noMoreThanMaxInFlightResubmissionsGoAtOnce() throws Exception {
        String action = newAction();
        // a slow action: each execution takes 700 ms, so 20 due runs pile up against the bound (8 in tests)
        sim.fault(Map.of("method", "POST", "path", path(action), "latencyMs", 700));
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String id = UUID.randomUUID().toString();
            ids.add(id);
            publish(action, run(id, action));
        }
        int[] max = new int[1];
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    max[0] = Math.max(max[0], metrics.inFlight().get());
                    return ids.stream()
                            .allMatch(id -> store.get(id)
                                    .await()
                                    .atMost(Duration.ofSeconds(5))
                                    .map(r -> r.state() == io.cxbridge.model.retry.RunState.succeeded)
                                    .orElse(false));
                });
        assertTrue(max[0] <= 8, "in flight at most max-in-flight: " + max[0]);
        assertTrue(max[0] >= 4, "the bound was reached for a while: " + max[0]);
        assertEquals(20, sim.stats().requests("POST", path(action), 200));
    }

    @Test
    void openApiDescribesTheApi() {
        given().get("/q/openapi?format=json")
                .then()
                .statusCode(200)
                .body("paths.'/v1/data-actions/failed-runs/{requestId}'.get.summary", notNullValue())
                .body("paths.'/v1/data-actions/dlq'.get.summary", notNullValue())
                .body("paths.'/v1/data-actions/dlq/{requestId}/replay'.post.summary", notNullValue())
                .body("paths.'/v1/data-actions/dlq/replay'.post.summary", notNullValue());
    }
}
