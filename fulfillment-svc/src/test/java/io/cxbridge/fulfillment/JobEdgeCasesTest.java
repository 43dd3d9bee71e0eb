package io.cxbridge.fulfillment;

import static io.cxbridge.fulfillment.FulfillmentTestSupport.awaitCallback;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.awaitTerminal;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.bootstrap;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.job;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.newFid;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.newToken;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.publish;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.fulfillment.worker.ExternalCallOutcome;
import io.cxbridge.fulfillment.worker.FulfillmentHttp;
import io.cxbridge.fulfillment.worker.FulfillmentWorker;
import io.cxbridge.model.Headers;
import io.cxbridge.model.Json;
import io.cxbridge.model.Topics;
import io.cxbridge.model.event.FulfillmentJob;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.Management;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.TopicReader;
import io.cxbridge.testkit.sim.SimControl;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Jobs at the edges a review found: a deadline millions of years away, a fulfillment URL whose host lookup fails for
 * a while (a resolver outage, not a bad URL), an external answer over the bound (and the same for an action).
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(FulfillmentTestResource.class)
class JobEdgeCasesTest {

    /** On the test profile's allow-list; its lookups are scripted by {@link ScriptedHostResolver}. */
    static final String GENESYS_HOST = "api.mypurecloud.com";

    private final SimControl sim = FulfillmentTestSupport.sim();

    @Inject
    FulfillmentWorker worker;

    @Inject
    FulfillmentHttp http;

    @BeforeEach
    void setUp() {
        sim.reset();
        FulfillmentTestSupport.captureLogs();
    }

    @AfterEach
    void tearDown() {
        ScriptedHostResolver.forget(GENESYS_HOST);
    }

    static FulfillmentJob with(FulfillmentJob j, String url, JsonNode data, Instant deadline) {
        return new FulfillmentJob(
                j.jobId(), j.fulfillmentId(), url, j.fulfillmentToken(), data, j.receivedAt(), deadline, j.traceId());
    }

    /** It once overflowed Duration.toMillis: retried every 5 s for ever, nothing posted, the partition held. */
    @Test
    void aJobWhoseDeadlineIsMillionsOfYearsAwayIsPostedCompleteOnce() {
        String fid = newFid();
        FulfillmentJob base = job(fid, newToken(), Duration.ofSeconds(60));
        FulfillmentJob job =
                with(base, base.fulfillmentUrl(), base.data(), Instant.parse("+300000000-01-01T00:00:00Z"));
        publish(job);

        JsonPath state = awaitTerminal(job.jobId());
        assertEquals("complete", state.getString("state"));
        JsonNode received = awaitCallback(fid);
        assertEquals(
                "complete", received.path("last").path("body").path("status").asText());
        assertEquals(1, received.path("callbacks").asInt(), received.toString());
    }

    /** A lookup that fails (SERVFAIL, a timeout) is retried: the URL is judged once the name resolves. */
    @Test
    void aFailedLookupOfAnAllowedHostIsRetriedNotRefused() throws Exception {
        ScriptedHostResolver.script(
                GENESYS_HOST, 3, InetAddress.getByAddress(GENESYS_HOST, new byte[] {(byte) 203, 0, 113, 7}));
        String fid = newFid();
        FulfillmentJob base = job(fid, newToken(), Duration.ofSeconds(60));
        // The URL names another fulfillment id: once the URL is admitted, the job is refused by the next check
        // (invalid-job), before any request: so no post leaves this test for the real host.
        String url = "https://" + GENESYS_HOST + "/api/v2/dataactions/fulfillments/" + newFid();
        publish(with(base, url, base.data(), base.deadline()));

        JsonPath state = awaitTerminal(base.jobId());
        assertEquals("dead-lettered", state.getString("state"));
        assertEquals("invalid-job", state.getString("errorCode"), state.prettify());
        assertEquals(4, ScriptedHostResolver.lookups(GENESYS_HOST), "three failed lookups, then one that resolved");
        assertEquals(0, sim.stats().requests("POST", "/external/api"));
    }

