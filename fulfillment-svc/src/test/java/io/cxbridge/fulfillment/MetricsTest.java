package io.cxbridge.fulfillment;

import static io.cxbridge.fulfillment.FulfillmentTestSupport.awaitTerminal;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.job;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.newFid;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.newToken;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cxbridge.model.event.FulfillmentJob;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.Management;
import io.cxbridge.testkit.RedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(FulfillmentTestResource.class)
class MetricsTest {

    @BeforeEach
    void setUp() {
        FulfillmentTestSupport.sim().reset();
        FulfillmentTestSupport.captureLogs();
    }

    private static double value(String metrics, String name, String labels) {
        return metrics.lines()
                .filter(l -> l.startsWith(name + "{") && l.contains(labels))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    private static String metrics() {
        return Management.given()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString();
    }

    @Test
    void inFlightLatenciesAndOutcomesAreExported() {
        String before = metrics();
        FulfillmentJob job = job(newFid(), newToken(), Duration.ofSeconds(60));
        publish(job);
        assertEquals("complete", awaitTerminal(job.jobId()).getString("state"));

        String after = metrics();
        assertTrue(after.contains("cxbridge_fulfillment_jobs_in_flight"), "the in-flight gauge");
        assertTrue(value(after, "cxbridge_fulfillment_external_latency_seconds_count", "outcome=\"ok\"")
                > value(before, "cxbridge_fulfillment_external_latency_seconds_count", "outcome=\"ok\""));
        assertTrue(value(after, "cxbridge_fulfillment_callback_latency_seconds_count", "outcome=\"ok\"")
                > value(before, "cxbridge_fulfillment_callback_latency_seconds_count", "outcome=\"ok\""));
        assertTrue(value(after, "cxbridge_fulfillment_external_latency_seconds_sum", "outcome=\"ok\"") > 0);
        assertTrue(value(after, "cxbridge_fulfillment_jobs_total", "outcome=\"complete\"")
                > value(before, "cxbridge_fulfillment_jobs_total", "outcome=\"complete\""));
        // ack-to-post: one sample per posted result, at least as long as the external call and the post took
        assertTrue(value(after, "cxbridge_fulfillment_ack_to_post_seconds_count", "outcome=\"complete\"")
                > value(before, "cxbridge_fulfillment_ack_to_post_seconds_count", "outcome=\"complete\""));
        assertTrue(value(after, "cxbridge_fulfillment_ack_to_post_seconds_sum", "outcome=\"complete\"")
                        - value(before, "cxbridge_fulfillment_ack_to_post_seconds_sum", "outcome=\"complete\"")
                > 0);
        assertTrue(after.contains("cxbridge_fulfillment_ack_to_post_seconds_bucket{"), "a histogram");
        assertTrue(
                after.contains("cxbridge_fulfillment_ack_to_post_seconds_count{outcome=\"failed\""),
                "the failed series exists before the first failure");
        for (String outcome : new String[] {"failed", "dead-lettered", "callback-failed", "skipped"}) {
            assertTrue(
                    after.contains("cxbridge_fulfillment_jobs_total{") && after.contains("outcome=\"" + outcome + "\""),
                    "the " + outcome + " series");
        }
        // nothing left in flight once the job is done (the gauge is back to 0 when no other job runs)
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> value(metrics(), "cxbridge_fulfillment_jobs_in_flight", "") == 0
                        || metrics().contains("cxbridge_fulfillment_jobs_in_flight 0.0"));
        Management.given()
                .get("/q/health/live")
                .then()
                .statusCode(200)
                .body("checks.find { it.name == 'fulfillment-jobs' }.status", org.hamcrest.Matchers.equalTo("UP"));
    }
}
