package io.cxbridge.retry.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cxbridge.model.Json;
import io.cxbridge.model.retry.RunRecord;
import io.cxbridge.retry.config.RetryConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.RedisAPI;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Run state in Redis: {@code <prefix>:run:<requestId>} (JSON) and the sorted set {@code <prefix>:due} (member
 * requestId, score the epoch ms of its next attempt). A run is in the due set exactly while it is pending.
 */
@ApplicationScoped
public class RunStore {

    private final RedisAPI redis;
    private final RetryConfig config;

    public RunStore(RedisAPI redis, RetryConfig config) {
        this.redis = redis;
        this.config = config;
    }

    String key(String requestId) {
        return config.keyPrefix() + ":run:" + requestId;
    }

    String dueKey() {
        return config.keyPrefix() + ":due";
    }

    /** Present while a replayed run's record is on its way back: lets it past the dedupe of finished runs once. */
    String replayPassKey(String requestId) {
        return config.keyPrefix() + ":replay-pass:" + requestId;
    }

    public Uni<Optional<RunRecord>> get(String requestId) {
        return redis.get(key(requestId)).map(r -> Optional.ofNullable(r).map(v -> parse(v.toString())));
    }

    private static final String ADMIT_SCRIPT = """
            if redis.call('EXISTS', KEYS[3]) == 1 then
              redis.call('DEL', KEYS[3])
            elseif redis.call('EXISTS', KEYS[1]) == 1 then
              return 0
            end
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
            return 1""";

    /**
     * Stores a new pending run and makes it due, atomically; false (nothing written) when the requestId is already
     * known: pending, or finished within {@code done-ttl}. A run replayed from the DLQ is admitted once more (its
     * replay pass is used up).
     */
    public Uni<Boolean> admit(RunRecord record) {
        return redis.eval(List.of(ADMIT_SCRIPT, "3", key(record.requestId()), dueKey(),
                        replayPassKey(record.requestId()), json(record),
                        String.valueOf(config.pendingTtl().toMillis()),
                        String.valueOf(record.nextAttemptAt().toEpochMilli()), record.requestId()))
                .map(r -> r != null && r.toLong() == 1L);
    }

    private static final String CLAIM_SCRIPT = """
            local s = redis.call('ZSCORE', KEYS[1], ARGV[1])
            if s and tonumber(s) <= tonumber(ARGV[2]) then
              redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
              return 1
            end
            return 0""";

    /** The requestIds due at {@code now} (at most {@code batch-size}). */
    public Uni<List<String>> due(Instant now, int limit) {
        return redis.zrangebyscore(List.of(dueKey(), "-inf", String.valueOf(now.toEpochMilli()), "LIMIT", "0",
                        String.valueOf(limit)))
                .map(r -> {
                    List<String> ids = new ArrayList<>();
                    if (r != null) {
                        r.forEach(v -> ids.add(v.toString()));
                    }
                    return ids;
                });
    }

    /**
     * Takes a due run for one attempt: moves its score a lease ahead, only if it is still due (another instance
     * did not take it first). If this instance dies during the attempt, the run is due again after the lease.
     */
    public Uni<Boolean> claim(String requestId, Instant now) {
        return redis.eval(List.of(CLAIM_SCRIPT, "1", dueKey(), requestId, String.valueOf(now.toEpochMilli()),
                        String.valueOf(now.plus(config.claimLease()).toEpochMilli())))
                .map(r -> r != null && r.toLong() == 1L);
    }

    private static final String SAVE_SCRIPT = """
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            if ARGV[3] == '' then
              redis.call('ZREM', KEYS[2], ARGV[4])
            else
              redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
            end
            return 1""";

    /** Stores the record and its place in the due set (removed when finished) in one atomic step. */
    public Uni<RunRecord> save(RunRecord record) {
        boolean done = record.state().terminal();
        String ttl = String.valueOf((done ? config.doneTtl() : config.pendingTtl()).toMillis());
        String score = done ? "" : String.valueOf(record.nextAttemptAt().toEpochMilli());
        return redis.eval(List.of(SAVE_SCRIPT, "2", key(record.requestId()), dueKey(), json(record), ttl, score,
                        record.requestId()))
                .replaceWith(record);
    }

    /** Runs in the due set (pending, claimed included). */
    public Uni<Long> pendingCount() {
        return redis.zcard(dueKey()).map(r -> r == null ? 0L : r.toLong());
    }

    private static final String REPLAY_SCRIPT = """
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            redis.call('SET', KEYS[2], '1', 'PX', ARGV[2])
            redis.call('ZREM', KEYS[3], ARGV[3])
            return 1""";

    /**
     * Marks a dead-lettered run replayed and gives it a pass through the dedupe of finished runs, in one step,
     * before its record is republished (so the consumer cannot see the record before the pass).
     */
    public Uni<Void> markReplayed(RunRecord replayed) {
        return redis.eval(List.of(REPLAY_SCRIPT, "3", key(replayed.requestId()), replayPassKey(replayed.requestId()),
                dueKey(), json(replayed), String.valueOf(config.pendingTtl().toMillis()), replayed.requestId()))
                .replaceWithVoid();
    }

    /** Undoes {@link #markReplayed} when the republish failed: the previous state back (if any), no pass. */
    public Uni<Void> unmarkReplayed(String requestId, RunRecord previous) {
        return redis.del(List.of(replayPassKey(requestId)))
                .chain(() -> previous != null
                        ? redis.set(List.of(key(requestId), json(previous), "PX",
                                String.valueOf(config.doneTtl().toMillis()))).replaceWithVoid()
                        : redis.del(List.of(key(requestId))).replaceWithVoid());
    }

    /** Drops a due entry whose state is gone (expired): nothing to attempt. */
    public Uni<Void> forget(String requestId) {
        return redis.zrem(List.of(dueKey(), requestId)).replaceWithVoid();
    }

    static String json(RunRecord record) {
        try {
            return Json.mapper().writeValueAsString(record);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("run state cannot be written", e);
        }
    }

    static RunRecord parse(String json) {
        try {
            return Json.mapper().readValue(json, RunRecord.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("run state cannot be read", e);
        }
    }
}
