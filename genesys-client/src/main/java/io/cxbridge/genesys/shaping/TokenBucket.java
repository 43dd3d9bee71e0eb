package io.cxbridge.genesys.shaping;

import io.cxbridge.model.redis.LuaScript;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.RedisAPI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Token buckets in Redis, shared by every process that names the same key: a Lua script takes one token, or
 * reserves a batch and takes back unused ones ({@link BatchedTokenBucket}), atomically on Redis's clock. While
 * Redis is away each process keeps an in-process bucket per key of the same size (its own budget), and says so
 * once in the log.
 */
public final class TokenBucket {

    private static final Logger LOG = Logger.getLogger(TokenBucket.class);
    private static final Duration REDIS_TIMEOUT = Duration.ofSeconds(1);

    // Returns {tokens granted, wait ms for one token (0 = granted), whole tokens left}.
    private static final LuaScript RESERVE = LuaScript.load(TokenBucket.class, "token-bucket-reserve.lua");

    /** The outcome of one take: {@code waitMs} 0 when a token was taken; {@code remaining} whole tokens left. */
    public record Take(long waitMs, long remaining) {
        public boolean granted() {
            return waitMs == 0;
        }
    }

    /**
     * The outcome of one reservation: {@code granted} tokens (0 when none, then {@code waitMs} says when one
     * would be), {@code remaining} whole tokens left in the bucket, {@code shared} false when they came from the
     * in-process bucket while Redis was away (such tokens are never given back to Redis).
     */
    public record Reservation(long granted, long waitMs, long remaining, boolean shared) {}

    private final RedisAPI redis;
    private final Clock clock;
    private final Map<String, LocalBucket> local = new ConcurrentHashMap<>();
    private volatile boolean redisDown;

    public TokenBucket(RedisAPI redis, Clock clock) {
        this.redis = redis;
        this.clock = clock;
    }

    /** Takes one token from the bucket {@code key} of {@code capacity}, refilled evenly over {@code period}. */
    public Uni<Take> take(String key, int capacity, Duration period) {
        return reserve(key, capacity, period, 1, 0).map(r -> new Take(r.waitMs(), r.remaining()));
    }

    /**
     * Gives {@code giveBack} unused tokens back, then takes up to {@code want} (as many whole ones as there are, at
     * least one or none) from the bucket {@code key} of {@code capacity}, refilled evenly over {@code period}.
     */
    public Uni<Reservation> reserve(String key, int capacity, Duration period, long want, long giveBack) {
        double perMs = (double) capacity / period.toMillis();
        return RESERVE.run(
                        redis,
                        List.of(
                                "1",
                                key,
                                String.valueOf(capacity),
                                String.valueOf(perMs),
                                String.valueOf(want),
                                String.valueOf(giveBack)))
                .ifNoItem()
                .after(REDIS_TIMEOUT)
                .failWith(TimeoutException::new)
                .map(r -> {
                    if (redisDown) {
                        redisDown = false;
                        LOG.info("Redis answers again: rate budgets are shared again");
                    }
                    return new Reservation(
                            r.get(0).toLong(), r.get(1).toLong(), r.get(2).toLong(), true);
                })
                .onFailure()
                .recoverWithItem(e -> {
                    if (!redisDown) {
                        redisDown = true;
                        LOG.warnf(
                                "Redis did not answer (%s): rate budgets are kept in-process until it is back",
                                e.getClass().getSimpleName());
                    }
                    return local.computeIfAbsent(key, k -> new LocalBucket())
                            .take(capacity, perMs, want, clock.millis());
                });
    }

    static final class LocalBucket {
        private double tokens = -1;
        private long ts;

        synchronized Reservation take(int cap, double perMs, long want, long now) {
            if (tokens < 0) {
                tokens = cap;
                ts = now;
            }
            if (now > ts) {
                tokens = Math.min(cap, tokens + (now - ts) * perMs);
                ts = now;
            }
            tokens = Math.min(tokens, cap);
            long granted = Math.min(want, (long) Math.floor(tokens));
            if (granted >= 1) {
                tokens -= granted;
                return new Reservation(granted, 0, (long) Math.floor(tokens), false);
            }
            return new Reservation(0, (long) Math.ceil((1 - tokens) / perMs), 0, false);
        }
    }
}
