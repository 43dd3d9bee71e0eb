package io.cxbridge.fulfillment;

import static io.cxbridge.fulfillment.FulfillmentTestSupport.awaitAudit;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.awaitCallback;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.awaitExternalSettled;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.awaitTerminal;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.bootstrap;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.cipher;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.externalAnswered;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.job;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.newFid;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.newToken;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.publish;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.fulfillment.state.JobRecord;
import io.cxbridge.fulfillment.state.JobState;
import io.cxbridge.fulfillment.state.JobStore;
import io.cxbridge.genesys.shaping.RateLimitedException;
import io.cxbridge.genesys.shaping.RateShaper;
import io.cxbridge.model.Headers;
import io.cxbridge.model.Topics;
import io.cxbridge.model.audit.AuditTypes;
import io.cxbridge.model.event.FulfillmentJob;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.Management;
import io.cxbridge.testkit.PrometheusText;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.TopicReader;
import io.cxbridge.testkit.sim.SimControl;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(FulfillmentTestResource.class)
class FulfillmentFlowTest {

    private final SimControl sim = FulfillmentTestSupport.sim();

    @Inject
    JobStore jobs;

    @Inject
    RateShaper shaper;

    @BeforeEach
    void setUp() {
        sim.reset();
        FulfillmentTestSupport.captureLogs();
    }

    static double skipped() {
        return PrometheusText.sum(Management.metrics(), "cxbridge_fulfillment_jobs_total", "outcome=\"skipped\"");
    }

    @Test
    void aJobWhoseExternalApiTakesThreeSecondsIsPostedCompleteAndNotPostedAgainWhenRedelivered() {
        sim.config(Map.of("externalLatencyMs", 3000));
        String fid = newFid();
        String token = newToken();
        FulfillmentJob job = job(fid, token, Duration.ofSeconds(60));
        publish(job);

        JsonPath state = awaitTerminal(job.jobId());
        assertEquals("complete", state.getString("state"));
        assertEquals(1, state.getInt("attempts"));
        assertTrue(
                state.getLong("externalMs") >= 3000, "the external API took its 3 s: " + state.getLong("externalMs"));
        // 1, or 2 when the sim's reset revoked the cached bearer (401, token rejected, posted again)
        assertTrue(state.getInt("callbackAttempts") >= 1 && state.getInt("callbackAttempts") <= 2);
        assertNotNull(state.getString("finishedAt"));
        assertNotNull(state.get("totalMs"));

        JsonNode received = awaitCallback(fid);
        JsonNode last = received.path("last");
        assertEquals("complete", last.path("body").path("status").asText());
        assertEquals(
                "o-42",
                last.path("body").path("result").path("echo").path("orderId").asText(),
                last.toString());
        assertEquals(
                17, last.path("body").path("result").path("echo").path("amount").asInt(), last.toString());
        assertEquals(token, last.path("fulfillmentToken").asText());
        assertEquals(fid, last.path("idempotencyKey").asText());
        assertTrue(last.path("authorization").asBoolean(), "a bearer came: " + last);
        assertEquals(1, externalAnswered(200));
        awaitAudit(AuditTypes.FULFILLMENT_COMPLETED, fid);

        // a redelivery of the same job: seen (counted as skipped), nothing called or posted again
        double before = skipped();
        publish(job);
        await().atMost(Duration.ofSeconds(30)).until(() -> skipped() > before);
        assertEquals(1, sim.stats().callbacks(fid));
        assertEquals(0, sim.stats().duplicateCallbacks(fid));
        assertEquals(1, externalAnswered(200));
    }

    @Test
    void aSecondJobForAFulfillmentAlreadyPostedIsRecordedAsADuplicateNamingTheJobThatPosted() {
        String fid = newFid();
        FulfillmentJob first = job(fid, newToken(), Duration.ofSeconds(60));
        publish(first);
        assertEquals("complete", awaitTerminal(first.jobId()).getString("state"));
        // the same fulfillment under another jobId: a client's second send after a 503 whose first reached the broker
        FulfillmentJob second = job(fid, newToken(), Duration.ofSeconds(60));
        publish(second);
        JsonPath state = awaitTerminal(second.jobId());
        assertEquals("duplicate", state.getString("state"));
        assertEquals("ALREADY_POSTED", state.getString("errorCode"));
        assertTrue(state.getString("errorMessage").contains("job " + first.jobId()), state.prettify());
        assertEquals(1, sim.stats().callbacks(fid), "posted once");
        assertEquals(1, sim.stats().externalCalls(fid), "called once");
    }

