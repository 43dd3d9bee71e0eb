package io.cxbridge.retry;

import static io.cxbridge.retry.RetryFlowTest.awaitFinished;
import static io.cxbridge.retry.RetryFlowTest.newAction;
import static io.cxbridge.retry.RetryFlowTest.publish;
import static io.cxbridge.retry.RetryFlowTest.run;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cxbridge.retry.breaker.Breakers;
import io.cxbridge.retry.state.RunStore;
import io.cxbridge.retry.support.WebhookReceiver;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.Management;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.sim.GenesysSim;
import io.cxbridge.testkit.sim.GenesysSimResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.RedisAPI;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
@QuarkusTestResource(WebhookReceiver.class)
class RetryMetricsTest {

    @Inject
    Breakers breakers;

    @Inject
    RunStore store;

    @Inject
    RedisAPI redis;

    @BeforeEach
    void reset() {
        GenesysSim.shared().control().reset();
        breakers.reset();
    }

    static String scrape() {
        return Management.given()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString();
    }

    static double value(String metrics, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)( #.*)?$")
                .matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    @Test
    void theServiceAndClientMetricsAreExposedUnderTheirAlertNames() throws Exception {
        String action = newAction();
        String id = UUID.randomUUID().toString();
        publish(action, run(id, action));
        awaitFinished(id, "succeeded");
        String m = scrape();
        for (String name : List.of(
                "cxbridge_retry_attempts_total{outcome=\"success\"}",
                "cxbridge_retry_successes_total",
                "cxbridge_retry_exhausted_total",
                "cxbridge_retry_dead_lettered_total{reason=\"invalid\"}",
                "cxbridge_retry_dead_lettered_total{reason=\"rejected\"}",
                "cxbridge_retry_dead_lettered_total{reason=\"exhausted\"}",
                "cxbridge_retry_breakers_open",
                "cxbridge_retry_global_breaker_open",
                "cxbridge_retry_in_flight",
                "cxbridge_retry_pending",
                "cxbridge_retry_overdue",
                "cxbridge_retry_consumer_lag",
                "cxbridge_retry_intake_paused",
                "cxbridge_retry_submit_latency_seconds_count",
                "cxbridge_genesys_breaker_open{breaker=\"genesys\"}",
                "cxbridge_genesys_responses_total{status=\"200\"}")) {
            assertTrue(
                    value(m, name) >= 0,
                    () -> name + " is missing from /q/metrics: "
                            + m.lines()
                                    .filter(l -> l.startsWith(name.replaceAll("\\{.*", "")))
                                    .toList());
        }
        assertTrue(value(m, "cxbridge_retry_successes_total") >= 1);
        assertTrue(value(m, "cxbridge_retry_submit_latency_seconds_count") >= 1);
    }

    @Test
    void aFailingWebhookIsCountedAndDoesNotHoldTheRunUp() throws Exception {
        double before = value(scrape(), "cxbridge_retry_webhook_failures_total");
        String action = newAction();
        String id = UUID.randomUUID().toString();
        WebhookReceiver.FAIL_FOR.add(id);
        publish(action, run(id, action));
        awaitFinished(id, "succeeded");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> value(scrape(), "cxbridge_retry_webhook_failures_total") >= before + 1);
        assertEquals(3, WebhookReceiver.receivedFor(id).size(), "a 500 is tried again, 3 attempts at most");
    }

    /**
     * The overdue gauge counts due-set members at or before a cut-off. Probes hours ahead keep the poller away from
     * them; the difference between two cut-offs is exactly the probe between them, whatever else is scheduled.
     */
    @Test
    void theOverdueCountIsTheDueSetUpToACutOff() {
        Instant now = Instant.now();
        String early = "overdue-probe-" + UUID.randomUUID();
        String late = "overdue-probe-" + UUID.randomUUID();
        redis.zadd(List.of(
                        store.dueKey(),
                        String.valueOf(now.plus(Duration.ofHours(3)).toEpochMilli()),
                        early,
                        String.valueOf(now.plus(Duration.ofHours(5)).toEpochMilli()),
                        late))
                .await()
                .indefinitely();
        try {
            long upTo2h = store.dueCount(now.plus(Duration.ofHours(2))).await().indefinitely();
            long upTo4h = store.dueCount(now.plus(Duration.ofHours(4))).await().indefinitely();
            long upTo6h = store.dueCount(now.plus(Duration.ofHours(6))).await().indefinitely();
            assertEquals(upTo2h + 1, upTo4h);
            assertEquals(upTo2h + 2, upTo6h);
        } finally {
            redis.zrem(List.of(store.dueKey(), early, late)).await().indefinitely();
        }
        assertTrue(value(scrape(), "cxbridge_retry_overdue") >= 0, "the gauge is exposed");
    }

    @Test
    void theOpenBreakersGaugeCountsOpenActions() {
        assertTrue(value(scrape(), "cxbridge_retry_breakers_open") == 0);
        for (String action : List.of("gauge-a", "gauge-b")) {
            for (int i = 0; i < 3; i++) {
                breakers.record(action, breakers.acquire(action), Breakers.Result.FAILURE);
            }
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> value(scrape(), "cxbridge_retry_breakers_open") == 2);
        breakers.reset();
        assertTrue(value(scrape(), "cxbridge_retry_breakers_open") == 0);
    }
}