    /** Still no lookup when its time runs out: ends as a result that could not be posted (DLQ), never url-refused. */
    @Test
    void aHostThatCannotBeLookedUpBeforeTheDeadlineEndsAsAResultNotPosted() {
        ScriptedHostResolver.script(GENESYS_HOST, Integer.MAX_VALUE);
        String fid = newFid();
        FulfillmentJob base = job(fid, newToken(), Duration.ofSeconds(1));
        String url = "https://" + GENESYS_HOST + "/api/v2/dataactions/fulfillments/" + fid;
        FulfillmentJob job = with(base, url, base.data(), base.deadline());
        publish(job);

        JsonPath state = awaitTerminal(job.jobId());
        assertEquals("dead-lettered", state.getString("state"));
        assertEquals("CALLBACK_FAILED", state.getString("errorCode"), state.prettify());
        List<ConsumerRecord<String, byte[]>> dlq = TopicReader.await(
                bootstrap(), Topics.FULFILLMENT_JOBS_DLQ, 1, r -> fid.equals(r.key()), Duration.ofSeconds(20));
        Map<String, String> headers = TopicReader.headers(dlq.get(0));
        assertEquals("callback-failed", headers.get(Headers.ERROR_CLASS));
        String reason = headers.get(Headers.ERROR_REASON);
        assertTrue(reason.contains("DEADLINE_EXCEEDED") && reason.contains("looked up"), reason);
        assertTrue(ScriptedHostResolver.lookups(GENESYS_HOST) > 1, "looked up again until the time ran out");
        assertEquals(0, sim.stats().requests("POST", "/external/api"), "nothing called past the deadline");
    }

    /** The test profile bounds external answers to 256 KiB; the sim echoes the job's data. */
    @Test
    void anExternalAnswerOverTheBoundEndsTheJobFailedOnce() {
        String fid = newFid();
        FulfillmentJob base = job(fid, newToken(), Duration.ofSeconds(60));
        JsonNode big = Json.mapper().createObjectNode().put("blob", "x".repeat(300_000));
        FulfillmentJob job = with(base, base.fulfillmentUrl(), big, base.deadline());
        publish(job);

        JsonPath state = awaitTerminal(job.jobId());
        assertEquals("failed", state.getString("state"));
        assertEquals("EXTERNAL_HTTP_ERROR", state.getString("errorCode"));
        assertEquals(1, state.getInt("attempts"), "not retried: the same answer would be as long");
        JsonNode received = awaitCallback(fid);
        JsonNode body = received.path("last").path("body");
        assertEquals("failed", body.path("status").asText());
        assertEquals("EXTERNAL_HTTP_ERROR", body.path("result").path("code").asText());
        assertTrue(body.path("result").path("message").asText().contains("262144 bytes"), body.toString());
        assertEquals(1, received.path("callbacks").asInt());
    }

    /** An action answer over the bound (1 MiB by default) is a 502, not buffered and passed on. */
    @Test
    void anActionAnswerOverTheBoundIsA502() {
        long before = sim.statsJson().path("externalCalls").asLong();
        String body = "{\"blob\":\"" + "y".repeat(1_100_000) + "\"}";
        Response r = given().contentType("application/json").body(body).post("/v1/actions/plain");
        assertEquals(502, r.statusCode(), r.asString().length() > 500 ? "(long)" : r.asString());
        assertEquals("EXTERNAL_REJECTED", r.jsonPath().getString("errorCode"));
        assertTrue(r.jsonPath().getString("message").contains("1048576 bytes"), r.asString());
        await().atMost(Duration.ofSeconds(5))
                .until(() -> sim.statsJson().path("externalCalls").asLong() - before >= 1);
        assertEquals(1, sim.statsJson().path("externalCalls").asLong() - before, "not retried");
    }