    @Test
    void theSameJobTwiceInARowIsWorkedOnceEvenWithJobsRunningConcurrently() {
        sim.config(Map.of("externalLatencyMs", 1000));
        String fid = newFid();
        FulfillmentJob job = job(fid, newToken(), Duration.ofSeconds(60));
        double before = skipped();
        publish(job);
        publish(job); // a duplicate right behind it, while the first is still calling

        assertEquals("complete", awaitTerminal(job.jobId()).getString("state"));
        await().atMost(Duration.ofSeconds(30)).until(() -> skipped() > before);
        assertEquals(1, sim.stats().requests("POST", "/external/api"), "called once");
        assertEquals(1, sim.stats().externalCalls(fid), "the external call carries Idempotency-Key: <fulfillmentId>");
        assertEquals(1, sim.stats().callbacks(fid), "posted once");
        assertEquals(0, sim.stats().duplicateCallbacks(fid), "no repeat reached the receiver");
    }

    @Test
    void aJobPostedJustBeforeACrashIsRecordedCompleteOnRedeliveryWithoutPostingAgain() {
        // The state a SIGKILL leaves between the posted mark and the audit event: the receiver has the result, the
        // job's record still says posting.
        String fid = newFid();
        FulfillmentJob job = job(fid, newToken(), Duration.ofSeconds(60));
        Instant now = Instant.now();
        JobRecord posting = JobRecord.queued(job.jobId(), fid, job.receivedAt(), job.deadline(), now)
                .to(JobState.calling)
                .externalDone(1, now, null, null)
                .to(JobState.posting);
        jobs.put(posting).await().atMost(Duration.ofSeconds(5));
        jobs.markPosted(fid, job.jobId()).await().atMost(Duration.ofSeconds(5));

        publish(job);

        assertEquals("complete", awaitTerminal(job.jobId()).getString("state"));
        awaitAudit(AuditTypes.FULFILLMENT_COMPLETED, fid);
        assertEquals(0, sim.stats().requests("POST", "/external/api"), "the external API is not called again");
        assertEquals(0, sim.stats().callbacks(fid) + sim.stats().duplicateCallbacks(fid), "nothing posted again");
    }

    @Test
    void aResultPostTakesItsTurnInTheSharedRateBudgetInsteadOfFailing() {
        // Spend the OAuth client's shared budget, as the other services' Genesys calls would.
        for (int i = 0; i < 1000; i++) {
            try {
                shaper.acquire(Instant.now()).await().atMost(Duration.ofSeconds(5));
            } catch (RateLimitedException empty) {
                break;
            }
        }
        double waitsBefore = metric("cxbridge_genesys_shaping_waits_total");
        String fid = newFid();
        FulfillmentJob job = job(fid, newToken(), Duration.ofSeconds(60));
        publish(job);

        assertEquals("complete", awaitTerminal(job.jobId()).getString("state"));
        assertTrue(metric("cxbridge_genesys_shaping_waits_total") > waitsBefore, "the post waited for the budget");
        assertEquals(1, sim.stats().callbacks(fid));
    }

    static double metric(String name) {
        return PrometheusText.sum(Management.metrics(), name);
    }

    @Test
    void aRetryAfterFromTheExternalApiIsHonoured() {
        // the test profile's backoff is 20 ms; the API asks for 2 s
        sim.fault(Map.of("method", "POST", "path", "/external/api", "status", 429, "retryAfter", 2, "count", 1));
        String fid = newFid();
        FulfillmentJob job = job(fid, newToken(), Duration.ofSeconds(60));
        publish(job);

        JsonPath state = awaitTerminal(job.jobId());
        assertEquals("complete", state.getString("state"));
        assertEquals(2, state.getInt("attempts"));
        assertTrue(state.getLong("externalMs") >= 2000, "waited for Retry-After: " + state.getLong("externalMs"));
        assertEquals(1, externalAnswered(429));
        assertEquals(1, externalAnswered(200));
    }

