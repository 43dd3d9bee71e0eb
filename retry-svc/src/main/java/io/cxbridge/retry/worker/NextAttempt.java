package io.cxbridge.retry.worker;

import io.cxbridge.genesys.retry.Backoff;
import java.time.Duration;
import java.time.Instant;

/**
 * The arithmetic of a run's next attempt, safe for any incoming or stored value. The attempt number saturates at
 * {@link Integer#MAX_VALUE} (an incoming {@code attempt} of 2147483647 used to wrap negative: {@code max-attempts} was
 * never reached and the backoff's negative exponent gave 0 ms, a retry every poll for ever); the backoff step is never
 * negative; and no wait goes past what a pending run's state is kept ({@link #longestWait}), which also keeps every
 * due time within epoch milliseconds.
 */
final class NextAttempt {

    private NextAttempt() {}

    /** Attempts a run has spent; a negative count can only be one wrapped by an older version: treated as saturated. */
    static int spent(int attempts) {
        return attempts < 0 ? Integer.MAX_VALUE : attempts;
    }

    /** The 1-based number of the attempt after {@code attempts}, saturating at {@link Integer#MAX_VALUE}. */
    static int number(int attempts) {
        int s = spent(attempts);
        return s == Integer.MAX_VALUE ? s : s + 1;
    }

    /**
     * The longest a pending run may be scheduled ahead: every write keeps its state {@code pending-ttl}, and it must
     * still be there when the run is due and, should that attempt's instance die, one claim lease later.
     */
    static Duration longestWait(Duration pendingTtl, Duration claimLease) {
        Duration d = pendingTtl.minus(claimLease);
        return d.isNegative() || d.isZero() ? pendingTtl : d;
    }

    /**
     * A consumed run's first attempt: the backoff's step for its incoming {@code attempt} ({@code base} for a new
     * run), {@code initial-delay} when longer, never past {@code longest} (an {@code initial-delay} or
     * {@code backoff.max} set past {@code pending-ttl} would let the state expire before the run is due).
     */
    static Instant first(Backoff backoff, Integer attempt, Duration initialDelay, Instant now, Duration longest) {
        Duration wait = backoff.delay(attempt == null ? 0 : spent(attempt), null);
        if (initialDelay.compareTo(wait) > 0) {
            wait = initialDelay;
        }
        return now.plus(capped(wait, longest));
    }

    /** After a failed attempt: when the next one goes, or (null) the wait Genesys asked for that is too long. */
    record Plan(Instant next, Duration tooLong) {}

    /**
     * After attempt {@code n} failed transiently at {@code now}: the backoff's step for it, a longer Retry-After
     * winning. A Retry-After longer than {@code longest} cannot be kept (the run's state would expire first and the
     * run would be dropped unseen): the plan says so and the caller dead-letters the run. A backoff longer than
     * {@code longest} (misconfigured) is cut to it.
     */
    static Plan afterFailure(Backoff backoff, int n, Duration retryAfter, Instant now, Duration longest) {
        if (retryAfter != null && retryAfter.compareTo(longest) > 0) {
            return new Plan(null, retryAfter);
        }
        return new Plan(now.plus(capped(backoff.delay(Math.max(0, n - 1), retryAfter), longest)), null);
    }

    /**
     * A call that was not sent (not an attempt): the longer of the client's hint and the backoff's step for the
     * attempts spent, cut to {@code longest} (the hint is the client's own, not Genesys's).
     */
    static Instant deferred(Backoff backoff, int attempts, Duration hint, Instant now, Duration longest) {
        return now.plus(capped(backoff.delay(spent(attempts), hint), longest));
    }

    private static Duration capped(Duration d, Duration longest) {
        return d.compareTo(longest) > 0 ? longest : d;
    }
}
