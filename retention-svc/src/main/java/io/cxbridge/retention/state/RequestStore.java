package io.cxbridge.retention.state;

import io.cxbridge.common.redis.StoredJson;
import io.cxbridge.model.redis.LuaScript;
import io.cxbridge.retention.config.RetentionConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Request state in Redis: {@code {<prefix>}:request:<requestId>} (JSON, TTL {@code state-ttl}) and the report
 * counters in the hash {@code {<prefix>}:report} (one hash tag, so the scripts run on Redis Cluster). Every state is
 * journaled ({@link RequestJournal}) before it is written here: Redis is an index the journal can rebuild.
 */
@ApplicationScoped
public class RequestStore {

    private final RedisAPI redis;
    private final RetentionConfig config;
    private final RequestJournal journal;
    private final RequestOutcomes outcomes;

    public RequestStore(RedisAPI redis, RetentionConfig config, RequestJournal journal, RequestOutcomes outcomes) {
        this.outcomes = outcomes;
        this.redis = redis;
        this.config = config;
        this.journal = journal;
    }

    private String key(String requestId) {
        return "{" + config.keyPrefix() + "}:request:" + requestId;
    }

    private String reportKey() {
        return "{" + config.keyPrefix() + "}:report";
    }

    public Uni<Optional<RequestRecord>> get(String requestId) {
        return redis.get(key(requestId)).map(r -> Optional.ofNullable(r).map(v -> parse(v.toString())));
    }

    /**
     * Journals, then stores the record; the journal write is what makes a step durable. A request already finished
     * is left as it is, journal included (two replicas can work one request after a rebalance: the one that did
     * not finish it must not put {@code polling} over its {@code deployed}); the script guards Redis against the
     * race between that check and the write.
     */
    public Uni<RequestRecord> put(RequestRecord record) {
        return step(record).replaceWith(record);
    }

    /** As {@link #put}; false when the request was already finished and nothing was written. */
    public Uni<Boolean> step(RequestRecord record) {
        List<String> args = List.of(
                "2",
                key(record.requestId()),
                reportKey(),
                json(record),
                String.valueOf(config.stateTtl().toMillis()));
        return finished(record.requestId())
                .chain(done -> done
                        ? Uni.createFrom().item(false)
                        : journal.write(record)
                                // the finish script with nothing to count: it never writes over a finished state
                                .chain(() -> FINISH_SCRIPT.run(redis, args))
                                .map(r -> r != null && r.toLong() == 1));
    }

    /** Whether Redis holds the request as finished (a state that does not read is not: the worker refuses it). */
    private Uni<Boolean> finished(String requestId) {
        return redis.get(key(requestId)).map(r -> {
            if (r == null) {
                return false;
            }
            try {
                return parse(r.toString()).terminal();
            } catch (RuntimeException e) {
                return false;
            }
        });
    }

    /**
     * Stores the record only when none exists yet, then journals it; true when this call created it. (Journaling
     * first could put a {@code queued} over a later state in the compacted journal.)
     */
    public Uni<Boolean> create(RequestRecord record) {
        return redis.set(List.of(
                        key(record.requestId()),
                        json(record),
                        "NX",
                        "PX",
                        String.valueOf(config.stateTtl().toMillis())))
                .map(r -> r != null && "OK".equals(r.toString()))
                .call(created ->
                        created ? journal.write(record) : Uni.createFrom().voidItem());
    }

    private static final LuaScript RESTORE_SCRIPT = LuaScript.load(RequestStore.class, "request-restore.lua");

