package io.cxbridge.fulfillment;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxbridge.model.Headers;
import io.cxbridge.model.Json;
import io.cxbridge.model.Topics;
import io.cxbridge.model.audit.AuditTypes;
import io.cxbridge.model.crypto.TokenCipher;
import io.cxbridge.model.event.FulfillmentJob;
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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
class FulfillmentFlowTest {

    private final SimControl sim = GenesysSim.shared().control();
    private final ConcurrentLinkedQueue<String> logLines = new ConcurrentLinkedQueue<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            String msg = record instanceof ExtLogRecord e ? e.getFormattedMessage() : record.getMessage();
            logLines.add(String.valueOf(msg) + (record.getThrown() == null ? "" : " " + record.getThrown()));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @Inject
    TokenCipher cipher;

    @BeforeEach
    void setUp() {
        sim.reset();
        java.util.logging.Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void tearDown() {
        java.util.logging.Logger.getLogger("").removeHandler(capture);
    }

    private static String bootstrap() {
        return KafkaBroker.shared().bootstrapServers();
    }

    private static void publish(String key, String value) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap());
        p.put("key.serializer", StringSerializer.class.getName());
        p.put("value.serializer", StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            producer.send(new ProducerRecord<>(Topics.FULFILLMENT_JOBS, key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private FulfillmentJob job(String fulfillmentId, String clearToken, Duration deadlineIn) {
        String url = GenesysSim.shared().baseUrl() + "/api/v2/dataactions/fulfillments/" + fulfillmentId;
        ObjectNode data = Json.mapper().createObjectNode().put("orderId", "o-42").put("amount", 17);
        Instant now = Instant.now();
        return new FulfillmentJob(UUID.randomUUID().toString(), fulfillmentId, url,
                cipher.encrypt(clearToken, fulfillmentId), data, now, now.plus(deadlineIn), "trace-" + fulfillmentId);
    }

    private static void publish(FulfillmentJob job) {
        try {
            publish(job.fulfillmentId(), Json.mapper().writeValueAsString(job));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonPath awaitTerminal(String jobId) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
            String s = given().get("/v1/fulfillment/jobs/" + jobId).then().extract().path("state");
            return s != null && (s.equals("complete") || s.equals("failed") || s.equals("dead-lettered"));
        });
        return given().get("/v1/fulfillment/jobs/" + jobId).then().statusCode(200).extract().jsonPath();
    }

    private JsonNode awaitCallback(String fulfillmentId) {
        await().atMost(Duration.ofSeconds(10)).until(() -> sim.fulfillment(fulfillmentId).isPresent());
        return sim.fulfillment(fulfillmentId).orElseThrow();
    }

    private static void awaitAudit(String type, String fulfillmentId) {
        TopicReader.await(bootstrap(), Topics.AUDIT, 1,
                TopicReader.header("ce_type", type).and(r -> fulfillmentId.equals(r.key())), Duration.ofSeconds(10));
    }

    /**
     * External calls the sim answered with {@code status}. (Not {@code externalCalls}: a call a previous test cut at
     * its timeout may still be counted after the sim's reset; those end with status 0.)
     */
    private long externalAnswered(int status) {
        return sim.stats().requests("POST", "/external/api", status);
    }

    /**
     * Waits until the sim has answered (or seen dropped) {@code n} external calls, so calls cut at a timeout do
     * not land in the next test's counts.
     */
    private void awaitExternalSettled(long n) {
        await().atMost(Duration.ofSeconds(10)).until(() -> sim.stats().requests().stream()
                .filter(c -> c.method().equals("POST") && c.path().equals("/external/api"))
                .mapToLong(c -> c.count()).sum() >= n);
    }

    private void assertNeverLogged(String secret) {
        assertFalse(logLines.isEmpty(), "the log capture saw the service's lines");
        for (String line : logLines) {
            assertFalse(line.contains(secret), "a log line carries the token: " + line);
        }
    }

    @Test
    void aJobIsPostedCompleteWithTheEchoAndTheTokenOnlyInItsHeader() {
        String fid = "ff-" + UUID.randomUUID();
        String token = "secret-token-" + UUID.randomUUID();
        FulfillmentJob job = job(fid, token, Duration.ofSeconds(60));
        publish(job);

        JsonPath state = awaitTerminal(job.jobId());
        assertEquals("complete", state.getString("state"));
        assertEquals(1, state.getInt("attempts"));
        // 1, or 2 when the sim's reset revoked the cached bearer (401, token rejected, posted again)
        assertTrue(state.getInt("callbackAttempts") >= 1 && state.getInt("callbackAttempts") <= 2);
        assertNotNull(state.getString("finishedAt"));
        assertNotNull(state.get("totalMs"));

        JsonNode received = awaitCallback(fid);
        JsonNode last = received.path("last");
        assertEquals("complete", last.path("body").path("status").asText());
        assertEquals("o-42", last.path("body").path("result").path("echo").path("orderId").asText(), last.toString());
        assertEquals(token, last.path("fulfillmentToken").asText());
        assertEquals(fid, last.path("idempotencyKey").asText());
        assertTrue(last.path("authorization").asBoolean(), "a bearer came: " + last);
        assertEquals(1, externalAnswered(200));
        awaitAudit(AuditTypes.FULFILLMENT_COMPLETED, fid);

        // a redelivery of the same job posts nothing again; jobs run one at a time per partition, so once a later
        // job is complete the duplicate has been seen
        publish(job);
        FulfillmentJob later = job("ff-" + UUID.randomUUID(), "t-" + UUID.randomUUID(), Duration.ofSeconds(60));
        publish(later);
        assertEquals("complete", awaitTerminal(later.jobId()).getString("state"));
        assertEquals(1, sim.stats().callbacks(fid));
        assertEquals(0, sim.stats().duplicateCallbacks(fid));
        assertEquals(2, externalAnswered(200));
        assertNeverLogged(token);
    }

    @Test
    void anExternalApiFailingThreeTimesIsPostedFailedWithACode() {
        sim.fault(Map.of("method", "POST", "path", "/external/api", "status", 500));
        String fid = "ff-" + UUID.randomUUID();
        FulfillmentJob job = job(fid, "tok-" + UUID.randomUUID(), Duration.ofSeconds(60));
        publish(job);

        JsonPath state = awaitTerminal(job.jobId());
        assertEquals("failed", state.getString("state"));
        assertEquals(3, state.getInt("attempts"));
        assertEquals("EXTERNAL_HTTP_ERROR", state.getString("errorCode"));
        assertEquals(3, externalAnswered(500));
        JsonNode body = awaitCallback(fid).path("last").path("body");
        assertEquals("failed", body.path("status").asText());
        assertEquals("EXTERNAL_HTTP_ERROR", body.path("result").path("code").asText());
        assertTrue(body.path("result").path("message").asText().contains("500"), body.toString());
        assertFalse(body.toString().contains("Exception"), "no stack trace: " + body);
        awaitAudit(AuditTypes.FULFILLMENT_FAILED, fid);
    }

    @Test
    void eachAttemptIsCutAtThePerAttemptTimeout() {
        sim.config(Map.of("externalLatencyMs", 1500));
        String fid = "ff-" + UUID.randomUUID();
        FulfillmentJob job = job(fid, "tok-" + UUID.randomUUID(), Duration.ofSeconds(60));
        long t0 = System.nanoTime();
        publish(job);

        JsonPath state = awaitTerminal(job.jobId());
        assertEquals("failed", state.getString("state"));
        assertEquals(3, state.getInt("attempts"));
        assertEquals("EXTERNAL_TIMEOUT", state.getString("errorCode"));
        assertTrue(state.getLong("externalMs") < 3 * 1500, "attempts were cut at 400 ms: " + state.getLong("externalMs"));
        assertTrue(Duration.ofNanos(System.nanoTime() - t0).toMillis() < 4500);
        assertEquals("EXTERNAL_TIMEOUT", awaitCallback(fid).path("last").path("body").path("result").path("code").asText());
        awaitExternalSettled(3);
    }

    @Test
    void aJobPastItsDeadlineIsPostedFailedWithDeadlineExceeded() {
        sim.config(Map.of("externalLatencyMs", 1500));
        String fid = "ff-" + UUID.randomUUID();
        FulfillmentJob job = job(fid, "tok-" + UUID.randomUUID(), Duration.ofMillis(600));
        publish(job);

        JsonPath state = awaitTerminal(job.jobId());
        assertEquals("failed", state.getString("state"));
        assertEquals("DEADLINE_EXCEEDED", state.getString("errorCode"));
        JsonNode body = awaitCallback(fid).path("last").path("body");
        assertEquals("failed", body.path("status").asText());
        assertEquals("DEADLINE_EXCEEDED", body.path("result").path("code").asText());
        awaitExternalSettled(state.getInt("attempts"));
    }

    @Test
    void aRefusedUrlIsDeadLetteredWithoutARequest() {
        String fid = "ff-" + UUID.randomUUID();
        String token = "tok-" + UUID.randomUUID();
        FulfillmentJob valid = job(fid, token, Duration.ofSeconds(60));
        FulfillmentJob job = new FulfillmentJob(valid.jobId(), fid, "http://169.254.169.254/latest/" + fid,
                valid.fulfillmentToken(), valid.data(), valid.receivedAt(), valid.deadline(), valid.traceId());
        String payload;
        try {
            payload = Json.mapper().writeValueAsString(job);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        publish(fid, payload);

        assertEquals("dead-lettered", awaitTerminal(job.jobId()).getString("state"));
        List<ConsumerRecord<String, byte[]>> dlq = TopicReader.await(bootstrap(), Topics.FULFILLMENT_JOBS_DLQ, 1,
                r -> fid.equals(r.key()), Duration.ofSeconds(10));
        ConsumerRecord<String, byte[]> r = dlq.get(0);
        assertEquals(payload, new String(r.value(), StandardCharsets.UTF_8), "payload unchanged");
        Map<String, String> headers = TopicReader.headers(r);
        assertEquals("url-refused", headers.get(Headers.ERROR_CLASS));
        assertTrue(headers.get(Headers.ERROR_REASON).contains("fulfillmentUrl"), headers.toString());
        assertEquals("1", headers.get(Headers.ATTEMPTS));
        assertNotNull(headers.get(Headers.FIRST_SEEN));
        headers.values().forEach(v -> assertFalse(v.contains(token) || v.contains(job.fulfillmentToken())));
        awaitAudit(AuditTypes.FULFILLMENT_DEAD_LETTERED, fid);
        assertEquals(0, externalAnswered(200) + externalAnswered(500), "no call made for a refused job");
        assertTrue(sim.fulfillment(fid).isEmpty());
        assertNeverLogged(token);
    }

    @Test
    void anInvalidJobOrAnUnreadableTokenIsDeadLettered() {
        String fid = "ff-" + UUID.randomUUID();
        FulfillmentJob good = job(fid, "tok", Duration.ofSeconds(60));
        // sealed for another fulfillmentId: cannot be opened for this one
        FulfillmentJob wrongToken = new FulfillmentJob(good.jobId(), fid, good.fulfillmentUrl(),
                cipher.encrypt("tok", "someone-else"), good.data(), good.receivedAt(), good.deadline(), null);
        publish(wrongToken);
        assertEquals("dead-lettered", awaitTerminal(good.jobId()).getString("state"));
        assertEquals("token-unreadable", given().get("/v1/fulfillment/jobs/" + good.jobId()).then().extract()
                .path("errorCode"));

        String fid2 = "ff-" + UUID.randomUUID();
        publish(fid2, "{\"fulfillmentId\": \"" + fid2 + "\", \"jobId\": \"not-a-uuid\"}");
        List<ConsumerRecord<String, byte[]>> dlq = TopicReader.await(bootstrap(), Topics.FULFILLMENT_JOBS_DLQ, 1,
                r -> fid2.equals(r.key()), Duration.ofSeconds(10));
        assertEquals("invalid-job", TopicReader.headers(dlq.get(0)).get(Headers.ERROR_CLASS));
        assertEquals(0, externalAnswered(200));
        assertTrue(sim.fulfillment(fid).isEmpty());
        given().get("/v1/fulfillment/jobs/" + UUID.randomUUID()).then().statusCode(404);
    }

    @Test
    void aResultThatCannotBePostedIsRecordedFailedAndAudited() {
        String fid = "ff-" + UUID.randomUUID();
        sim.fault(Map.of("method", "POST", "path", "/api/v2/dataactions/fulfillments/" + fid, "status", 503));
        FulfillmentJob job = job(fid, "tok-" + UUID.randomUUID(), Duration.ofSeconds(60));
        publish(job);

        JsonPath state = awaitTerminal(job.jobId());
        assertEquals("failed", state.getString("state"));
        assertEquals("CALLBACK_FAILED", state.getString("errorCode"));
        assertEquals(3, state.getInt("callbackAttempts"));
        assertEquals(3, sim.stats().requests("POST", "/api/v2/dataactions/fulfillments/" + fid, 503));
        awaitAudit(AuditTypes.FULFILLMENT_CALLBACK_FAILED, fid);
        given().get("/q/openapi?format=json").then().statusCode(200)
                .body("paths.'/v1/fulfillment/jobs/{jobId}'.get.summary", org.hamcrest.Matchers.notNullValue());
    }
}
