package io.cxbridge.genesys.shaping;

import java.time.Duration;

/** The shared upstream budget is spent for now; {@link #retryAfter()} says when a request would fit. */
public class RateLimitedException extends RuntimeException {

    private final Duration retryAfter;

    public RateLimitedException(Duration retryAfter, int perMinute) {
        super("rate limited: cxbridge keeps this OAuth client under " + perMinute
                + " Genesys requests a minute; retry in " + retryAfter.toMillis() + " ms");
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    /** Whole seconds, at least 1, for a {@code Retry-After} header. */
    public long retryAfterSeconds() {
        return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    }
}
