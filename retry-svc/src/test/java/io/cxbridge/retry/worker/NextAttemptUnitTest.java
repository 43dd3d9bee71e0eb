package io.cxbridge.retry.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cxbridge.genesys.retry.Backoff;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The next attempt's number and time for any incoming attempt count and any Retry-After: no wrap, no overflow. */
class NextAttemptUnitTest {

    // retry-svc's defaults, without jitter so that the delays are exact
    private static final Backoff BACKOFF = new Backoff(Duration.ofSeconds(1), 2, Duration.ofSeconds(30), 0);
    private static final Duration LONGEST = NextAttempt.longestWait(Duration.ofDays(7), Duration.ofSeconds(60));
    private static final Instant NOW = Instant.parse("2026-12-07T16:00:00Z");

    @Test
    void theAttemptNumberSaturatesInsteadOfWrapping() {
        assertEquals(1, NextAttempt.number(0));
        assertEquals(5, NextAttempt.number(4));
        assertEquals(Integer.MAX_VALUE, NextAttempt.number(Integer.MAX_VALUE - 1));
        assertEquals(Integer.MAX_VALUE, NextAttempt.number(Integer.MAX_VALUE), "2147483647 + 1 stays 2147483647");
        // a count an older version wrapped is past any max-attempts
        assertEquals(Integer.MAX_VALUE, NextAttempt.number(Integer.MIN_VALUE));
        assertEquals(Integer.MAX_VALUE, NextAttempt.number(-7));
    }

    @Test
    void theBackoffNeverGoesToZeroForAHugeOrWrappedCount() {
        for (int attempts : new int[] {Integer.MAX_VALUE, Integer.MIN_VALUE, -1}) {
            int n = NextAttempt.number(attempts);
            assertEquals(
                    NOW.plusSeconds(30),
                    NextAttempt.afterFailure(BACKOFF, n, null, NOW, LONGEST).next(),
                    "" + n);
            assertEquals(NOW.plusSeconds(30), NextAttempt.deferred(BACKOFF, attempts, null, NOW, LONGEST), "" + n);
        }
        assertEquals(
                NOW.plusSeconds(1),
                NextAttempt.afterFailure(BACKOFF, 1, null, NOW, LONGEST).next());
        assertEquals(
                NOW.plusSeconds(4),
                NextAttempt.afterFailure(BACKOFF, 3, null, NOW, LONGEST).next());
    }

    @Test
    void aRetryAfterWinsUpToWhatAPendingRunIsKeptAndIsRefusedBeyondWithoutOverflow() {
        Duration hour = Duration.ofHours(1);
        assertEquals(
                NOW.plus(hour),
                NextAttempt.afterFailure(BACKOFF, 1, hour, NOW, LONGEST).next());
        assertEquals(
                NOW.plus(LONGEST),
                NextAttempt.afterFailure(BACKOFF, 1, LONGEST, NOW, LONGEST).next());
        // past the pending TTL; past epoch milliseconds (~9.2e15 s); past Instant's range (~3.2e16 s)
        for (long seconds : new long[] {
            LONGEST.toSeconds() + 1, 8 * 86400, 9_300_000_000_000_000L, 32_000_000_000_000_000L, Long.MAX_VALUE
        }) {
            NextAttempt.Plan plan = NextAttempt.afterFailure(BACKOFF, 1, Duration.ofSeconds(seconds), NOW, LONGEST);
            assertNull(plan.next(), seconds + " s");
            assertEquals(Duration.ofSeconds(seconds), plan.tooLong());
        }
    }

    @Test
    void aBackoffOrClientHintLongerThanAPendingRunIsKeptIsCutToIt() {
        Backoff slow = new Backoff(Duration.ofDays(30), 2, Duration.ofDays(30), 0);
        NextAttempt.Plan plan = NextAttempt.afterFailure(slow, 1, null, NOW, LONGEST);
        assertNotNull(plan.next());
        assertEquals(NOW.plus(LONGEST), plan.next());
        assertEquals(
                NOW.plus(LONGEST),
                NextAttempt.deferred(BACKOFF, 0, Duration.ofSeconds(9_300_000_000_000_000L), NOW, LONGEST));
        assertTrue(LONGEST.compareTo(Duration.ofDays(7)) < 0, "the state must outlive the due time and a claim lease");
    }

    @Test
    void aFirstAttemptIsNeverDuePastWhatAPendingRunIsKept() {
        assertEquals(NOW.plus(LONGEST), NextAttempt.first(BACKOFF, 0, Duration.ofDays(30), NOW, LONGEST));
        Backoff slow = new Backoff(Duration.ofDays(30), 2, Duration.ofDays(30), 0);
        assertEquals(NOW.plus(LONGEST), NextAttempt.first(slow, 0, Duration.ZERO, NOW, LONGEST));
        assertEquals(NOW.plusSeconds(1), NextAttempt.first(BACKOFF, 0, Duration.ZERO, NOW, LONGEST));
        assertEquals(NOW.plusSeconds(30), NextAttempt.first(BACKOFF, Integer.MAX_VALUE, Duration.ZERO, NOW, LONGEST));
        assertEquals(NOW.plus(Duration.ofHours(1)), NextAttempt.first(BACKOFF, 2, Duration.ofHours(1), NOW, LONGEST));
    }
}
