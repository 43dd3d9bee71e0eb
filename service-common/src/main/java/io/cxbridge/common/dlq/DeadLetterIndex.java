package io.cxbridge.common.dlq;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cxbridge.model.Json;
import io.cxbridge.model.redis.LuaScript;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The dead-letter index both retry-svc and fulfillment-svc keep in Redis, written once the broker acknowledged the
 * DLQ record and rebuilt from the DLQ topic after a Redis loss. One hash tag {@code {<prefix>:dlq}} for every key, so
 * the scripts run on Redis Cluster: the sorted set {@code {<prefix>:dlq}} (every dead letter, score: dead-letter time
 * in ms, so newest first is a reverse range), {@code ...:group:<group>} (one actionId's), and per dead letter
 * {@code ...:e:<id>} (the entry, JSON), {@code ...:s:<id>} (its summary, JSON), {@code ...:p:<id>} (the original
 * record value, where kept), {@code ...:r:<id>} (the replay mark, set only if absent) and {@code ...:n:<id>} (replays
 * so far). Everything expires {@code ttl} after the dead letter; the sets are trimmed by score. No KEYS, no SCAN.
 *
 * <p>Payloads are bounded by a byte budget when one is given ({@code payloadBudgetBytes} &gt;= 0): the bytes kept are
 * counted in buckets {@code ...:pb:<n>} ({@link #BUCKETS} per TTL, each expiring once every payload counted in it has
 * expired), and a payload that would take the sum of the live buckets past the budget is not kept: the dead letter is
 * indexed without it and marked {@code ...:o:<id>} ({@link StoredDeadLetter#payloadOmitted()}); its value is then
 * only on the DLQ topic. A payload replaced or expired early stays counted until its bucket expires (the count errs
 * high, never low). Redis runs {@code noeviction} and is shared by every service: without the bound, a client whose
 * large jobs all dead-letter filled it, and every Redis write of the platform failed.
 *
 * <p>An entry may carry payloads (retry-svc's holds the run and the original value, each up to about 480 KiB), so
 * listings and the bulk selection read summaries only ({@code S}: what they show and filter by), a batch of ids at a
 * time, and keep only what they answer with: what they hold grows with the page, not with the DLQ. {@link #get} (one
 * dead letter, its replay) reads the whole entry.
 *
 * @param <T> the entry
 * @param <S> its summary (the entry itself where it carries no payload)
 */
public class DeadLetterIndex<T extends DeadLetter, S extends DeadLetter> {

    /** Ids read at a time when a listing has to look at every dead letter of a set (the reason filter, bulk selection). */
    static final int BATCH = 200;

    /** Payload buckets per TTL: the budget check reads at most this many plus two counters. */
    static final int BUCKETS = 64;

    private static final LuaScript WRITE = LuaScript.load(DeadLetterIndex.class, "dlq-write.lua");

    /** The rebuild's write: keeps an entry written since the loss (newer than the topic's record). */
    private static final LuaScript RESTORE = LuaScript.load(DeadLetterIndex.class, "dlq-restore.lua");

    /** -1: no such entry; 0: already marked; 1: marked now (and counted). */
    private static final LuaScript MARK = LuaScript.load(DeadLetterIndex.class, "dlq-mark.lua");

    private static final LuaScript UNMARK = LuaScript.load(DeadLetterIndex.class, "dlq-unmark.lua");

    private final RedisAPI redis;
    private final String tag;
    private final Duration ttl;
    private final Clock clock;
    private final Class<T> type;
    private final Class<S> summaryType;
    private final Function<? super T, ? extends S> summary;
    private final long payloadBudgetBytes;

    /** An index without a payload budget (one whose service keeps no payloads, as retry-svc). */
    public DeadLetterIndex(
            RedisAPI redis,
            String keyPrefix,
            Duration ttl,
            Clock clock,
            Class<T> type,
            Class<S> summaryType,
            Function<? super T, ? extends S> summary) {
        this(redis, keyPrefix, ttl, clock, type, summaryType, summary, -1);
    }

    /**
     * @param type        the entry's class
     * @param summaryType the summary's class
     * @param summary     an entry's summary: everything a listing shows or filters by, none of the payloads
     * @param payloadBudgetBytes the most payload bytes kept at once (UTF-8), negative for no bound
     */
    public DeadLetterIndex(
            RedisAPI redis,
            String keyPrefix,
            Duration ttl,
            Clock clock,
            Class<T> type,
            Class<S> summaryType,
            Function<? super T, ? extends S> summary,
            long payloadBudgetBytes) {
        this.redis = redis;
        this.tag = "{" + keyPrefix + ":dlq}";
        this.ttl = ttl;
        this.clock = clock;
        this.type = type;
        this.summaryType = summaryType;
        this.summary = summary;
        this.payloadBudgetBytes = payloadBudgetBytes;
    }

    /** The prefix every key of this index (and of its replay jobs) starts with: one hash tag, one slot. */
    public String tag() {
        return tag;
    }

    private String key(String kind, String id) {
        return tag + ":" + kind + ":" + id;
    }

    private String setKey(String group) {
        return group == null ? tag : key("group", group);
    }

    /** Indexes a dead letter; one dead-lettered again after a replay replaces its entry and loses the mark. */
    public Uni<Void> index(T entry, String payload) {
        return indexKept(entry, payload).replaceWithVoid();
    }

    /**
     * {@link #index}, answering whether the payload was kept: false when the payload budget was spent (the dead
     * letter is indexed without it, marked {@link StoredDeadLetter#payloadOmitted()}); true without a payload.
     */
    public Uni<Boolean> indexKept(T entry, String payload) {
        long ttlMs = ttl.toMillis();
        long now = clock.millis();
        List<String> args = keysAndEntry(entry, payload, now, now);
        args.addAll(List.of(
                String.valueOf(ttlMs),
                String.valueOf(now - ttlMs),
                payload == null ? "0" : "1",
                String.valueOf(payloadBudgetBytes),
                String.valueOf(bucketTtl(now, now))));
        return WRITE.run(redis, args).map(r -> r == null || r.toLong() == 1);
    }

    /**
     * Puts back a dead letter read from the DLQ topic (the rebuild) unless one is there; false when it was there or
     * has expired. Its keys expire when they would have.
     */
    public Uni<Boolean> restore(T entry, String payload, Instant replayedAt, int replays) {
        long left = entry.deadLetteredAt().toEpochMilli() + ttl.toMillis() - clock.millis();
        if (left <= 0) {
            return Uni.createFrom().item(false);
        }
        long now = clock.millis();
        long at = entry.deadLetteredAt().toEpochMilli(); // its payload expires counted from then
        List<String> args = keysAndEntry(entry, payload, at, now);
        args.addAll(List.of(
                String.valueOf(left),
                String.valueOf(ttl.toMillis()),
                payload == null ? "0" : "1",
                replayedAt == null ? "" : replayedAt.toString(),
                String.valueOf(Math.max(0, replays)),
                String.valueOf(payloadBudgetBytes),
                String.valueOf(bucketTtl(at, now))));
        return RESTORE.run(redis, args).map(r -> r != null && r.toLong() == 1);
    }

    /**
     * What the write and the restore script both start with: the seven keys of one dead letter, its omitted-payload
     * mark, the payload bucket of {@code countedFrom} and (with a payload and a budget) every bucket that may still
     * count a live payload at {@code now}; then ARGV[1..5] (the entry, its summary, the payload, its score, its id);
     * each adds its own arguments after these.
     */
    private List<String> keysAndEntry(T entry, String payload, long countedFrom, long now) {
        String id = entry.id();
        long width = bucketWidth();
        List<String> keys = new ArrayList<>(List.of(
                tag,
                setKey(entry.group()),
                key("e", id),
                key("s", id),
                key("p", id),
                key("r", id),
                key("n", id),
                key("o", id),
                key("pb", String.valueOf(Math.floorDiv(countedFrom, width)))));
        if (payload != null && payloadBudgetBytes >= 0) {
            for (long b = Math.floorDiv(now - ttl.toMillis(), width); b <= Math.floorDiv(now, width); b++) {
                keys.add(key("pb", String.valueOf(b)));
            }
        }
        List<String> args = new ArrayList<>(keys.size() + 6);
        args.add(String.valueOf(keys.size()));
        args.addAll(keys);
        args.addAll(List.of(
                json(entry),
                json(summary.apply(entry)),
                payload == null ? "" : payload,
                String.valueOf(entry.deadLetteredAt().toEpochMilli()),
                id));
        return args;
    }

    /** A payload bucket's span: the TTL in {@link #BUCKETS} parts. */
    private long bucketWidth() {
        return Math.max(1, (ttl.toMillis() + BUCKETS - 1) / BUCKETS);
    }

    /** How long the bucket of {@code countedFrom} must live at {@code now}: until its last payload has expired. */
    private long bucketTtl(long countedFrom, long now) {
        long width = bucketWidth();
        long end = (Math.floorDiv(countedFrom, width) + 1) * width;
        return Math.max(1, end + ttl.toMillis() - now);
    }

    /** One dead letter, whole, with its payload. */
    public Uni<Optional<StoredDeadLetter<T>>> get(String id) {
        return redis.mget(List.of(key("e", id), key("p", id), key("r", id), key("n", id), key("o", id)))
                .map(r -> r == null || r.get(0) == null
                        ? Optional.empty()
                        : Optional.of(new StoredDeadLetter<>(
                                parse(r.get(0), type),
                                r.get(1) == null ? null : r.get(1).toString(),
                                mark(r.get(2)),
                                replays(r.get(3)),
                                r.get(4) != null)));
    }

    /** Sets the replay mark if there is none: false when already replayed or gone. */
    public Uni<Boolean> markReplayed(String id, Instant at) {
        return MARK.run(
                        redis,
                        List.of(
                                "3",
                                key("e", id),
                                key("r", id),
                                key("n", id),
                                at.toString(),
                                String.valueOf(ttl.toMillis())))
                .map(r -> r != null && r.toLong() == 1);
    }

    /** Drops the replay mark again (the republish failed). */
    public Uni<Void> unmarkReplayed(String id) {
        return UNMARK.run(redis, List.of("2", key("r", id), key("n", id))).replaceWithVoid();
    }

    /** A page of a listing, newest first, and how many match in all. */
    public record Page<S extends DeadLetter>(List<StoredDeadLetter<S>> entries, long total) {}

    public Uni<Page<S>> list(DeadLetterFilter filter, int pageNumber, int pageSize) {
        long start = (long) (pageNumber - 1) * pageSize;
        if (filter.id() != null) {
            return load(List.of(filter.id())).map(found -> {
                List<StoredDeadLetter<S>> one =
                        found.stream().filter(filter::matches).toList();
                return new Page<>(start == 0 ? one : List.of(), one.size());
            });
        }
        if (filter.reason() != null) { // the reason is in the summaries: count every match, keep the page's
            PageWindow<StoredDeadLetter<S>> page = new PageWindow<>(start, pageSize);
            return scan(filter, page::offer).map(done -> new Page<>(page.entries(), page.total()));
        }
        String key = setKey(filter.group());
        String min = min(filter);
        return trim(key).chain(() -> redis.zcount(key, min, "+inf")).chain(count -> {
            long total = count == null ? 0 : count.toLong();
            if (start >= total) {
                return Uni.createFrom().item(new Page<>(List.<StoredDeadLetter<S>>of(), total));
            }
            return redis.zrevrangebyscore(
                            List.of(key, "+inf", min, "LIMIT", String.valueOf(start), String.valueOf(pageSize)))
                    .chain(ids -> load(strings(ids)))
                    .map(entries -> new Page<>(entries, total));
        });
    }

    /** The ids of the dead letters a bulk replay takes: matching the filter, not replayed yet, newest first. */
    public Uni<List<String>> replayable(DeadLetterFilter filter) {
        if (filter.id() != null) {
            return load(List.of(filter.id()))
                    .map(found -> found.stream()
                            .filter(s -> filter.matches(s) && !s.replayed())
                            .map(s -> s.entry().id())
                            .toList());
        }
        List<String> ids = new ArrayList<>(); // ids only: a bulk replay reads each entry when it replays it
        return scan(filter, s -> {
                    if (!s.replayed()) {
                        ids.add(s.entry().id());
                    }
                })
                .map(done -> Collections.unmodifiableList(ids));
    }

    /**
     * Hands {@code visit} every dead letter of the filter's set (at or after its {@code since}) that matches it,
     * newest first, reading {@link #BATCH} ids and their summaries at a time; only what {@code visit} keeps stays.
     * Each batch starts at the last score read (inclusive) and drops, by id, those already read at that score. A
     * position past them would not do: one of them dead-lettered again (its score moves up) or trimmed meanwhile
     * shifts the rest, and the scan missed one; one written meanwhile at that millisecond was read twice and another
     * missed. A dead letter written or dead-lettered again during the scan (newer than where it is) is not visited.
     */
    private Uni<Void> scan(DeadLetterFilter filter, Consumer<StoredDeadLetter<S>> visit) {
        String key = setKey(filter.group());
        String min = min(filter);
        Cursor cursor = new Cursor();
        return trim(key)
                .chain(() -> Multi.createBy()
                        .repeating()
                        .uni(() -> {
                            int limit = cursor.limit();
                            return redis.zrevrangebyscore(List.of(
                                            key, cursor.max(), min, "WITHSCORES", "LIMIT", "0", String.valueOf(limit)))
                                    .map(DeadLetterIndex::scored)
                                    .chain(batch -> load(cursor.advance(batch))
                                            .invoke(read -> read.stream()
                                                    .filter(filter::matches)
                                                    .forEach(visit))
                                            .replaceWith(batch.size() == limit));
                        })
                        .whilst(full -> full)
                        .onItem()
                        .ignoreAsUni());
    }

    /** An id of a sorted set with its score (the dead-letter time in ms). */
    private record Scored(String id, long score) {}

    /**
     * Where a scan's next batch starts: at {@code max} (inclusive), dropping the ids already read at that score. A
     * full batch holds at least {@link #BATCH} unread ids, so the scan always moves on; what it holds grows only with
     * the dead letters of one millisecond.
     */
    private static final class Cursor {

        private Long max;
        private final Set<String> readAtMax = new HashSet<>();

        String max() {
            return max == null ? "+inf" : String.valueOf(max);
        }

        /** {@link #BATCH} past the ids already read at {@code max}, which the next batch starts with. */
        int limit() {
            return BATCH + readAtMax.size();
        }

        /** The batch's ids not read before, in order; the batch's last score becomes {@code max}. */
        List<String> advance(List<Scored> batch) {
            List<String> unread = batch.stream()
                    .map(Scored::id)
                    .filter(id -> !readAtMax.contains(id))
                    .toList();
            if (!batch.isEmpty()) {
                long last = batch.get(batch.size() - 1).score();
                if (max == null || max != last) {
                    readAtMax.clear();
                }
                max = last;
                batch.stream().filter(s -> s.score() == last).forEach(s -> readAtMax.add(s.id()));
            }
            return unread;
        }
    }

    private Uni<Void> trim(String key) {
        return redis.zremrangebyscore(key, "-inf", "(" + (clock.millis() - ttl.toMillis()))
                .replaceWithVoid();
    }

    private String min(DeadLetterFilter filter) {
        long cutoff = clock.millis() - ttl.toMillis();
        return String.valueOf(
                filter.since() == null
                        ? cutoff
                        : Math.max(cutoff, filter.since().toEpochMilli()));
    }

    /**
     * The summaries of {@code ids} in their order, with their replay marks; one expired before it was trimmed is
     * skipped.
     */
    private Uni<List<StoredDeadLetter<S>>> load(List<String> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<String> keys = new ArrayList<>(4 * ids.size());
        for (String id : ids) {
            keys.add(key("s", id));
            keys.add(key("r", id));
            keys.add(key("n", id));
            keys.add(key("o", id));
        }
        return redis.mget(keys)
                .chain(r -> summarizedEntries(ids, r).map(older -> {
                    List<StoredDeadLetter<S>> out = new ArrayList<>(ids.size());
                    for (int i = 0; i < ids.size(); i++) {
                        S s = r.get(4 * i) == null ? older.get(ids.get(i)) : parse(r.get(4 * i), summaryType);
                        if (s != null) {
                            out.add(new StoredDeadLetter<>(
                                    s,
                                    null,
                                    mark(r.get(4 * i + 1)),
                                    replays(r.get(4 * i + 2)),
                                    r.get(4 * i + 3) != null));
                        }
                    }
                    return out;
                }));
    }

    /**
     * The summaries of the dead letters among {@code ids} indexed before summaries were written (they expire within
     * the TTL): their entries are read, these alone, and summarized here.
     */
    private Uni<Map<String, S>> summarizedEntries(List<String> ids, Response summaries) {
        List<String> older = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            if (summaries.get(4 * i) == null) {
                older.add(ids.get(i));
            }
        }
        if (older.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return redis.mget(older.stream().map(id -> key("e", id)).toList()).map(entries -> {
            Map<String, S> out = new HashMap<>();
            for (int i = 0; i < older.size(); i++) {
                if (entries.get(i) != null) {
                    out.put(older.get(i), summary.apply(parse(entries.get(i), type)));
                }
            }
            return out;
        });
    }

    private static Instant mark(Response mark) {
        return mark == null ? null : Instant.parse(mark.toString());
    }

    private static int replays(Response replays) {
        return replays == null ? 0 : Integer.parseInt(replays.toString());
    }

    private static List<String> strings(Response r) {
        List<String> out = new ArrayList<>();
        if (r != null) {
            r.forEach(v -> out.add(v.toString()));
        }
        return out;
    }

    /** A {@code WITHSCORES} range: [member, score] pairs under RESP3, a flat member, score, ... list under RESP2. */
    private static List<Scored> scored(Response r) {
        List<Scored> out = new ArrayList<>();
        if (r == null || r.size() == 0) {
            return out;
        }
        if (r.get(0).type() == ResponseType.MULTI) {
            r.forEach(pair -> out.add(new Scored(pair.get(0).toString(), score(pair.get(1)))));
        } else {
            for (int i = 0; i + 1 < r.size(); i += 2) {
                out.add(new Scored(r.get(i).toString(), score(r.get(i + 1))));
            }
        }
        return out;
    }

    /** A score as Redis answers it ("1765090000000" or a double): whole milliseconds. */
    private static long score(Response score) {
        return (long) Double.parseDouble(score.toString());
    }

    private static String json(Object value) {
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("dead letter cannot be written", e);
        }
    }

    private static <V> V parse(Response json, Class<V> as) {
        try {
            return Json.mapper().readValue(json.toString(), as);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("dead letter cannot be read", e);
        }
    }
}