    /**
     * The rebuild's write: puts back a journaled record unless Redis has one (written since the loss, so newer),
     * with the expiry left from when it was journaled, and counts a terminal one in the report (in the same script:
     * counted exactly when restored, the request as submitted too). False when it had expired or was there.
     */
    public Uni<Boolean> restore(RequestRecord record, java.time.Instant journaledAt, long nowMillis) {
        long left = journaledAt.toEpochMilli() + config.stateTtl().toMillis() - nowMillis;
        if (left <= 0) {
            return Uni.createFrom().item(false);
        }
        List<String> args = new java.util.ArrayList<>(
                List.of("2", key(record.requestId()), reportKey(), json(record), String.valueOf(left)));
        // Every journaled request was submitted once; a finished one also adds its outcome.
        Map<String, Long> counts = new java.util.LinkedHashMap<>(Map.of("submitted", 1L));
        if (record.terminal()) {
            counts.putAll(outcomeCounts(record));
        }
        counts.forEach((k, v) -> {
            args.add(k);
            args.add(String.valueOf(v));
        });
        return RESTORE_SCRIPT.run(redis, args).map(r -> r != null && r.toLong() == 1);
    }

    /** What a finished request adds to the report counters. */
    public static Map<String, Long> outcomeCounts(RequestRecord done) {
        Map<String, Long> counts = new java.util.LinkedHashMap<>();
        counts.put(done.state().name(), 1L);
        counts.put("latencySumMs", done.latencyMs() == null ? Long.valueOf(0) : done.latencyMs());
        if (done.overlap()) {
            counts.put("conflicts", 1L);
        }
        return counts;
    }

    private static final LuaScript FINISH_SCRIPT = LuaScript.load(RequestStore.class, "request-finish.lua");
    private static final LuaScript CLAIM_SCRIPT = LuaScript.load(RequestStore.class, "request-claim.lua");
    private static final LuaScript RELEASE_SCRIPT = LuaScript.load(RequestStore.class, "request-release.lua");

    /**
     * How long a replica's claim on recording an end holds: well past the audit and journal acknowledgements (10 s
     * each); a claimer that died is replaced after it.
     */
    static final Duration END_CLAIM_TTL = Duration.ofSeconds(30);

    private String claimKey(String requestId) {
        return "{" + config.keyPrefix() + "}:end-claim:" + requestId;
    }

    /**
     * The most the end's audit event may take to be acknowledged: well below {@link #END_CLAIM_TTL} (with the journal's
     * 10 s), so the claim cannot lapse, and a second replica claim and audit the end, while it is sent.
     */
    static final Duration ANNOUNCE_TIMEOUT = Duration.ofSeconds(10);

    /** How long a replica waits for another one's claim on an end: past its lapse. */
    static final Duration END_CLAIM_WAIT = END_CLAIM_TTL.plusSeconds(5);

    /** Another replica is recording this request's end: waited for, then it is finished or the claim has lapsed. */
    static final class EndClaimedElsewhere extends IllegalStateException {
        EndClaimedElsewhere(String requestId) {
            super("another replica is recording the end of retention request " + requestId);
        }
    }

    /**
     * This replica's claim on an end lapsed before the end was written and another replica holds it now: the end is
     * not recorded (a failure to retry, never "already finished").
     */
    static final class EndClaimLost extends IllegalStateException {
        EndClaimLost(String requestId) {
            super("the claim on recording the end of retention request " + requestId + " lapsed");
        }
    }

    /**
     * Records a terminal record: claims its end ({@code request-claim.lua}: only one replica gets it, and none once
     * the request is finished), then {@code announce} (the end's audit event, acknowledged by the broker within
     * {@link #ANNOUNCE_TIMEOUT}), the journal, and last the state with its report counters in one script ({@code
     * request-finish.lua}), so the report never disagrees with the states. A replica that finds the end claimed
     * waits for it (at most {@link #END_CLAIM_WAIT}), then reads the state again: finished, or it claims again.
     * False, with nothing sent, written or counted, when the request was already finished (by another replica after
     * a rebalance): its first end stands and is audited once. A failure after the claim (a lost claim included)
     * gives it back, so a retry of this call (or the other replica) can record the end at once.
     */
    public Uni<Boolean> finish(RequestRecord record, Map<String, Long> increments, Supplier<Uni<Void>> announce) {
        return finish(record, increments, announce, END_CLAIM_WAIT);
    }

