package io.cxbridge.retry.breaker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cxbridge.retry.breaker.Breakers.Kind;
import io.cxbridge.retry.breaker.Breakers.Permit;
import io.cxbridge.retry.breaker.Breakers.Result;
import io.cxbridge.retry.config.RetryConfig;
import io.cxbridge.testkit.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The breaker rules, with a clock the test moves. */
class BreakersUnitTest {

    private final MutableClock clock = MutableClock.startingNow();

    static RetryConfig.Breaker config(int threshold, boolean global) {
        RetryConfig.Global g = new RetryConfig.Global() {
            public boolean enabled() {
                return global;
            }

            public int minOpenActions() {
                return 3;
            }

            public double openRatio() {
                return 0.5;
            }

            public Duration window() {
                return Duration.ofSeconds(60);
            }

            public Duration halfOpenAfter() {
                return Duration.ofSeconds(15);
            }

            public int tokenFailureThreshold() {
                return 3;
            }
        };
        return new RetryConfig.Breaker() {
            public int failureThreshold() {
                return threshold;
            }

            public Duration halfOpenAfter() {
                return Duration.ofSeconds(15);
            }

            public Duration probeWait() {
                return Duration.ofSeconds(1);
            }

            public RetryConfig.Global global() {
                return g;
            }
        };
    }

    private void fail(Breakers b, String action) {
        Permit p = b.acquire(action);
        assertTrue(p.allowed(), action + " was allowed");
        b.record(action, p, Result.FAILURE);
    }

    @Test
    void opensAfterThreeFailuresWaitsThenLetsOneProbeThrough() {
        Breakers b = new Breakers(config(3, true), clock);
        fail(b, "a");
        fail(b, "a");
        assertEquals(Kind.GO, b.acquire("a").kind(), "two failures: still closed");
        b.record("a", new Permit(Kind.GO, null, null), Result.FAILURE);
        Permit wait = b.acquire("a");
        assertEquals(Kind.WAIT, wait.kind());
        assertEquals(clock.instant().plusSeconds(15), wait.until(), "waits for the half-open time");
        assertEquals(1, b.openCount());
        assertEquals(Kind.GO, b.acquire("b").kind(), "other actions go on");

        clock.advance(Duration.ofSeconds(15));
        Permit probe = b.acquire("a");
        assertEquals(Kind.PROBE, probe.kind());
        Permit second = b.acquire("a");
        assertEquals(Kind.WAIT, second.kind(), "one probe at a time");
        assertEquals(clock.instant().plusSeconds(1), second.until());

        b.record("a", probe, Result.FAILURE);
        assertEquals(Kind.WAIT, b.acquire("a").kind(), "a failed probe opens it again");
        clock.advance(Duration.ofSeconds(15));
        Permit again = b.acquire("a");
        assertEquals(Kind.PROBE, again.kind());
        b.record("a", again, Result.SUCCESS);
        assertEquals(Kind.GO, b.acquire("a").kind(), "a successful probe closes it");
        assertEquals(0, b.openCount());
    }

    @Test
    void a429OrACallNotSentIsNeutralAndFreesTheProbe() {
        Breakers b = new Breakers(config(1, false), clock);
        fail(b, "a");
        clock.advance(Duration.ofSeconds(15));
        Permit probe = b.acquire("a");
        b.record("a", probe, Result.NEUTRAL);
        assertEquals(Kind.PROBE, b.acquire("a").kind(), "the probe slot is free again");
        Breakers c = new Breakers(config(2, false), clock);
        fail(c, "x");
        c.record("x", c.acquire("x"), Result.NEUTRAL);
        fail(c, "x");
        assertEquals(Kind.WAIT, c.acquire("x").kind(), "a neutral answer does not reset the count");
    }

    @Test
    void mostActionsFailingOpensTheGlobalBreakerUntilItsProbeSucceeds() {
        Breakers b = new Breakers(config(1, true), clock);
        b.record("ok", b.acquire("ok"), Result.SUCCESS);
        fail(b, "a");
        fail(b, "b");
        assertFalse(b.globalOpen(), "2 open of 3 active: under min-open-actions");
        fail(b, "c");
        assertTrue(b.globalOpen(), "3 open of 4 active: most actions fail");
        assertEquals("actions", b.globalCause());
        Permit held = b.acquire("ok");
        assertEquals(Kind.WAIT, held.kind(), "every action waits while the global breaker is open");
        assertEquals(b.globalProbeAt(), held.until());
        assertFalse(b.globalProbeDue());

        clock.advance(Duration.ofSeconds(15));
        assertTrue(b.globalProbeDue());
        Permit probe = b.acquire("ok");
        assertEquals(Kind.GLOBAL_PROBE, probe.kind());
        assertEquals(Kind.WAIT, b.acquire("other").kind(), "one global probe");
        b.record("ok", probe, Result.FAILURE);
        assertTrue(b.globalOpen(), "a failed probe keeps it open");
        assertFalse(b.globalProbeDue());

        clock.advance(Duration.ofSeconds(15));
        Permit next = b.acquire("a");
        assertEquals(Kind.GLOBAL_PROBE, next.kind());
        b.record("a", next, Result.SUCCESS);
        assertFalse(b.globalOpen());
        assertNull(b.globalProbeAt());
        assertNotNull(b.probeAt("b"), "b's own breaker is still open; it probes on its own");
    }

    @Test
    void fewActionsAmongManyDoNotOpenTheGlobalBreaker() {
        Breakers b = new Breakers(config(1, true), clock);
        for (int i = 0; i < 10; i++) {
            b.record("ok" + i, b.acquire("ok" + i), Result.SUCCESS);
        }
        fail(b, "a");
        fail(b, "b");
        fail(b, "c");
        assertFalse(b.globalOpen(), "3 of 13 actions failing is not an outage");
        assertEquals(3, b.openCount());
    }

    @Test
    void tokenFailuresInARowOpenTheGlobalBreaker() {
        Breakers b = new Breakers(config(3, true), clock);
        for (int i = 0; i < 3; i++) {
            b.record("a" + i, b.acquire("a" + i), Result.TOKEN_FAILURE);
        }
        assertTrue(b.globalOpen());
        assertEquals("token", b.globalCause());
        assertEquals(0, b.openCount(), "no action is to blame");
    }

    @Test
    void idleBreakersAreForgotten() {
        Breakers b = new Breakers(config(1, false), clock);
        fail(b, "a");
        assertEquals(1, b.openCount());
        clock.advance(Duration.ofSeconds(60 + 15 + 1));
        assertEquals(0, b.openCount());
        assertEquals(Kind.GO, b.acquire("a").kind());
    }

    @Test
    void aThresholdBelowOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Breakers(config(0, true), clock));
    }
}
