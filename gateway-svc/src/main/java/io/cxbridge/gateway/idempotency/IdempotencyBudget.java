package io.cxbridge.gateway.idempotency;

import io.cxbridge.common.logging.LogThrottle;
import io.cxbridge.gateway.config.GatewayConfig;
import io.cxbridge.model.redis.LuaScript;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jboss.logging.Logger;

/**
 * Each client's idempotency storage budget: {@code idempotency.max-records-per-client} records and
 * {@code idempotency.max-bytes-per-client} bytes of record JSON written within the retention. Without it a client
 * within its rate limit could fill the Redis every service shares (noeviction: then every service fails), and
 * evicting old records to make room would run a repeat of an evicted key twice. So a client that has used up its
 * budget gets no new key (429, {@link IdempotencyStore#claim}) until its oldest records have left the window.
 *
 * <p>Usage is counted per hour ({@link UsageWindow}) in {@code cxbridge:gateway:idem-usage:{<tag>}:<hour>}, the
 * hours since the epoch whatever the retention, a hash of {@code records} and {@code bytes} kept for the retention
 * plus an hour (never shortened by an instance with a shorter retention). The tag is the first 16 hex digits of the
 * client id's SHA-256, not the id: the keys file allows any id, and one starting with a brace would end the tag early
 * and spread a client's keys over Redis Cluster slots. Every key of a client shares the tag, so both scripts run on
 * one node.
 * The check reads the window's buckets in one script call (at most 169: {@link UsageWindow#MAX_RETENTION}), the count
 * is one script call per written record: no {@code KEYS}, no {@code SCAN}, a bounded number of keys per client.
 *
 * <p>The count is conservative: a record is counted when it is written, for the whole window, even when it goes
 * sooner (an outcome-unknown lives {@code outcome-unknown-retention}), was left alone in favour of a newer record, or
 * the background retry of its write gave up. The check is not atomic with the claims: calls that pass it at the same
 * time all run, so a client may overshoot by the keyed calls it has in flight at once (each at most
 * {@code max-stored-body}).
 */
@ApplicationScoped
public class IdempotencyBudget {

    private static final Logger LOG = Logger.getLogger(IdempotencyBudget.class);
    private static final LuaScript READ = LuaScript.load(IdempotencyBudget.class, "usage-read.lua");
    private static final LuaScript ADD = LuaScript.load(IdempotencyBudget.class, "usage-add.lua");
    static final String KEY_PREFIX = "cxbridge:gateway:idem-usage:";
    static final String FAILURES_METRIC = "cxbridge.gateway.idempotency.usage.write.failures";

    private final RedisAPI redis;
    private final GatewayConfig.Idempotency config;
    private final Clock clock;
    private final UsageWindow window;
    private final Counter failures;
    // while Redis is away every keyed answer's count fails: one line per 10 s, the counter keeps the record
    private final LogThrottle failureLines = new LogThrottle(Duration.ofSeconds(10));

    public IdempotencyBudget(RedisAPI redis, GatewayConfig config, Clock clock, MeterRegistry registry) {
        this.redis = redis;
        this.config = config.idempotency();
        this.clock = clock;
        this.window = UsageWindow.of(this.config.retention());
        this.failures = Counter.builder(FAILURES_METRIC)
                .description("written idempotency records whose size Redis did not count in the client's budget")
                .register(registry);
    }

    /** The client's usage in the window against its limits; fails with {@code StoreUnavailable} when Redis does not answer. */
    public Uni<UsageWindow.Verdict> check(String clientId) {
        long now = clock.millis();
        long first = window.firstBucket(now);
        int n = window.buckets(now);
        String prefix = keyPrefix(clientId); // one SHA-256 per check, not one per bucket
        List<String> args = new ArrayList<>(n + 1);
        args.add(String.valueOf(n));
        for (int i = 0; i < n; i++) {
            args.add(prefix + (first + i));
        }
        return IdempotencyStore.guard(READ.run(redis, args)).map(usage -> judge(now, usage, n));
    }

