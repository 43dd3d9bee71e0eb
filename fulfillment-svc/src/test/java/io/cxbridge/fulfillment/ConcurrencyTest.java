package io.cxbridge.fulfillment;

import static io.cxbridge.fulfillment.FulfillmentTestSupport.job;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.newFid;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.newToken;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.publishAll;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.fulfillment.config.FulfillmentConfig;
import io.cxbridge.model.event.FulfillmentJob;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.Management;
import io.cxbridge.testkit.PrometheusText;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.sim.SimControl;
import io.cxbridge.testkit.sim.SimStats;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(FulfillmentTestResource.class)
class ConcurrencyTest {

    private final SimControl sim = FulfillmentTestSupport.sim();

    @Inject
    FulfillmentConfig config;

    @BeforeEach
    void setUp() {
        sim.reset();
        FulfillmentTestSupport.captureLogs();
    }

    private static double completed() {
        return PrometheusText.sum(Management.metrics(), "cxbridge_fulfillment_jobs_total", "outcome=\"complete\"");
    }

    @Test
    void manySlowJobsRunConcurrentlyWithinTheBoundAndAllAreAnswered() {
        int concurrency = config.concurrency();
        assertEquals(32, concurrency, "the test profile's bound");
        sim.config(Map.of("externalLatencyMs", 1000, "rateLimitPerMinute", 100_000));
        List<FulfillmentJob> jobs = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            jobs.add(job(newFid(), newToken(), Duration.ofSeconds(120)));
        }
        double completedBefore = completed();
        publishAll(jobs);

        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    SimStats stats = sim.stats();
                    return jobs.stream().allMatch(j -> stats.callbacks(j.fulfillmentId()) >= 1);
                });
        SimStats stats = sim.stats();
        for (FulfillmentJob j : jobs) {
            assertEquals(1, stats.callbacks(j.fulfillmentId()), j.fulfillmentId());
            assertEquals(0, stats.duplicateCallbacks(j.fulfillmentId()), j.fulfillmentId());
        }
        assertEquals(200, stats.requests("POST", "/external/api", 200));
        assertTrue(stats.externalMaxConcurrent() > 1, "jobs overlapped: " + stats.externalMaxConcurrent());
        assertTrue(
                stats.externalMaxConcurrent() <= concurrency,
                "never more than " + concurrency + " at once: " + stats.externalMaxConcurrent());
        JsonNode sample = sim.fulfillment(jobs.get(199).fulfillmentId()).orElseThrow();
        assertEquals("complete", sample.path("last").path("body").path("status").asText());
        // every job recorded complete: the outcome counter moved by 200 (one read instead of 200 job reads)
        await().atMost(Duration.ofSeconds(30)).until(() -> completed() - completedBefore >= 200);
        assertEquals("complete", FulfillmentTestSupport.state(jobs.get(0).jobId()));
        assertEquals("complete", FulfillmentTestSupport.state(jobs.get(199).jobId()));
    }
}
