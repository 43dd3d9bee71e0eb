package io.cxbridge.fulfillment;

import static io.cxbridge.fulfillment.FulfillmentTestSupport.awaitAudit;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.awaitTerminal;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.bootstrap;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.job;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.json;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.newFid;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.newToken;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cxbridge.model.Headers;
import io.cxbridge.model.Topics;
import io.cxbridge.model.audit.AuditTypes;
import io.cxbridge.model.event.FulfillmentJob;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.TopicReader;
import io.cxbridge.testkit.sim.SimControl;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Jobs produced straight onto the topic (bypassing the gateway) with URLs the policy refuses, and a redirect. */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(FulfillmentTestResource.class)
class UrlPolicyTest {

    private final SimControl sim = FulfillmentTestSupport.sim();

    @BeforeEach
    void setUp() {
        sim.reset();
        FulfillmentTestSupport.captureLogs();
    }

    @Test
    void refusedUrlsAreDeadLetteredWithTheReasonAndNeverCalled() {
        int trap = Listeners.trap().port();
        long trapBefore = Listeners.trap().connections();
        // URL -> a word the reason must carry
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("http://169.254.169.254/latest/meta-data/", "https");
        refused.put("https://169.254.169.254/latest/meta-data/", "not an allowed Genesys host");
        refused.put("https://127.0.0.1:" + trap + "/api/v2/dataactions/fulfillments/", "not an allowed Genesys host");
        refused.put("http://127.0.0.1:" + trap + "/api/v2/dataactions/fulfillments/", "https");
        refused.put("https://10.20.30.40/api/v2/dataactions/fulfillments/", "not an allowed Genesys host");
        refused.put("https://api.example.com/api/v2/dataactions/fulfillments/", "not an allowed Genesys host");
        refused.put("https://user:pw@api.mypurecloud.com/api/v2/dataactions/fulfillments/", "user info");
        // An allowed host name (in this profile) that resolves to loopback: the DNS-checked path, off the event loop.
        refused.put("https://localhost/api/v2/dataactions/fulfillments/", "loopback");

        Map<String, String> payloads = new LinkedHashMap<>();
        Map<String, FulfillmentJob> jobs = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : refused.entrySet()) {
            String fid = newFid();
            FulfillmentJob job = job(fid, e.getKey() + fid, newToken(), Duration.ofSeconds(60));
            String payload = json(job);
            payloads.put(fid, payload);
            jobs.put(fid, job);
            publish(fid, payload);
        }

