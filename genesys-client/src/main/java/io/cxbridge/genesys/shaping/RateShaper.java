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
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * One token bucket per OAuth client in Redis, shared by every process of every service, so cxbridge
 * as a whole stays under the platform's per-client limit: capacity = capacity-fraction x the limit,
 * refilled evenly over the minute. The limit is lowered when the platform's {@code inin-ratelimit-allowed}
 * reports less. A call that finds the bucket empty waits (up to max-wait and never past its deadline)
 * or fails with {@link RateLimitedException}. While Redis is away an in-process bucket of the same
 * size stands in (each process then keeps its own budget).
 */
public final class RateShaper {

    private static final Logger LOG = Logger.getLogger(RateShaper.class);
    private static final Duration REDIS_TIMEOUT = Duration.ofSeconds(1);

    // Returns 0 when a token was taken, else the milliseconds until one is available. Redis's own clock
    // is the time base, so every process agrees on the refill.
    private static final String TAKE = """
            local cap = tonumber(ARGV[1])
            local rate = tonumber(ARGV[2])
            local t = redis.call('TIME')
            local now = t[1] * 1000 + math.floor(t[2] / 1000)
            local b = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
            local tokens = tonumber(b[1])
            local ts = tonumber(b[2])
            if tokens == nil then tokens = cap; ts = now end
            if now > ts then tokens = math.min(cap, tokens + (now - ts) * rate); ts = now end
            if tokens > cap then tokens = cap end
            local wait = 0
            if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) / rate) end
            redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', ts)
            redis.call('PEXPIRE', KEYS[1], 120000)
            return wait""";

    private final GenesysConfig.RateLimit settings;
    private final RedisAPI redis;
    private final Clock clock;
    private final String key;
    private final LocalBucket local;
    private final Counter waited;
    private final Counter refused;
    private volatile int limitPerMinute;
    private volatile boolean redisDown;

    public RateShaper(GenesysConfig config, RedisAPI redis, Clock clock, MeterRegistry registry) {
        this.settings = config.rateLimit();
        this.redis = redis;
        this.clock = clock;
        this.key = config.token().keyPrefix() + ":bucket:" + config.clientId();
        this.limitPerMinute = settings.perMinute();
        this.local = new LocalBucket();
        this.waited = Counter.builder("cxbridge.genesys.shaping.waits")
                .description("calls that waited for the shared upstream budget").register(registry);
        this.refused = Counter.builder("cxbridge.genesys.shaping.refused")
                .description("calls refused as rate limited before reaching Genesys").register(registry);
        Gauge.builder("cxbridge.genesys.shaping.limit", this, s -> s.limitPerMinute)
                .description("the per-minute upstream limit cxbridge shapes to").register(registry);
    }

    /** Completes when the call may go upstream; fails with {@link RateLimitedException} otherwise. */
    public Uni<Void> acquire(Instant deadline) {
        if (!settings.enabled()) {
            return Uni.createFrom().voidItem();
        }
        Instant maxWaitEnd = clock.instant().plus(settings.maxWait());
        return acquireUntil(maxWaitEnd.isBefore(deadline) ? maxWaitEnd : deadline);
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
            return Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(waitMs))
                    .onItem().transformToUni(x -> acquireUntil(limit));
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
                LOG.infof("Genesys reports a limit of %d requests a minute (configured %d): shaping to it",
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
        int cap = capacity();
        double perMs = cap / 60_000.0;
        return redis.eval(List.of(TAKE, "1", key, String.valueOf(cap), String.valueOf(perMs)))
                .ifNoItem().after(REDIS_TIMEOUT).failWith(TimeoutException::new)
                .map(r -> {
                    if (redisDown) {
                        redisDown = false;
                        LOG.info("Redis answers again: the upstream budget is shared again");
                    }
                    return r.toLong();
                })
                .onFailure().recoverWithItem(e -> {
                    if (!redisDown) {
                        redisDown = true;
                        LOG.warnf("Redis did not answer (%s): shaping with an in-process budget",
                                e.getClass().getSimpleName());
                    }
                    return local.take(cap, perMs, clock.millis());
                });
    }

    /** The same bucket, in-process, for while Redis is away. */
    static final class LocalBucket {
        private double tokens = -1;
        private long ts;

        synchronized long take(int cap, double perMs, long now) {
            if (tokens < 0) {
                tokens = cap;
                ts = now;
            }
            if (now > ts) {
                tokens = Math.min(cap, tokens + (now - ts) * perMs);
                ts = now;
            }
            tokens = Math.min(tokens, cap);
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) / perMs);
        }
    }
}