    Uni<Boolean> finish(
            RequestRecord record, Map<String, Long> increments, Supplier<Uni<Void>> announce, Duration claimWait) {
        String requestId = record.requestId();
        String token = UUID.randomUUID().toString();
        List<String> args = new java.util.ArrayList<>(List.of(
                "3",
                key(requestId),
                reportKey(),
                claimKey(requestId),
                json(record),
                String.valueOf(config.stateTtl().toMillis()),
                token));
        increments.forEach((k, v) -> {
            args.add(k);
            args.add(String.valueOf(v));
        });
        return claimEnd(requestId, token)
                .onFailure(EndClaimedElsewhere.class)
                .retry()
                .withBackOff(Duration.ofMillis(50), Duration.ofSeconds(1))
                .expireIn(claimWait.toMillis())
                // the wait is over: finished by the other replica, or its claim lapsed and this one claims again
                // (still held: EndClaimedElsewhere, for the caller to retry this call alone)
                .onFailure(RequestStore::waitedForClaim)
                .recoverWithUni(() -> finished(requestId)
                        .chain(done -> done ? Uni.createFrom().item(false) : claimEnd(requestId, token)))
                .chain(claimed -> !claimed
                        ? Uni.createFrom().item(false)
                        : Uni.createFrom()
                                .<Void>deferred(announce::get)
                                .ifNoItem()
                                .after(ANNOUNCE_TIMEOUT)
                                .fail()
                                .chain(() -> journal.write(record))
                                .chain(() -> FINISH_SCRIPT.run(redis, args))
                                .chain(r -> {
                                    long v = r == null ? 0 : r.toLong();
                                    return v < 0
                                            ? Uni.createFrom().<Boolean>failure(new EndClaimLost(requestId))
                                            : Uni.createFrom().item(v == 1);
                                })
                                .invoke(applied -> {
                                    if (applied) {
                                        outcomes.finished(record.state());
                                    }
                                })
                                .onFailure()
                                .call(() -> RELEASE_SCRIPT
                                        .run(redis, List.of("1", claimKey(requestId), token))
                                        .onFailure()
                                        .recoverWithNull()));
    }

    /** The wait for another replica's claim ran out (Mutiny's retry gives the last failure as the cause). */
    private static boolean waitedForClaim(Throwable e) {
        return e instanceof EndClaimedElsewhere || e.getCause() instanceof EndClaimedElsewhere;
    }

    /** True when this call holds the end's claim; false when the request is finished. */
    private Uni<Boolean> claimEnd(String requestId, String token) {
        return CLAIM_SCRIPT
                .run(
                        redis,
                        List.of(
                                "2",
                                key(requestId),
                                claimKey(requestId),
                                token,
                                String.valueOf(END_CLAIM_TTL.toMillis())))
                .chain(r -> {
                    long v = r == null ? 0 : r.toLong();
                    if (v < 0) {
                        return Uni.createFrom().failure(new EndClaimedElsewhere(requestId));
                    }
                    return Uni.createFrom().item(v == 1);
                });
    }

    public Uni<Void> count(Map<String, Long> increments) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Map.Entry<String, Long> e : increments.entrySet()) {
            chain = chain.chain(() -> redis.hincrby(reportKey(), e.getKey(), String.valueOf(e.getValue())))
                    .replaceWithVoid();
        }
        return chain;
    }

    /** The named counters (0 when never counted). */
    public Uni<Map<String, Long>> counters(List<String> names) {
        List<String> args = new java.util.ArrayList<>();
        args.add(reportKey());
        args.addAll(names);
        return redis.hmget(args).map(r -> {
            Map<String, Long> out = new HashMap<>();
            for (int i = 0; i < names.size(); i++) {
                Response v = r == null ? null : r.get(i);
                out.put(names.get(i), v == null ? 0L : v.toLong());
            }
            return out;
        });
    }

    static String json(RequestRecord record) {
        return StoredJson.write(record, "request state");
    }

    static RequestRecord parse(String json) {
        return StoredJson.read(json, RequestRecord.class, "request state");
    }
}
