package io.cxbridge.retry.state;

import io.cxbridge.common.redis.StoredJson;
import io.cxbridge.model.redis.LuaScript;
import io.cxbridge.model.retry.RunRecord;
import io.cxbridge.model.retry.RunState;
import io.cxbridge.retry.config.RetryConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.RedisAPI;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Run state in Redis: {@code {<prefix>}:run:<requestId>} (JSON) and the sorted set {@code {<prefix>}:due} (member
 * requestId, score the epoch ms of its next attempt). A run is in the due set exactly while it is pending. Every key
 * carries the hash tag {@code {<prefix>}}: the scripts touch a run's keys and the due set together, so on a Redis
 * Cluster they must share one slot.
 */
@ApplicationScoped
public class RunStore {

    private final RedisAPI redis;
    private final RetryConfig config;

    public RunStore(RedisAPI redis, RetryConfig config) {
        this.redis = redis;
        this.config = config;
    }

    /** The hash tag of every key ({@link RetryConfig#keyPrefix} in braces); the DLQ index uses the same. */
    private static String tag(RetryConfig config) {
        return "{" + config.keyPrefix() + "}";
    }

    String key(String requestId) {
        return tag(config) + ":run:" + requestId;
    }

    /** The due set: requestIds scored by their due time (epoch ms); a taken run sits a claim lease ahead. */
    public String dueKey() {
        return tag(config) + ":due";
    }

    /** Present while a replayed run's record is on its way back: lets it past the dedupe of finished runs once. */
    String replayPassKey(String requestId) {
        return tag(config) + ":replay-pass:" + requestId;
    }

    public Uni<Optional<RunRecord>> get(String requestId) {
        return redis.get(key(requestId)).map(r -> Optional.ofNullable(r).map(v -> parse(v.toString())));
    }

    String claimKey(String requestId) {
        return tag(config) + ":claim:" + requestId;
    }

    /** What {@link #admit} did. */
    public enum Admission {
        ADMITTED,
        KNOWN,
        FULL
    }

    private static final LuaScript ADMISSIBLE_SCRIPT = LuaScript.load(RunStore.class, "run-admissible.lua");

    /**
     * True when a consumed run is new: not pending, not finished within {@code done-ttl}, or replayed from the DLQ
     * (its replay pass present). Checked before the run is journaled, so a redelivered record never journals a
     * pending state over a finished one.
     */
    public Uni<Boolean> admissible(String requestId) {
        return ADMISSIBLE_SCRIPT
                .run(redis, List.of("2", key(requestId), replayPassKey(requestId)))
                .map(r -> r != null && r.toLong() == 1L);
    }

    private static final LuaScript ADMIT_SCRIPT = LuaScript.load(RunStore.class, "run-admit.lua");

    /**
     * Stores a new pending run and makes it due, atomically: {@code KNOWN} (nothing written) when the requestId is
     * already known (pending, or finished within {@code done-ttl}); {@code FULL} when {@code max-pending} runs are
     * in the schedule already. A run replayed from the DLQ is admitted once more (its replay pass is used up).
     */
    public Uni<Admission> admit(RunRecord record) {
        return ADMIT_SCRIPT
                .run(
                        redis,
                        List.of(
                                "3",
                                key(record.requestId()),
                                dueKey(),
                                replayPassKey(record.requestId()),
                                json(record),
                                String.valueOf(config.pendingTtl().toMillis()),
                                String.valueOf(record.nextAttemptAt().toEpochMilli()),
                                record.requestId(),
                                String.valueOf(config.maxPending())))
                .map(r -> r == null
                        ? Admission.KNOWN
                        : r.toLong() == 1L ? Admission.ADMITTED : r.toLong() == 2L ? Admission.FULL : Admission.KNOWN);
    }

    private static final LuaScript CLAIM_SCRIPT = LuaScript.load(RunStore.class, "run-claim.lua");

    private static final LuaScript DUE_SCRIPT = LuaScript.load(RunStore.class, "run-due.lua");

    /** One read of the due set: the runs due now and, when fewer than asked for, when the next one is due. */
    public record DuePoll(List<String> ids, Optional<Instant> next) {}

