package io.cxbridge.genesys.shaping;

import io.cxbridge.genesys.config.GenesysConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.RedisAPI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * One token bucket per OAuth client in Redis, shared by every process of every service, so cxbridge
 * as a whole stays under the platform's per-client limit: capacity = capacity-fraction x the limit,
 * refilled evenly over the minute. The limit is lowered when the platform's {@code inin-ratelimit-allowed}
 * reports less. A call that finds the bucket empty waits (up to max-wait and never past its deadline)
 * or fails with {@link RateLimitedException}. The bucket is a {@link TokenBucket} (in-process while Redis
 * is away).
 */
public final class RateShaper {

    private static final Logger LOG = Logger.getLogger(RateShaper.class);

    private final GenesysConfig.RateLimit settings;
    private final TokenBucket bucket;
    private final Clock clock;
    private final String key;
    private final Counter waited;
    private final Counter refused;
    private volatile int limitPerMinute;

    public RateShaper(GenesysConfig config, RedisAPI redis, Clock clock, MeterRegistry registry) {
        this.settings = config.rateLimit();
        this.bucket = new TokenBucket(redis, clock);
        this.clock = clock;
        this.key = config.token().keyPrefix() + ":bucket:" + config.clientId();
        this.limitPerMinute = settings.perMinute();
        this.waited = Counter.builder("cxbridge.genesys.shaping.waits")
                .description("calls that waited for the shared upstream budget")
                .register(registry);
        this.refused = Counter.builder("cxbridge.genesys.shaping.refused")
                .description("calls refused as rate limited before reaching Genesys")
                .register(registry);
        Gauge.builder("cxbridge.genesys.shaping.limit", this, s -> s.limitPerMinute)
                .description("the per-minute upstream limit cxbridge shapes to")
                .register(registry);
    }

    /** Completes when the call may go upstream; fails with {@link RateLimitedException} otherwise. */
    public Uni<Void> acquire(Instant deadline) {
        if (!settings.enabled()) {
            return Uni.createFrom().voidItem();
        }
        Instant maxWaitEnd = clock.instant().plus(settings.maxWait());
        return acquireUntil(maxWaitEnd.isBefore(deadline) ? maxWaitEnd : deadline);
    }

    /**
     * For calls that may wait longer than {@code max-wait} (work off the request path, e.g. a fulfillment result):
     * completes when the call may go upstream, waiting for room until {@code until}; fails with
     * {@link RateLimitedException} when there is none by then.
     */
    public Uni<Void> acquireWaitingUntil(Instant until) {
        if (!settings.enabled()) {
            return Uni.createFrom().voidItem();
        }
        return acquireUntil(until);
    }

    private Uni<Void> acquireUntil(Instant limit) {
        return take().onItem().transformToUni(waitMs -> {
            if (waitMs == 0) {
                return Uni.createFrom().voidItem();
            }
            if (clock.instant().plusMillis(waitMs).isAfter(limit)) {
                refused.increment();
                return Uni.createFrom().failure(new RateLimitedException(Duration.ofMillis(waitMs), capacity()));
            }
            waited.increment();
            // Wait out the refill, then compete again: another process may take that token first.
            return Uni.createFrom()
                    .voidItem()
                    .onItem()
                    .delayIt()
                    .by(Duration.ofMillis(waitMs))
                    .onItem()
                    .transformToUni(x -> acquireUntil(limit));
        });
    }

    /** Lowers the limit when the platform reports a smaller one ({@code inin-ratelimit-allowed}). */
    public void observeAllowed(String allowedHeader) {
        if (allowedHeader == null) {
            return;
        }
        try {
            int allowed = Integer.parseInt(allowedHeader.trim());
            if (allowed > 0 && allowed < limitPerMinute) {
                LOG.infof(
                        "Genesys reports a limit of %d requests a minute (configured %d): shaping to it",
                        allowed, limitPerMinute);
                limitPerMinute = allowed;
            }
        } catch (NumberFormatException ignored) {
            // a malformed header says nothing about the limit
        }
    }

    public int limitPerMinute() {
        return limitPerMinute;
    }

    /** How many requests a minute cxbridge allows itself. */
    public int capacity() {
        return Math.max(1, (int) Math.floor(limitPerMinute * settings.capacityFraction()));
    }

    private Uni<Long> take() {
        return bucket.take(key, capacity(), Duration.ofMinutes(1)).map(TokenBucket.Take::waitMs);
    }
}
