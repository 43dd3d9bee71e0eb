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
 * Token buckets in Redis, shared by every process that names the same key: a Lua script takes one token
 * atomically on Redis's clock. While Redis is away each process keeps an in-process bucket per key of
 * the same size (its own budget), and says so once in the log.
 */
public final class TokenBucket {

    private static final Logger LOG = Logger.getLogger(TokenBucket.class);
    private static final Duration REDIS_TIMEOUT = Duration.ofSeconds(1);

    // Returns {wait ms (0 = token taken), whole tokens left}.
    private static final LuaScript TAKE = LuaScript.load(TokenBucket.class, "token-bucket-take.lua");

    /** The outcome of one take: {@code waitMs} 0 when a token was taken; {@code remaining} whole tokens left. */
    public record Take(long waitMs, long remaining) {
        public boolean granted() {
            return waitMs == 0;
        }
    }

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
        double perMs = (double) capacity / period.toMillis();
        return TAKE.run(redis, List.of("1", key, String.valueOf(capacity), String.valueOf(perMs)))
                .ifNoItem()
                .after(REDIS_TIMEOUT)
                .failWith(TimeoutException::new)
                .map(r -> {
                    if (redisDown) {
                        redisDown = false;
                        LOG.info("Redis answers again: rate budgets are shared again");
                    }
                    return new Take(r.get(0).toLong(), r.get(1).toLong());
                })
                .onFailure()
                .recoverWithItem(e -> {
                    if (!redisDown) {
                        redisDown = true;
                        LOG.warnf(
                                "Redis did not answer (%s): rate budgets are kept in-process until it is back",
                                e.getClass().getSimpleName());
                    }
                    return local.computeIfAbsent(key, k -> new LocalBucket()).take(capacity, perMs, clock.millis());
                });
    }

    static final class LocalBucket {
        private double tokens = -1;
        private long ts;

        synchronized Take take(int cap, double perMs, long now) {
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
                return new Take(0, (long) Math.floor(tokens));
            }
            return new Take((long) Math.ceil((1 - tokens) / perMs), 0);
        }
    }
}