    /**
     * The requestIds due at {@code now} (at most {@code limit}, the earliest first) and, when fewer are due, when the
     * earliest run due after {@code now} is (claimed runs count at their lease's end; empty when none is). One round
     * trip: an idle instance polls once a second, and this was two commands.
     */
    public Uni<DuePoll> duePoll(Instant now, int limit) {
        return DUE_SCRIPT
                .run(redis, List.of("1", dueKey(), String.valueOf(now.toEpochMilli()), String.valueOf(limit)))
                .map(r -> {
                    List<String> ids = new ArrayList<>();
                    Optional<Instant> next = Optional.empty();
                    if (r != null && r.size() > 0) {
                        String later = r.get(0).toString();
                        if (!later.isEmpty()) {
                            next = Optional.of(Instant.ofEpochMilli((long) Math.ceil(Double.parseDouble(later))));
                        }
                        for (int i = 1; i < r.size(); i++) {
                            ids.add(r.get(i).toString());
                        }
                    }
                    return new DuePoll(ids, next);
                });
    }

    /**
     * Takes a due run for one attempt: moves its score a lease ahead, only if it is still due (another instance
     * did not take it first), and stores a fresh claim token; empty when not taken. If this instance dies during the
     * attempt, the run is due again after the lease. Every later write for the run checks the token
     * ({@link #save(RunRecord, String)}), so an instance whose lease ran out and was taken over cannot overwrite it.
     */
    public Uni<Optional<String>> claim(String requestId, Instant now) {
        String token = UUID.randomUUID().toString();
        return CLAIM_SCRIPT
                .run(
                        redis,
                        List.of(
                                "2",
                                dueKey(),
                                claimKey(requestId),
                                requestId,
                                String.valueOf(now.toEpochMilli()),
                                String.valueOf(now.plus(config.claimLease()).toEpochMilli()),
                                token,
                                String.valueOf(config.claimLease().toMillis())))
                .map(r -> r != null && r.toLong() == 1L ? Optional.of(token) : Optional.<String>empty());
    }

    private static final LuaScript FENCE_SCRIPT = LuaScript.load(RunStore.class, "run-fence.lua");

    /**
     * True while {@code token} still holds the run's claim (or no other instance claimed it since: an expired
     * lease or a Redis that lost the claim is not a takeover).
     */
    public Uni<Boolean> holds(String requestId, String token) {
        return FENCE_SCRIPT
                .run(redis, List.of("1", claimKey(requestId), token))
                .map(r -> r != null && r.toLong() == 1L);
    }

    private static final LuaScript SAVE_SCRIPT = LuaScript.load(RunStore.class, "run-save.lua");

    /** Stores the record and its place in the due set (removed when finished) in one atomic step, unfenced. */
    public Uni<RunRecord> save(RunRecord record) {
        return save(record, "").replaceWith(record);
    }

    /**
     * Stores the record as {@link #save(RunRecord)} does, only while {@code token} holds the claim and the run is not
     * finished (a stale instance never re-queues or overwrites a run another instance finished); false when refused.
     * An empty token writes unconditionally (a Genesys 2xx is recorded whoever holds the claim).
     */
    public Uni<Boolean> save(RunRecord record, String token) {
        boolean done = record.state().terminal();
        long ttlMs = (done ? config.doneTtl() : config.pendingTtl()).toMillis();
        return write(record, ttlMs, token);
    }

    private Uni<Boolean> write(RunRecord record, long ttlMs, String token) {
        boolean done = record.state().terminal();
        if (!done && !scorable(record)) {
            // a failure of this write, not an exception thrown at the caller (its chain would skip its own handling)
            return Uni.createFrom().failure(unscorable(record));
        }
        String score = done ? "" : String.valueOf(record.nextAttemptAt().toEpochMilli());
        return SAVE_SCRIPT
                .run(
                        redis,
                        List.of(
                                "3",
                                key(record.requestId()),
                                dueKey(),
                                claimKey(record.requestId()),
                                json(record),
                                String.valueOf(ttlMs),
                                score,
                                record.requestId(),
                                token == null ? "" : token))
                .map(r -> r != null && r.toLong() == 1L);
    }

    private static final LuaScript RESTORE_SCRIPT = LuaScript.load(RunStore.class, "run-restore.lua");

