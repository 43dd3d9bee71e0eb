package io.cxbridge.sim.ratelimit;

import io.cxbridge.sim.config.RuntimeConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per OAuth client rate limit on /api/v2/**, as a token bucket: capacity {@code rateLimitPerMinute}, refilled
 * evenly at {@code rateLimitPerMinute / 60} tokens a second, one token per request. A full bucket allows a burst
 * of the whole minute's budget; sustained traffic is held to the per-minute rate.
 *
 * <p>Headers (Genesys names): {@code inin-ratelimit-allowed} is the capacity, {@code inin-ratelimit-count} the
 * tokens in use (capacity minus whole tokens left, i.e. requests "counted" in the current minute), and
 * {@code inin-ratelimit-reset} the seconds until the bucket is full again. On 429, {@code Retry-After} is the
 * whole seconds (at least 1) until one token is back.
 */
@ApplicationScoped
public class RateLimiter {

    /** The outcome for one request. */
    public record Decision(
            boolean allowed, long allowedPerMinute, long count, long resetSeconds, long retryAfterSeconds) {}

    private static final class Bucket {
        private final double capacity;
        private final double perNano;
        private double tokens;
        private long last;

        Bucket(int limit, long now) {
            this.capacity = limit;
            this.perNano = limit / 60e9;
            this.tokens = limit;
            this.last = now;
        }

        synchronized Decision take(long now) {
            tokens = Math.min(capacity, tokens + (now - last) * perNano);
            last = now;
            boolean allowed = tokens >= 1.0;
            if (allowed) {
                tokens -= 1.0;
            }
            long count = (long) capacity - (long) Math.floor(tokens);
            long reset = (long) Math.ceil((capacity - tokens) / (perNano * 1e9));
            long retryAfter = allowed ? 0 : Math.max(1, (long) Math.ceil((1.0 - tokens) / (perNano * 1e9)));
            return new Decision(allowed, (long) capacity, count, reset, retryAfter);
        }
    }

    private final RuntimeConfig config;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(RuntimeConfig config) {
        this.config = config;
        // a new limit starts every client with a full bucket of the new size
        config.onChange((before, after) -> {
            if (before.rateLimitPerMinute() != after.rateLimitPerMinute()) {
                buckets.clear();
            }
        });
    }

    /** Takes one token for the client; null when the limit is off ({@code rateLimitPerMinute <= 0}). */
    public Decision take(String clientId) {
        int limit = config.get().rateLimitPerMinute();
        if (limit <= 0) {
            return null;
        }
        long now = System.nanoTime();
        Bucket bucket =
                buckets.compute(clientId, (k, b) -> b == null || b.capacity != limit ? new Bucket(limit, now) : b);
        return bucket.take(now);
    }

    public void reset() {
        buckets.clear();
    }
}
