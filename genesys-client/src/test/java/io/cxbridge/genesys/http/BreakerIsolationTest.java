package io.cxbridge.genesys.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxbridge.genesys.Process;
import io.cxbridge.genesys.SimTestBase;
import io.cxbridge.genesys.breaker.CircuitBreaker;
import io.cxbridge.genesys.breaker.CircuitOpenException;
import io.cxbridge.testkit.MutableClock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The per-family breakers against the real sim: one family failing, 4xx answers, a probe that never ends. */
class BreakerIsolationTest extends SimTestBase {

    private static final String QUEUES = "/api/v2/routing/queues";
    private static final String USERS = "/api/v2/users";

    private Process process(MutableClock clock) {
        return process(
                config(Map.of(
                        "cxbridge.genesys.retry.max-attempts",
                        "1",
                        "cxbridge.genesys.rate-limit.enabled",
                        "false",
                        "cxbridge.genesys.breaker.failure-threshold",
                        "3",
                        "cxbridge.genesys.breaker.delay",
                        "15s")),
                clock);
    }

    @Test
    void aClientHammeringAFailingFamilyDoesNotOpenTheBreakerOfAnother() {
        Process p = process(MutableClock.startingNow());
        control.fault(Map.of("method", "GET", "path", QUEUES + "/**", "status", 500));
        control.fault(Map.of("method", "GET", "path", QUEUES, "status", 500));
        for (int i = 0; i < 10; i++) {
            try {
                p.client
                        .send(GenesysRequest.get(QUEUES + "/q-" + i + "/members"))
                        .await()
                        .atMost(Duration.ofSeconds(10));
            } catch (CircuitOpenException expected) {
                // the attacker's family is open: exactly what should happen to it
            }
        }
        assertThat(p.breakers.state(QUEUES)).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(p.registry.get("cxbridge.genesys.breaker.open").gauge().value())
                .isEqualTo(1.0);

        for (int i = 0; i < 5; i++) {
            assertThat(p.client
                            .send(GenesysRequest.get(USERS))
                            .await()
                            .atMost(Duration.ofSeconds(10))
                            .status())
                    .as("another family still reaches Genesys")
                    .isEqualTo(200);
        }
        assertThat(p.breakers.state(USERS)).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void fourHundredsNeverOpenABreaker() {
        Process p = process(MutableClock.startingNow());
        control.fault(Map.of("method", "GET", "path", USERS, "status", 404));
        for (int i = 0; i < 10; i++) {
            assertThat(p.client
                            .send(GenesysRequest.get(USERS))
                            .await()
                            .atMost(Duration.ofSeconds(10))
                            .status())
                    .isEqualTo(404);
        }
        assertThat(p.breakers.state(USERS)).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(requests("GET", USERS, 404)).isEqualTo(10);
    }

    @Test
    void aProbeThatIsAbandonedFreesItsSlot() {
        MutableClock clock = MutableClock.startingNow();
        Process p = process(clock);
        control.fault(Map.of("method", "GET", "path", USERS, "status", 500, "count", 3));
        for (int i = 0; i < 3; i++) {
            p.client.send(GenesysRequest.get(USERS)).await().atMost(Duration.ofSeconds(10));
        }
        assertThat(p.breakers.state(USERS)).isEqualTo(CircuitBreaker.State.OPEN);
        clock.advance(Duration.ofSeconds(15));
        control.fault(Map.of("method", "GET", "path", USERS, "latencyMs", 3000, "count", 1));

        // the probe's caller gives up (cancels) before any answer: no outcome, but the slot must come back
        assertThatThrownBy(
                        () -> p.client.send(GenesysRequest.get(USERS)).await().atMost(Duration.ofMillis(300)))
                .isInstanceOf(io.smallrye.mutiny.TimeoutException.class);
        assertThat(p.client
                        .send(GenesysRequest.get(USERS))
                        .await()
                        .atMost(Duration.ofSeconds(10))
                        .status())
                .isEqualTo(200);
        assertThat(p.breakers.state(USERS)).isEqualTo(CircuitBreaker.State.CLOSED);
    }
}