    @Test
    void anExternalApiFailingThreeTimesIsPostedFailedWithACode() {
        sim.fault(Map.of("method", "POST", "path", "/external/api", "status", 500));
        String fid = newFid();
        FulfillmentJob job = job(fid, newToken(), Duration.ofSeconds(60));
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
        // the test profile's per-attempt timeout is 4 s; the external API takes 5 s
        sim.config(Map.of("externalLatencyMs", 5000));
        String fid = newFid();
        FulfillmentJob job = job(fid, newToken(), Duration.ofSeconds(60));
        publish(job);

        JsonPath state = awaitTerminal(job.jobId());
        assertEquals("failed", state.getString("state"));
        assertEquals(3, state.getInt("attempts"));
        assertEquals("EXTERNAL_TIMEOUT", state.getString("errorCode"));
        long externalMs = state.getLong("externalMs");
        assertTrue(externalMs >= 3 * 4000 - 300, "three attempts of about 4 s each: " + externalMs);
        assertTrue(externalMs < 3 * 5000, "each attempt was cut before the 5 s answer: " + externalMs);
        assertEquals(
                "EXTERNAL_TIMEOUT",
                awaitCallback(fid)
                        .path("last")
                        .path("body")
                        .path("result")
                        .path("code")
                        .asText());
        assertEquals(0, externalAnswered(200), "no attempt got its answer");
        awaitExternalSettled(3);
    }