    private UsageWindow.Verdict judge(long now, Response usage, int n) {
        long[] records = new long[n];
        long[] bytes = new long[n];
        for (int i = 0; i < n; i++) {
            records[i] = usage.get(2 * i).toLong();
            bytes[i] = usage.get(2 * i + 1).toLong();
        }
        return window.judge(
                now,
                records,
                bytes,
                config.maxRecordsPerClient(),
                config.maxBytesPerClient().asLongValue());
    }

    /**
     * Counts one written record of {@code bytes} in the client's current bucket. One attempt, and it never fails: a
     * count Redis did not take is logged (at most once per 10 s) and counted in
     * {@code cxbridge_gateway_idempotency_usage_write_failures_total}. Under-counting is acceptable where losing a
     * record is not (that would run a repeat twice): the counts before and after the blip land, so the shortfall is
     * bounded by the records written during it, and it leaves the window with them.
     */
    public Uni<Void> add(String clientId, long bytes) {
        long now = clock.millis();
        return IdempotencyStore.guard(ADD.run(
                        redis,
                        List.of(
                                "1",
                                key(clientId, window.bucketAt(now)),
                                String.valueOf(bytes),
                                String.valueOf(window.keyLifetime().toMillis()))))
                .replaceWithVoid()
                .onFailure()
                .invoke(e -> {
                    failures.increment();
                    long held = failureLines.pass();
                    if (held >= 0) {
                        LOG.warnf(
                                "a written idempotency record of client '%s' was not counted in its budget (%s)%s",
                                clientId,
                                e.getCause() != null ? e.getCause() : e,
                                held == 0
                                        ? ""
                                        : " (and " + held + " more since the last such warning; all are counted in"
                                                + " cxbridge_gateway_idempotency_usage_write_failures_total)");
                    }
                })
                .onFailure()
                .recoverWithNull();
    }

    /** The refusal of a new key for a client that has used up its budget: 429, its detail and Retry-After. */
    public UsedUp usedUp(String clientId, UsageWindow.Verdict verdict) {
        List<String> limits = new ArrayList<>(2);
        if (verdict.recordsUsedUp()) {
            limits.add(verdict.records() + " records of its max-records-per-client " + config.maxRecordsPerClient());
        }
        if (verdict.bytesUsedUp()) {
            limits.add(verdict.bytes() + " bytes of its max-bytes-per-client "
                    + config.maxBytesPerClient().asLongValue());
        }
        return new UsedUp(
                "client '" + clientId + "' has used up its idempotency storage budget: "
                        + String.join(" and ", limits) + " stored within the last " + human(config.retention())
                        + "; a new Idempotency-Key is refused until older records leave that window (retry in "
                        + verdict.retryAfterSeconds() + " s). Repeats of stored keys, and requests without an"
                        + " Idempotency-Key, are not affected",
                verdict.retryAfterSeconds());
    }

    static String key(String clientId, long bucket) {
        return keyPrefix(clientId) + bucket;
    }

    /** Every usage key of the client starts so: {@code cxbridge:gateway:idem-usage:{<tag>}:}. */
    static String keyPrefix(String clientId) {
        return KEY_PREFIX + "{" + tag(clientId) + "}:";
    }

    /** A client's hash tag: hex only, whatever the id holds. */
    static String tag(String clientId) {
        return IdempotencyStore.fingerprint("", "", clientId.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .substring(0, 16);
    }

    static String human(Duration d) {
        return d.toString().substring(2).toLowerCase(Locale.ROOT); // PT24H -> 24h
    }

    /** A new key refused: the client's budget is used up. The message is the problem's detail. */
    public static final class UsedUp extends RuntimeException {
        private final long retryAfterSeconds;

        UsedUp(String detail, long retryAfterSeconds) {
            super(detail, null, false, false); // an answer, not a fault: no stack trace
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }
}
