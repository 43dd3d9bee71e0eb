package io.cxbridge.genesys.retry;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with proportional jitter: attempt n (0-based) waits min(base x factor^n, max),
 * plus or minus jitter x that delay. Shared by the client's retries and by retry-svc.
 */
public record Backoff(Duration base, double factor, Duration max, double jitter) {

    public Backoff {
        if (base.isNegative() || max.isNegative() || factor < 1 || jitter < 0 || jitter > 1) {
            throw new IllegalArgumentException(
                    "invalid backoff: base " + base + ", factor " + factor + ", max " + max + ", jitter " + jitter);
        }
    }

    /** The planned delay before retry number {@code attempt} (0 for the first retry), without jitter. */
    public Duration nominal(int attempt) {
        double ms = base.toMillis() * Math.pow(factor, attempt);
        return Duration.ofMillis((long) Math.min(ms, max.toMillis()));
    }

    public Duration delay(int attempt) {
        return delay(attempt, ThreadLocalRandom.current().nextDouble());
    }

    /** {@code random} in [0, 1) picks the point in the jitter window (0.5 is the nominal delay). */
    public Duration delay(int attempt, double random) {
        long nominal = nominal(attempt).toMillis();
        long spread = Math.round((random * 2 - 1) * jitter * nominal);
        return Duration.ofMillis(Math.max(0, nominal + spread));
    }

    /** The longer of the backoff and the platform's Retry-After. */
    public Duration delay(int attempt, Duration retryAfter) {
        Duration d = delay(attempt);
        return retryAfter != null && retryAfter.compareTo(d) > 0 ? retryAfter : d;
    }
}