    /**
     * Puts a journaled state back after a Redis data loss, unless the run is in Redis already (written since the
     * loss, so at least as new): a pending run with its place in the due set, a finished run as a dedupe mark for
     * what is left of its {@code done-ttl} (nothing when expired), a replayed run with its replay pass. False when
     * nothing was written.
     */
    public Uni<Boolean> restore(RunRecord record, Instant now) {
        long ttlMs;
        String score = "";
        if (record.state() == RunState.pending) {
            if (!scorable(record)) {
                return Uni.createFrom().failure(unscorable(record));
            }
            ttlMs = config.pendingTtl().toMillis();
            score = String.valueOf(record.nextAttemptAt().toEpochMilli());
        } else if (record.state() == RunState.replayed) {
            ttlMs = config.pendingTtl().toMillis();
        } else {
            ttlMs = config.doneTtl().toMillis()
                    - Duration.between(record.updatedAt(), now).toMillis();
        }
        if (ttlMs <= 0) {
            return Uni.createFrom().item(false);
        }
        return RESTORE_SCRIPT
                .run(
                        redis,
                        List.of(
                                "3",
                                key(record.requestId()),
                                dueKey(),
                                replayPassKey(record.requestId()),
                                json(record),
                                String.valueOf(ttlMs),
                                score,
                                record.requestId(),
                                record.state() == RunState.replayed ? "1" : "0"))
                .map(r -> r != null && r.toLong() == 1L);
    }

    /**
     * True when a pending run's next attempt time can be a due-set score (epoch milliseconds fit a long). A journal
     * written by an older version may hold one that does not (an unbounded Retry-After).
     */
    public static boolean scorable(RunRecord record) {
        Instant at = record.nextAttemptAt();
        if (at == null) {
            return false;
        }
        try {
            at.toEpochMilli();
            return true;
        } catch (ArithmeticException e) {
            return false;
        }
    }

    private static IllegalArgumentException unscorable(RunRecord record) {
        // names the run, never its time or payload
        return new IllegalArgumentException(
                "run " + record.requestId() + ": its next attempt time cannot be a due-set score");
    }

    /** Runs of the due set whose due time is at or before {@code dueBy} (taken runs sit a lease ahead). */
    public Uni<Long> dueCount(Instant dueBy) {
        return redis.zcount(dueKey(), "-inf", String.valueOf(dueBy.toEpochMilli()))
                .map(r -> r == null ? 0L : r.toLong());
    }

    /** Runs in the due set (pending, claimed included). */
    public Uni<Long> pendingCount() {
        return redis.zcard(dueKey()).map(r -> r == null ? 0L : r.toLong());
    }

    private static final LuaScript REPLAY_SCRIPT = LuaScript.load(RunStore.class, "run-replay.lua");

    /**
     * Marks a dead-lettered run replayed and gives it a pass through the dedupe of finished runs, in one step,
     * before its record is republished (so the consumer cannot see the record before the pass).
     */
    public Uni<Void> markReplayed(RunRecord replayed) {
        return REPLAY_SCRIPT
                .run(
                        redis,
                        List.of(
                                "3",
                                key(replayed.requestId()),
                                replayPassKey(replayed.requestId()),
                                dueKey(),
                                json(replayed),
                                String.valueOf(config.pendingTtl().toMillis()),
                                replayed.requestId()))
                .replaceWithVoid();
    }

    /** Undoes {@link #markReplayed} when the republish failed: the previous state back (if any), no pass. */
    public Uni<Void> unmarkReplayed(String requestId, RunRecord previous) {
        return redis.del(List.of(replayPassKey(requestId)))
                .chain(() -> previous != null
                        ? redis.set(List.of(
                                        key(requestId),
                                        json(previous),
                                        "PX",
                                        String.valueOf(config.doneTtl().toMillis())))
                                .replaceWithVoid()
                        : redis.del(List.of(key(requestId))).replaceWithVoid());
    }

    /** Drops a due entry whose state is gone (expired): nothing to attempt. */
    public Uni<Void> forget(String requestId) {
        return redis.zrem(List.of(dueKey(), requestId)).replaceWithVoid();
    }

    static String json(RunRecord record) {
        return StoredJson.write(record, "run state");
    }

    static RunRecord parse(String json) {
        return StoredJson.read(json, RunRecord.class, "run state");
    }
}
