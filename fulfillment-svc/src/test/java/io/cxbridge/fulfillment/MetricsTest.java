package io.cxbridge.fulfillment;

import static io.cxbridge.fulfillment.FulfillmentTestSupport.awaitCallback;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.awaitTerminal;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.job;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.newFid;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.newToken;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cxbridge.model.Channels;
import io.cxbridge.model.event.FulfillmentJob;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.Management;
import io.cxbridge.testkit.PrometheusText;
import io.cxbridge.testkit.RedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
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
        return PrometheusText.sum(metrics, name, labels);
    }

    /** The series summed over {@code labels} is larger in {@code after}; the message shows both scrapes' lines. */
    private static void assertGrew(String before, String after, String name, String labels) {
        assertTrue(
                value(after, name, labels) > value(before, name, labels),
                () -> name + "{" + labels + "} did not grow: before " + lines(before, name) + ", after "
                        + lines(after, name));
    }

    private static java.util.List<String> lines(String metrics, String name) {
        return metrics.lines().filter(l -> l.startsWith(name + "{")).toList();
    }

    private static String metrics() {
        return Management.metrics();
    }

    @Inject
    KafkaClientService kafka;

    /**
     * The jobs consumer takes in bounded bytes: fetches of at most 256 KiB per partition and 1 MiB in all (Kafka's
     * defaults, 1 MiB and 50 MiB, let ~300 queued 900 KB jobs fill the heap), and the in-flight byte gauge is exported.
     */
    @Test
    void theJobsConsumerFetchesBoundedBytesAndTheInFlightBytesAreExported() {
        Map<String, ?> consumer =
                kafka.getConsumer(Channels.FULFILLMENT_JOBS_IN).configuration();
        assertEquals("262144", String.valueOf(consumer.get("max.partition.fetch.bytes")), consumer.toString());
        assertEquals("1048576", String.valueOf(consumer.get("fetch.max.bytes")), consumer.toString());
        assertTrue(metrics().contains("cxbridge_fulfillment_jobs_in_flight_bytes"), "the in-flight bytes gauge");
    }

    @Test
    void inFlightLatenciesAndOutcomesAreExported() {
        String before = metrics();
        FulfillmentJob job = job(newFid(), newToken(), Duration.ofSeconds(60));
        publish(job);
        assertEquals("complete", awaitTerminal(job.jobId()).getString("state"));
        awaitCallback(job.fulfillmentId());

        // The job's state is written before its outcome counters (jobs_total, ack_to_post) are counted, so the
        // counters are awaited rather than read once.
        String[] last = {before};
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> {
                    String now = metrics();
                    last[0] = now;
                    assertGrew(before, now, "cxbridge_fulfillment_external_latency_seconds_count", "outcome=\"ok\"");
                    assertGrew(before, now, "cxbridge_fulfillment_callback_latency_seconds_count", "outcome=\"ok\"");
                    assertGrew(before, now, "cxbridge_fulfillment_jobs_total", "outcome=\"complete\"");
                    // ack-to-post: one sample per posted result
                    assertGrew(before, now, "cxbridge_fulfillment_ack_to_post_seconds_count", "outcome=\"complete\"");
                    assertGrew(before, now, "cxbridge_fulfillment_ack_to_post_seconds_sum", "outcome=\"complete\"");
                });
        String after = last[0];
        assertTrue(after.contains("cxbridge_fulfillment_jobs_in_flight"), "the in-flight gauge");
        assertTrue(value(after, "cxbridge_fulfillment_external_latency_seconds_sum", "outcome=\"ok\"") > 0);
        assertTrue(after.contains("cxbridge_fulfillment_ack_to_post_seconds_bucket{"), "a histogram");
        assertTrue(
                after.contains("cxbridge_fulfillment_ack_to_post_seconds_count{outcome=\"failed\""),
                "the failed series exists before the first failure");
        for (String outcome : new String[] {"failed", "dead-lettered", "callback-failed", "skipped"}) {
            assertTrue(
                    after.contains("cxbridge_fulfillment_jobs_total{") && after.contains("outcome=\"" + outcome + "\""),
                    "the " + outcome + " series");
        }
        // nothing left in flight once the job is done (the gauge is back to 0 when no other job runs; an earlier
        // test's job may still be in a backoff, hence the margin)
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> PrometheusText.sum(metrics(), "cxbridge_fulfillment_jobs_in_flight") == 0);
        Management.given()
                .get("/q/health/live")
                .then()
                .statusCode(200)
                .body("checks.find { it.name == 'fulfillment-jobs' }.status", org.hamcrest.Matchers.equalTo("UP"));
    }
}