    @Test
    void aJobPastItsDeadlineIsPostedFailedWithDeadlineExceeded() {
        sim.config(Map.of("externalLatencyMs", 5000));
        String fid = newFid();
        FulfillmentJob job = job(fid, newToken(), Duration.ofMillis(600));
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
    void aJobThatArrivesAfterItsDeadlineIsAnsweredDeadlineExceededWithoutACall() {
        String fid = newFid();
        FulfillmentJob job = job(fid, newToken(), Duration.ofSeconds(-1));
        publish(job);

        JsonPath state = awaitTerminal(job.jobId());
        assertEquals("failed", state.getString("state"));
        assertEquals("DEADLINE_EXCEEDED", state.getString("errorCode"));
        assertEquals(0, state.getInt("attempts"));
        assertEquals(
                "DEADLINE_EXCEEDED",
                awaitCallback(fid)
                        .path("last")
                        .path("body")
                        .path("result")
                        .path("code")
                        .asText());
        assertEquals(0, sim.stats().requests("POST", "/external/api"));
    }

    @Test
    void anInvalidJobOrAnUnreadableTokenIsDeadLettered() {
        String fid = newFid();
        String token = newToken();
        FulfillmentJob good = job(fid, token, Duration.ofSeconds(60));
        // sealed for another fulfillmentId: cannot be opened for this one
        String sealedForAnother = cipher().encrypt(token, "someone-else");
        FulfillmentTestSupport.SEALED_TOKENS.add(sealedForAnother);
        FulfillmentJob wrongToken = new FulfillmentJob(
                good.jobId(),
                fid,
                good.fulfillmentUrl(),
                sealedForAnother,
                good.data(),
                good.receivedAt(),
                good.deadline(),
                null);
        publish(wrongToken);
        assertEquals("dead-lettered", awaitTerminal(good.jobId()).getString("state"));
        assertEquals(
                "token-unreadable",
                given().get("/v1/fulfillment/jobs/" + good.jobId())
                        .then()
                        .extract()
                        .path("errorCode"));

        String fid2 = newFid();
        publish(fid2, "{\"fulfillmentId\": \"" + fid2 + "\", \"jobId\": \"not-a-uuid\"}");
        List<ConsumerRecord<String, byte[]>> dlq = TopicReader.await(
                bootstrap(), Topics.FULFILLMENT_JOBS_DLQ, 1, r -> fid2.equals(r.key()), Duration.ofSeconds(20));
        assertEquals("invalid-job", TopicReader.headers(dlq.get(0)).get(Headers.ERROR_CLASS));
        assertEquals(0, externalAnswered(200));
        assertTrue(sim.fulfillment(fid).isEmpty());
        given().get("/v1/fulfillment/jobs/" + java.util.UUID.randomUUID())
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
        given().get("/q/openapi?format=json")
                .then()
                .statusCode(200)
                .body("paths.'/v1/fulfillment/jobs/{jobId}'.get.summary", org.hamcrest.Matchers.notNullValue())
                .body("paths.'/v1/fulfillment/dlq'.get.summary", org.hamcrest.Matchers.notNullValue())
                .body("paths.'/v1/fulfillment/dlq/{jobId}/replay'.post.summary", org.hamcrest.Matchers.notNullValue());
    }

    /**
     * Records of one job keyed otherwise than by its fulfillmentId could run at once (another partition, another
     * turn). Such a record, and one without a key, is dead-lettered {@code invalid-job} naming the mismatch, without
     * calling anything; the job's own record behind it (same jobId, right key) completes, its state and the DLQ
     * listing untouched by the refused one.
     */
    @Test
    void aRecordNotKeyedByItsFulfillmentIdIsDeadLetteredAndTheJobsRecordBehindItCompletes() {
        double deadLetteredBefore = PrometheusText.sum(
                Management.metrics(), "cxbridge_fulfillment_jobs_total", "outcome=\"dead-lettered\"");
        String fid = newFid();
        FulfillmentJob job = job(fid, newToken(), Duration.ofSeconds(60));
        String wrongKey = "other-" + fid;
        FulfillmentJob unkeyed = job(newFid(), newToken(), Duration.ofSeconds(60));
        // one partition: the refused records are consumed before the job's own record
        FulfillmentTestSupport.publishTo(0, wrongKey, FulfillmentTestSupport.json(job));
        FulfillmentTestSupport.publishTo(0, null, FulfillmentTestSupport.json(unkeyed));
        FulfillmentTestSupport.publishTo(0, fid, FulfillmentTestSupport.json(job));

        List<ConsumerRecord<String, byte[]>> dlq = TopicReader.await(
                bootstrap(),
                Topics.FULFILLMENT_JOBS_DLQ,
                2,
                r -> wrongKey.equals(r.key()) || unkeyed.fulfillmentId().equals(r.key()),
                Duration.ofSeconds(20));
        Map<String, Map<String, String>> headersByKey = new java.util.HashMap<>();
        dlq.forEach(r -> headersByKey.put(r.key(), TopicReader.headers(r)));
        Map<String, String> mismatched = headersByKey.get(wrongKey);
        assertEquals("invalid-job", mismatched.get(Headers.ERROR_CLASS));
        assertEquals(
                "invalid job: the record's key (" + wrongKey + ") is not the job's fulfillmentId (" + fid + ")",
                mismatched.get(Headers.ERROR_REASON));
        Map<String, String> noKey = headersByKey.get(unkeyed.fulfillmentId());
        assertEquals("invalid-job", noKey.get(Headers.ERROR_CLASS));
        assertEquals(
                "invalid job: the record has no key; it must be the job's fulfillmentId (" + unkeyed.fulfillmentId()
                        + ")",
                noKey.get(Headers.ERROR_REASON));
        awaitAudit(AuditTypes.FULFILLMENT_DEAD_LETTERED, unkeyed.fulfillmentId());

        assertEquals("complete", awaitTerminal(job.jobId()).getString("state"));
        assertEquals(
                "complete",
                awaitCallback(fid).path("last").path("body").path("status").asText());
        // only the job's own record called the external API; the unkeyed job called nothing and is not listed
        assertEquals(1, sim.stats().requests("POST", "/external/api"));
        assertTrue(sim.fulfillment(unkeyed.fulfillmentId()).isEmpty());
        given().get("/v1/fulfillment/jobs/" + unkeyed.jobId()).then().statusCode(404);
        for (String jobId : List.of(job.jobId(), unkeyed.jobId())) {
            assertEquals(
                    0,
                    given().queryParam("jobId", jobId)
                            .get("/v1/fulfillment/dlq")
                            .then()
                            .statusCode(200)
                            .extract()
                            .jsonPath()
                            .getInt("total"),
                    jobId);
        }
        assertEquals(
                "complete",
                given().get("/v1/fulfillment/jobs/" + job.jobId())
                        .then()
                        .extract()
                        .path("state"));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> PrometheusText.sum(
                                        Management.metrics(),
                                        "cxbridge_fulfillment_jobs_total",
                                        "outcome=\"dead-lettered\"")
                                - deadLetteredBefore
                        >= 2);
    }
}
