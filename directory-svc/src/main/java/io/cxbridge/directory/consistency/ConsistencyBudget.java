package io.cxbridge.directory.consistency;

import io.cxbridge.model.redis.LuaScript;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.RedisAPI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The Genesys calls all replicas together may spend on consistency checks per window: one Redis counter per
 * window (fixed windows aligned to the epoch), taken atomically, so replicas never exceed it between them.
 * Without Redis nothing is taken: no check runs rather than one over the budget.
 */
public final class ConsistencyBudget {

    private static final Logger LOG = Logger.getLogger(ConsistencyBudget.class);

    /** Adds ARGV[1] to the window's count unless that passes ARGV[2]; the key lives a little longer than the window. */
    private static final LuaScript TAKE = LuaScript.load(ConsistencyBudget.class, "consistency-budget-take.lua");

    private final RedisAPI redis;
    private final String keyPrefix;
    private final int calls;
    private final Duration window;
    private final Clock clock;

    public ConsistencyBudget(RedisAPI redis, String keyPrefix, int calls, Duration window, Clock clock) {
        if (calls < 1 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("cxbridge.directory.consistency.budget must be at least 1 call per a "
                    + "positive window, was " + calls + " per " + window);
        }
        this.redis = redis;
        this.keyPrefix = keyPrefix;
        this.calls = calls;
        this.window = window;
        this.clock = clock;
    }

    /** 10 % of the OAuth client's per-minute limit, per minute, scaled to the window. */
    public static int defaultCalls(int perMinute, Duration window) {
        return (int) Math.max(1, perMinute / 10 * window.toMillis() / 60_000);
    }

    public int calls() {
        return calls;
    }

    public Duration window() {
        return window;
    }

    /**
     * Whether {@code n} calls can ever be taken: not when they are more than a whole window's budget (such a check
     * would wait for ever).
     */
    public boolean fits(int n) {
        return n <= calls;
    }

    /** True when {@code n} calls were taken from the current window's budget; never when they do not {@link #fits}. */
    public Uni<Boolean> take(int n) {
        if (!fits(n)) {
            return Uni.createFrom().item(false);
        }
        long index = clock.millis() / window.toMillis();
        return TAKE.run(
                        redis,
                        List.of(
                                "1",
                                keyPrefix + ":consistency:budget:" + index,
                                String.valueOf(n),
                                String.valueOf(calls),
                                String.valueOf(window.toMillis() * 2)))
                .ifNoItem()
                .after(Duration.ofSeconds(1))
                .fail()
                .map(r -> r != null && r.toLong() == 1)
                .onFailure()
                .recoverWithItem(e -> {
                    LOG.debugf("consistency budget not taken, Redis did not answer: %s", e.getMessage());
                    return false;
                });
    }
}