    /**
     * 999 arrays deep: the job reads, the sim echoes it one level deeper (1000, Jackson's read limit), and the result
     * post's body wraps it once more. Writing that body failed (StreamConstraintsException, a failure no retry
     * mends): the channel stopped with the job left {@code posting}. Now the answer is read only as deep as a body
     * can carry, and the job ends failed (posted once) like an answer over the size bound.
     */
    @Test
    void anExternalAnswerTooDeepForTheResultPostEndsTheJobFailedOnceAndTheNextJobCompletes() throws Exception {
        String fid = newFid();
        FulfillmentJob base = job(fid, newToken(), Duration.ofSeconds(60));
        JsonNode deep = Json.mapper().readTree("[".repeat(999) + "]".repeat(999));
        FulfillmentJob job = with(base, base.fulfillmentUrl(), deep, base.deadline());
        FulfillmentJob next = job(newFid(), newToken(), Duration.ofSeconds(60));
        publish(job);
        publish(next);

        JsonPath state = awaitTerminal(job.jobId());
        assertEquals("failed", state.getString("state"), state.prettify());
        assertEquals("EXTERNAL_HTTP_ERROR", state.getString("errorCode"));
        assertEquals(1, state.getInt("attempts"), "not retried: the same answer would be as deep");
        JsonNode body = awaitCallback(fid).path("last").path("body");
        assertEquals("failed", body.path("status").asText());
        assertEquals("EXTERNAL_HTTP_ERROR", body.path("result").path("code").asText());
        assertTrue(body.path("result").path("message").asText().contains("nested deeper"), body.toString());
        assertEquals(1, sim.stats().callbacks(fid));
        assertEquals("complete", awaitTerminal(next.jobId()).getString("state"));
        Management.given().get("/q/health/live").then().statusCode(200);
    }

    /**
     * A job whose record was taken long ago has no time left to wait (its hold limit, HoldLimit, below the
     * connector's 10 min unprocessed-record max age): a host that does not resolve is looked up once, not until the
     * deadline, and the job ends callback-failed at once (it waited until its deadline, up to 24 h).
     */
    @Test
    void aFailedLookupIsNotTriedAgainPastTheJobsHoldLimit() {
        ScriptedHostResolver.script(GENESYS_HOST, Integer.MAX_VALUE);
        String fid = newFid();
        FulfillmentJob base = job(fid, newToken(), Duration.ofMinutes(30));
        String url = "https://" + GENESYS_HOST + "/api/v2/dataactions/fulfillments/" + fid;
        FulfillmentJob job = with(base, url, base.data(), base.deadline());

        long t0 = System.nanoTime();
        worker.process(fid, FulfillmentTestSupport.json(job), Instant.now().minus(Duration.ofMinutes(10)))
                .await()
                .atMost(Duration.ofSeconds(20));
        assertTrue(Duration.ofNanos(System.nanoTime() - t0).toSeconds() < 10, "did not wait for the deadline");

        JsonPath state = awaitTerminal(job.jobId());
        assertEquals("dead-lettered", state.getString("state"));
        assertEquals("CALLBACK_FAILED", state.getString("errorCode"), state.prettify());
        assertEquals(1, ScriptedHostResolver.lookups(GENESYS_HOST), "looked up once: no time left to wait");
        assertEquals(0, sim.stats().requests("POST", "/external/api"));
    }

    /** A Retry-After longer than what is left before the hold limit is not waited: the answer in hand is the result. */
    @Test
    void aRetryAfterPastTheHoldLimitIsNotWaited() {
        sim.fault(Map.of("method", "POST", "path", "/external/api", "status", 503, "retryAfter", 30, "count", 1));
        FulfillmentJob job = job(newFid(), newToken(), Duration.ofMinutes(30));

        long t0 = System.nanoTime();
        ExternalCallOutcome outcome = http.callExternal(job, Instant.now().plusSeconds(5), n -> {})
                .await()
                .atMost(Duration.ofSeconds(20));
        assertTrue(Duration.ofNanos(System.nanoTime() - t0).toSeconds() < 10, "Retry-After: 30 not waited");
        assertEquals("EXTERNAL_HTTP_ERROR", outcome.code());
        assertEquals(1, outcome.attempts());
    }
}
