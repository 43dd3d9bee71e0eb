package io.cxbridge.fulfillment;

import static io.cxbridge.fulfillment.FulfillmentTestSupport.awaitAudit;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.awaitCallback;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.awaitState;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.awaitTerminal;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.bootstrap;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.job;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.json;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.newFid;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.newToken;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.publish;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.common.kafka.BoundedId;
import io.cxbridge.common.kafka.DeadLetterRecord;
import io.cxbridge.fulfillment.config.FulfillmentConfig;
import io.cxbridge.fulfillment.dlq.DeadLetterIndexRebuild;
import io.cxbridge.model.Headers;
import io.cxbridge.model.Topics;
import io.cxbridge.model.audit.AuditTypes;
import io.cxbridge.model.event.FulfillmentJob;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.TopicReader;
import io.cxbridge.testkit.sim.SimControl;
import io.quarkus.arc.Arc;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.mutiny.redis.client.RedisAPI;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Results that cannot be posted go to the DLQ; the DLQ API lists and replays them. */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(FulfillmentTestResource.class)
class DeadLetterApiTest {

    private static final String CALLBACKS = "/api/v2/dataactions/fulfillments/**";

    private final SimControl sim = FulfillmentTestSupport.sim();

    @Inject
    RedisAPI redis;

    @Inject
    FulfillmentConfig config;

    @BeforeEach
    void setUp() {
        sim.reset();
        FulfillmentTestSupport.captureLogs();
    }

    private static JsonPath entryOf(String jobId) {
        // newest first: a fresh entry is on the first page
        JsonPath page = given().queryParam("pageSize", 100)
                .get("/v1/fulfillment/dlq")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        List<Map<String, Object>> entities = page.getList("entities");
        for (int i = 0; i < entities.size(); i++) {
            if (jobId.equals(entities.get(i).get("jobId"))) {
                return new JsonPath(json(entities.get(i)));
            }
        }
        throw new AssertionError("job " + jobId + " not on the first DLQ page: " + page.prettify());
    }

    private static FulfillmentJob deadLetteredByTheCallback(SimControl sim, Duration deadlineIn) {
        String fid = newFid();
        FulfillmentJob job = job(fid, newToken(), deadlineIn);
        publish(job);
        JsonPath state = awaitTerminal(job.jobId());
        assertEquals("dead-lettered", state.getString("state"), state.prettify());
        return job;
    }