        List<ConsumerRecord<String, byte[]>> dlq = TopicReader.await(
                bootstrap(),
                Topics.FULFILLMENT_JOBS_DLQ,
                refused.size(),
                r -> payloads.containsKey(r.key()),
                Duration.ofSeconds(30));
        List<String> expectations = List.copyOf(refused.values());
        List<String> fids = List.copyOf(payloads.keySet());
        for (ConsumerRecord<String, byte[]> r : dlq) {
            String fid = r.key();
            assertEquals(payloads.get(fid), new String(r.value(), StandardCharsets.UTF_8), "payload unchanged");
            Map<String, String> headers = TopicReader.headers(r);
            assertEquals("url-refused", headers.get(Headers.ERROR_CLASS));
            String reason = headers.get(Headers.ERROR_REASON);
            assertTrue(reason.startsWith("fulfillmentUrl "), reason);
            String expected = expectations.get(fids.indexOf(fid));
            assertTrue(reason.contains(expected), jobs.get(fid).fulfillmentUrl() + " -> " + reason);
            assertEquals("1", headers.get(Headers.ATTEMPTS));
            assertNotNull(headers.get(Headers.FIRST_SEEN));
            JsonPath state = awaitTerminal(jobs.get(fid).jobId());
            assertEquals("dead-lettered", state.getString("state"));
            assertEquals("url-refused", state.getString("errorCode"));
            awaitAudit(AuditTypes.FULFILLMENT_DEAD_LETTERED, fid);
            assertTrue(sim.fulfillment(fid).isEmpty());
        }
        assertEquals(0, sim.stats().requests("POST", "/external/api"), "no external call for a refused job");
        assertEquals(trapBefore, Listeners.trap().connections(), "no connection to a refused address");
    }

    @Test
    void aFulfillmentUrlThatRedirectsIsNotFollowedAndTheJobIsDeadLettered() {
        long trapBefore = Listeners.trap().connections();
        long redirectsBefore = Listeners.redirector().requests();
        String fid = newFid();
        String url = "http://127.0.0.1:" + Listeners.redirector().port() + "/api/v2/dataactions/fulfillments/" + fid;
        FulfillmentJob job = job(fid, url, newToken(), Duration.ofSeconds(60));
        publish(job);

        JsonPath state = awaitTerminal(job.jobId());
        assertEquals("dead-lettered", state.getString("state"));
        assertEquals("CALLBACK_FAILED", state.getString("errorCode"));
        List<ConsumerRecord<String, byte[]>> dlq = TopicReader.await(
                bootstrap(), Topics.FULFILLMENT_JOBS_DLQ, 1, r -> fid.equals(r.key()), Duration.ofSeconds(20));
        Map<String, String> headers = TopicReader.headers(dlq.get(0));
        assertEquals("callback-failed", headers.get(Headers.ERROR_CLASS));
        assertTrue(headers.get(Headers.ERROR_REASON).contains("302"), headers.toString());
        assertTrue(headers.get(Headers.ERROR_REASON).contains("redirects are not followed"), headers.toString());
        assertEquals(1, Listeners.redirector().requests() - redirectsBefore, "posted once: a redirect is not retried");
        assertEquals(trapBefore, Listeners.trap().connections(), "the redirect target was never contacted");
        awaitAudit(AuditTypes.FULFILLMENT_CALLBACK_FAILED, fid);
        assertFalse(headers.values().stream().anyMatch(v -> v.contains(job.fulfillmentToken())));
    }

    @Test
    void jobsWhoseUrlPathIsNotTheCallbackPathAreDeadLetteredAndNothingIsPosted() {
        String sim = FulfillmentTestSupport.simCallbackUrl("x").replaceFirst("/api/v2/.*$", "");
        // a POST to /sim/reset would clear this fault: its survival shows no such request was made
        String sentinel = this.sim.fault(Map.of("method", "GET", "path", "/api/v2/sentinel", "status", 418));
        Map<String, String> refused = new LinkedHashMap<>(); // fid -> URL
        for (String url : List.of(
                sim + "/sim/reset",
                sim + "/api/v2/users",
                sim + "/api/v2/dataactions/fulfillments/../../users",
                sim + "/api/v2/dataactions/fulfillments/a/b",
                "https://100.64.0.1/api/v2/dataactions/fulfillments/a")) {
            refused.put(newFid(), url);
        }
        Map<String, String> payloads = new LinkedHashMap<>();
        refused.forEach((fid, url) -> {
            // a plain KafkaProducer, as anyone with access to the topic could
            String payload = json(job(fid, url, newToken(), Duration.ofSeconds(60)));
            payloads.put(fid, payload);
            publish(fid, payload);
        });

        List<ConsumerRecord<String, byte[]>> dlq = TopicReader.await(
                bootstrap(),
                Topics.FULFILLMENT_JOBS_DLQ,
                refused.size(),
                r -> payloads.containsKey(r.key()),
                Duration.ofSeconds(30));
        assertEquals(refused.size(), dlq.size());
        for (ConsumerRecord<String, byte[]> r : dlq) {
            Map<String, String> headers = TopicReader.headers(r);
            assertEquals("url-refused", headers.get(Headers.ERROR_CLASS));
            String reason = headers.get(Headers.ERROR_REASON);
            String expected = refused.get(r.key()).contains("100.64.") ? "not an allowed Genesys host" : "path must be";
            assertTrue(
                    reason.startsWith("fulfillmentUrl ") && reason.contains(expected),
                    refused.get(r.key()) + " -> " + reason);
            assertTrue(this.sim.fulfillment(r.key()).isEmpty());
        }
        assertEquals(0, this.sim.stats().requests("POST", "/api/v2/users"), "nothing posted to another Genesys path");
        assertTrue(this.sim.faults().toString().contains(sentinel), "the sim was never reset by a job");
    }
}
