package io.cxbridge.fulfillment;

import static io.cxbridge.fulfillment.FulfillmentTestSupport.CLEAR_TOKENS;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.LOG_LINES;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.SEALED_TOKENS;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.awaitTerminal;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.bootstrap;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.job;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.newFid;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.newToken;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.publish;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cxbridge.model.Topics;
import io.cxbridge.model.event.FulfillmentJob;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.TopicReader;
import io.cxbridge.testkit.sim.SimControl;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Runs last (the surefire configuration orders classes by {@link Order}): after every other test of the module has
 * run its jobs, no token they used (clear or sealed) is in any captured log line, any audit event, or any DLQ header,
 * and no clear token is in any DLQ record at all.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(FulfillmentTestResource.class)
@Order(Integer.MAX_VALUE)
class TokenLeakTest {

    private final SimControl sim = FulfillmentTestSupport.sim();

    @BeforeEach
    void setUp() {
        sim.reset();
        FulfillmentTestSupport.captureLogs();
    }

    @Test
    void noTokenInAnyLogLineAuditEventOrDlqHeader() {
        // one of each path here too, so the test stands alone: complete, failed, callback-failed, refused, unreadable
        FulfillmentJob complete = job(newFid(), newToken(), Duration.ofSeconds(60));
        publish(complete);
        assertEquals("complete", awaitTerminal(complete.jobId()).getString("state"));

        String failingFid = newFid();
        sim.fault(Map.of("method", "POST", "path", "/external/api", "status", 500, "count", 3));
        FulfillmentJob failed = job(failingFid, newToken(), Duration.ofSeconds(60));
        publish(failed);
        assertEquals("failed", awaitTerminal(failed.jobId()).getString("state"));

        String unpostableFid = newFid();
        sim.fault(Map.of("method", "POST", "path", "/api/v2/dataactions/fulfillments/" + unpostableFid, "status", 500));
        FulfillmentJob unpostable = job(unpostableFid, newToken(), Duration.ofSeconds(60));
        publish(unpostable);
        assertEquals("dead-lettered", awaitTerminal(unpostable.jobId()).getString("state"));
        given().post("/v1/fulfillment/dlq/" + unpostable.jobId() + "/replay")
                .then()
                .statusCode(202);
        assertEquals(
                "dead-lettered",
                FulfillmentTestSupport.awaitState(unpostable.jobId(), "dead-lettered")
                        .getString("state"));

        String refusedFid = newFid();
        FulfillmentJob refused =
                job(refusedFid, "https://169.254.169.254/" + refusedFid, newToken(), Duration.ofSeconds(60));
        publish(refused);
        assertEquals("dead-lettered", awaitTerminal(refused.jobId()).getString("state"));

        assertFalse(LOG_LINES.isEmpty(), "the log capture saw the service's lines");
        assertTrue(LOG_LINES.stream().anyMatch(l -> l.contains(complete.jobId())), "the capture saw this run's lines");
        assertTrue(CLEAR_TOKENS.size() >= 4);
        for (String line : LOG_LINES) {
            for (String secret : CLEAR_TOKENS) {
                assertFalse(line.contains(secret), "a log line carries a token: " + line);
            }
            for (String sealed : SEALED_TOKENS) {
                assertFalse(line.contains(sealed), "a log line carries a sealed token: " + line);
            }
        }

        List<ConsumerRecord<String, byte[]>> audit =
                TopicReader.readAll(bootstrap(), Topics.AUDIT, Duration.ofSeconds(30));
        assertTrue(audit.stream().anyMatch(r -> complete.fulfillmentId().equals(r.key())), "the audit topic was read");
        for (ConsumerRecord<String, byte[]> r : audit) {
            String value = r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8);
            String headers = TopicReader.headers(r).toString();
            for (String secret : CLEAR_TOKENS) {
                assertFalse(value.contains(secret) || headers.contains(secret), "an audit event carries a token");
            }
            for (String sealed : SEALED_TOKENS) {
                assertFalse(
                        value.contains(sealed) || headers.contains(sealed), "an audit event carries a sealed token");
            }
        }

        List<ConsumerRecord<String, byte[]>> dlq =
                TopicReader.readAll(bootstrap(), Topics.FULFILLMENT_JOBS_DLQ, Duration.ofSeconds(30));
        assertTrue(dlq.stream().anyMatch(r -> unpostableFid.equals(r.key())), "the DLQ topic was read");
        for (ConsumerRecord<String, byte[]> r : dlq) {
            String value = r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8);
            String headers = TopicReader.headers(r).toString();
            for (String secret : CLEAR_TOKENS) {
                assertFalse(value.contains(secret) || headers.contains(secret), "a DLQ record carries a token");
            }
            for (String sealed : SEALED_TOKENS) {
                assertFalse(headers.contains(sealed), "a DLQ header carries a sealed token");
            }
        }
    }
}