    @Test
    void aResultThatCannotBePostedIsDeadLetteredThenReplayedWhenTheReceiverIsBack() {
        sim.fault(Map.of("method", "POST", "path", CALLBACKS, "status", 503));
        FulfillmentJob job = deadLetteredByTheCallback(sim, Duration.ofSeconds(90));
        String fid = job.fulfillmentId();

        JsonPath state = given().get("/v1/fulfillment/jobs/" + job.jobId())
                .then()
                .extract()
                .jsonPath();
        assertEquals("CALLBACK_FAILED", state.getString("errorCode"));
        assertEquals(3, state.getInt("callbackAttempts"));
        assertEquals(3, sim.stats().requests("POST", "/api/v2/dataactions/fulfillments/" + fid, 503));
        assertEquals(0, sim.stats().callbacks(fid));

        // the spec's DLQ record: payload unchanged, the reason in headers, never the token
        List<ConsumerRecord<String, byte[]>> dlq = TopicReader.await(
                bootstrap(), Topics.FULFILLMENT_JOBS_DLQ, 1, r -> fid.equals(r.key()), Duration.ofSeconds(20));
        assertEquals(json(job), new String(dlq.get(0).value(), StandardCharsets.UTF_8));
        Map<String, String> headers = TopicReader.headers(dlq.get(0));
        assertEquals("callback-failed", headers.get(Headers.ERROR_CLASS));
        assertTrue(headers.get(Headers.ERROR_REASON).contains("503"), headers.toString());
        assertEquals("3", headers.get(Headers.ATTEMPTS));
        assertNotNull(headers.get(Headers.FIRST_SEEN));
        awaitAudit(AuditTypes.FULFILLMENT_CALLBACK_FAILED, fid);
        awaitAudit(AuditTypes.FULFILLMENT_DEAD_LETTERED, fid);

        JsonPath entry = entryOf(job.jobId());
        assertEquals(fid, entry.getString("fulfillmentId"));
        assertEquals("callback-failed", entry.getString("errorClass"));
        assertFalse(entry.getBoolean("replayed"));

        sim.clearFaults();
        // replay once the receiver is back: posted complete, the DLQ entry and the job show the replay
        given().post("/v1/fulfillment/dlq/" + job.jobId() + "/replay")
                .then()
                .statusCode(202)
                .body("status", equalTo("replayed"))
                .body("jobId", equalTo(job.jobId()))
                .body("fulfillmentId", equalTo(fid))
                .body("replays", equalTo(1));
        awaitAudit(AuditTypes.FULFILLMENT_REPLAYED, fid);
        JsonPath done = awaitState(job.jobId(), "complete");
        assertEquals(1, done.getInt("replays"));
        assertNotNull(done.getString("replayedAt"));
        JsonNode received = awaitCallback(fid);
        assertEquals(
                "complete", received.path("last").path("body").path("status").asText());
        assertEquals(
                "o-42",
                received.path("last")
                        .path("body")
                        .path("result")
                        .path("echo")
                        .path("orderId")
                        .asText());
        JsonPath replayed = entryOf(job.jobId());
        assertTrue(replayed.getBoolean("replayed"));
        assertEquals(1, replayed.getInt("replays"));
        assertNotNull(replayed.getString("replayedAt"));
        awaitAudit(AuditTypes.FULFILLMENT_COMPLETED, fid);
        assertEquals(1, sim.stats().callbacks(fid), "posted once");

        // posted now: a second replay is refused, nothing posted again
        given().post("/v1/fulfillment/dlq/" + job.jobId() + "/replay")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("detail", containsString("posted"));
        assertEquals(1, sim.stats().callbacks(fid));
        assertEquals(0, sim.stats().duplicateCallbacks(fid));
    }

    @Test
    void aReplayAfterTheDeadlineIsRefused() {
        sim.fault(Map.of("method", "POST", "path", CALLBACKS, "status", 503));
        FulfillmentJob job = deadLetteredByTheCallback(sim, Duration.ofSeconds(3));
        await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().isAfter(job.deadline()));
        sim.clearFaults();
        given().post("/v1/fulfillment/dlq/" + job.jobId() + "/replay")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("title", equalTo("Deadline passed"))
                .body("detail", containsString("deadline"))
                .body("traceId", org.hamcrest.Matchers.notNullValue());
        assertEquals("dead-lettered", FulfillmentTestSupport.state(job.jobId()), "nothing changed");
        assertFalse(entryOf(job.jobId()).getBoolean("replayed"));
        assertEquals(0, sim.stats().callbacks(job.fulfillmentId()));
    }

    @Test
    void unknownAndInvalidJobsAreNotReplayedAndBadPagingIsA400() {
        given().post("/v1/fulfillment/dlq/" + UUID.randomUUID() + "/replay")
                .then()
                .statusCode(404)
                .contentType("application/problem+json");

        // a job without a token: dead-lettered as invalid, listed, not replayable
        FulfillmentJob valid = job(newFid(), newToken(), Duration.ofSeconds(60));
        FulfillmentJob invalid = new FulfillmentJob(
                valid.jobId(),
                valid.fulfillmentId(),
                valid.fulfillmentUrl(),
                null,
                valid.data(),
                valid.receivedAt(),
                valid.deadline(),
                valid.traceId());
        publish(invalid);
        assertEquals("dead-lettered", awaitTerminal(invalid.jobId()).getString("state"));
        assertEquals("invalid-job", entryOf(invalid.jobId()).getString("errorClass"));
        given().post("/v1/fulfillment/dlq/" + invalid.jobId() + "/replay")
                .then()
                .statusCode(422)
                .contentType("application/problem+json")
                .body("detail", containsString("invalid"));

        given().queryParam("pageSize", 0)
                .queryParam("pageNumber", "x")
                .get("/v1/fulfillment/dlq")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("violations.field", org.hamcrest.Matchers.containsInAnyOrder("pageSize", "pageNumber"));
        given().queryParam("pageSize", 101).get("/v1/fulfillment/dlq").then().statusCode(400);
    }

    @Test
    void theDlqListIsNewestFirstAndPaged() {
        sim.fault(Map.of("method", "POST", "path", CALLBACKS, "status", 503));
        FulfillmentJob older = deadLetteredByTheCallback(sim, Duration.ofSeconds(60));
        FulfillmentJob newer = deadLetteredByTheCallback(sim, Duration.ofSeconds(60));

        JsonPath first = given().queryParam("pageSize", 1)
                .queryParam("pageNumber", 1)
                .get("/v1/fulfillment/dlq")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals(newer.jobId(), first.getString("entities[0].jobId"));
        assertEquals(1, first.getInt("pageSize"));
        assertEquals(1, first.getInt("pageNumber"));
        long total = first.getLong("total");
        assertTrue(total >= 2);
        assertEquals(total, first.getLong("pageCount"));
        assertEquals(1, first.getList("entities").size());

        JsonPath second = given().queryParam("pageSize", 1)
                .queryParam("pageNumber", 2)
                .get("/v1/fulfillment/dlq")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals(older.jobId(), second.getString("entities[0].jobId"));

        JsonPath beyond = given().queryParam("pageSize", 1)
                .queryParam("pageNumber", total + 1)
                .get("/v1/fulfillment/dlq")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertTrue(beyond.getList("entities").isEmpty());
        // the list never carries a token, sealed or clear
        String all = given().queryParam("pageSize", 100)
                .get("/v1/fulfillment/dlq")
                .then()
                .extract()
                .asString();
        assertFalse(all.contains(newer.fulfillmentToken()));
    }

    /**
     * A job whose state is gone (expired, or lost with Redis; its dead letter still listed) was set `replayed` before
     * publishing, and a broker refusal left it so: every replay was then refused 409 "In progress" for the state's 7
     * days. The broker is made to refuse by a stored record over the jobs producer's 1 MiB request size.
     */
    @Test
    void aReplayTheBrokerRefusesOfAJobWithoutStateLeavesNoStateBehind() {
        sim.fault(Map.of("method", "POST", "path", CALLBACKS, "status", 503));
        FulfillmentJob job = deadLetteredByTheCallback(sim, Duration.ofSeconds(120));
        sim.clearFaults();
        String stateKey = config.keyPrefix() + ":job:" + job.jobId();
        String payloadKey = "{" + config.keyPrefix() + ":dlq}:p:" + job.jobId();
        redis(List.of("DEL", stateKey));
        redis(List.of(
                "SET", payloadKey, json(job).replaceFirst("\\{", "{\"padding\":\"" + "x".repeat(1_100_000) + "\",")));

        given().post("/v1/fulfillment/dlq/" + job.jobId() + "/replay").then().statusCode(503);
        given().get("/v1/fulfillment/jobs/" + job.jobId()).then().statusCode(404);
        assertFalse(entryOf(job.jobId()).getBoolean("replayed"));

        // the record is sendable again: the replay goes through, not 409 "In progress"
        redis(List.of("SET", payloadKey, json(job)));
        given().post("/v1/fulfillment/dlq/" + job.jobId() + "/replay")
                .then()
                .statusCode(202)
                .body("status", equalTo("replayed"));
        assertEquals("complete", awaitState(job.jobId(), "complete").getString("state"));
        assertEquals(1, sim.stats().callbacks(job.fulfillmentId()), "posted once");
    }

    /**
     * A dead letter indexed without its record value (the DLQ payload budget was spent, service-common's
     * DeadLetterIndex marks it {@code :o:}) is listed as such, and its replay is a 409 naming where the value is (DLQ
     * topic, key, dead-letter time), not a 404 "no longer kept" as if the job were gone.
     */
    @Test
    void aDeadLetterKeptWithoutItsValueSaysSoAndItsReplayNamesTheTopic() {
        sim.fault(Map.of("method", "POST", "path", CALLBACKS, "status", 503));
        FulfillmentJob job = deadLetteredByTheCallback(sim, Duration.ofSeconds(90));
        sim.clearFaults();
        String tag = "{" + config.keyPrefix() + ":dlq}";
        redis(List.of("DEL", tag + ":p:" + job.jobId()));
        redis(List.of("SET", tag + ":o:" + job.jobId(), "1"));

        JsonPath entry = entryOf(job.jobId());
        assertTrue(entry.getBoolean("payloadOnlyOnTopic"), entry.prettify());
        given().post("/v1/fulfillment/dlq/" + job.jobId() + "/replay")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("title", equalTo("Payload only on the DLQ topic"))
                .body("detail", containsString(Topics.FULFILLMENT_JOBS_DLQ))
                .body("detail", containsString("key " + job.fulfillmentId()))
                .body("detail", containsString("dead-lettered at "));
        assertEquals("dead-lettered", FulfillmentTestSupport.state(job.jobId()), "nothing changed");
        assertFalse(entryOf(job.jobId()).getBoolean("replayed"));
        assertEquals(0, sim.stats().callbacks(job.fulfillmentId()));
    }

    private void redis(List<String> command) {
        (command.get(0).equals("DEL")
                        ? redis.del(command.subList(1, command.size()))
                        : redis.set(List.of(command.get(1), command.get(2), "PX", "3600000")))
                .await()
                .atMost(Duration.ofSeconds(10));
    }

    /**
     * A job's dead letter that Kafka refused as too large is on the DLQ topic only as a stub (size and SHA-256): after
     * a Redis loss the rebuild lists it (it was dropped, unreadable as a job) as not replayable, and its replay is a
     * 409 saying the value was too large to keep, not one pointing to the topic, which has only the stub.
     */
    @Test
    void aStubDeadLetterIsListedAfterARebuildAndItsReplayIsRefusedAsTooLargeToKeep() throws Exception {
        FulfillmentJob job = job(newFid(), newToken(), Duration.ofSeconds(600));
        String value = json(job);
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        var stub = new DeadLetterRecord.Parts(
                        job.fulfillmentId(),
                        value,
                        "callback-failed",
                        "the result could not be posted",
                        3,
                        at.minusSeconds(5),
                        job.jobId(),
                        at)
                .stub("Kafka refused the dead letter as too large: a test");
        @SuppressWarnings("unchecked")
        var meta = (OutgoingKafkaRecordMetadata<String>)
                stub.getMetadata(OutgoingKafkaRecordMetadata.class).orElseThrow();
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap());
        p.put("key.serializer", StringSerializer.class.getName());
        p.put("value.serializer", StringSerializer.class.getName());
        try (var producer = new KafkaProducer<String, String>(p)) {
            producer.send(new ProducerRecord<>(
                            Topics.FULFILLMENT_JOBS_DLQ,
                            null,
                            meta.getTimestamp().toEpochMilli(),
                            meta.getKey(),
                            stub.getPayload(),
                            meta.getHeaders()))
                    .get();
        }

        Arc.container()
                .instance(DeadLetterIndexRebuild.class)
                .get()
                .rebuild()
                .await()
                .atMost(Duration.ofMinutes(2));

        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        JsonPath entry = entryOf(job.jobId());
        assertEquals("callback-failed", entry.getString("errorClass"));
        assertEquals(job.fulfillmentId(), entry.getString("fulfillmentId"));
        assertEquals(bytes.length, entry.getLong("dlqStub.valueBytes"));
        assertEquals(BoundedId.sha256(bytes), entry.getString("dlqStub.valueSha256"));
        given().post("/v1/fulfillment/dlq/" + job.jobId() + "/replay")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("title", equalTo("Payload too large to keep"))
                .body("detail", containsString("only a stub"))
                .body("detail", containsString(String.valueOf(bytes.length)));
    }
}
