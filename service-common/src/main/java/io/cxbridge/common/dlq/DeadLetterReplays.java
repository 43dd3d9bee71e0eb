package io.cxbridge.common.dlq;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.cxbridge.common.problem.ProblemResponses;
import io.cxbridge.model.Json;
import io.cxbridge.model.problem.Violation;
import io.cxbridge.model.redis.LuaScript;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.mutiny.redis.client.Response;
import jakarta.ws.rs.core.UriBuilder;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Bulk replay as a job: {@code POST .../dlq/replay?<filters>} answers 202 with the job's id at once and the job replays
 * the matching dead letters not replayed yet (newest first, {@value #CONCURRENCY} at a time) through the service's
 * single replay;
 * {@code GET .../dlq/replays/{id}} reports its progress and every record's outcome. The job lives in Redis next to the
 * index it replays ({@code {<prefix>:dlq}:replay:<id>} a hash, {@code ...:replay:<id>:outcomes} a list, kept as long as
 * dead letters), so any instance answers for it. The jobs not done are in {@code {<prefix>:dlq}:replays}, each with a
 * lease the running instance renews at every record: a second job whose filter overlaps one of them is refused (409),
 * checked and registered in one script. A job whose instance died (lease run out) reads as {@code interrupted}; it is
 * not resumed: posting the same filter again replays what is left, as replayed dead letters are not selected again.
 */
public class DeadLetterReplays {

    private static final Logger LOG = Logger.getLogger(DeadLetterReplays.class);
    static final Duration LEASE = Duration.ofSeconds(60);
    /** Dead letters replayed at once by one job: each replay waits for a few broker acks in turn. */
    static final int CONCURRENCY = 8;

    /** What became of one dead letter of a bulk replay: {@code replayed}, {@code refused} or {@code failed}. */
    public record RecordOutcome(String id, String outcome, int status, String detail) {

        public static RecordOutcome replayed(String id) {
            return new RecordOutcome(id, "replayed", 202, null);
        }

        public static RecordOutcome refused(String id, int status, String detail) {
            return new RecordOutcome(id, "refused", status, detail);
        }

        public static RecordOutcome failed(String id, String detail) {
            return new RecordOutcome(id, "failed", 503, detail);
        }
    }

    /** A bulk replay as {@code GET .../dlq/replays/{id}} shows it; {@code total} is null while selecting. */
    public record ReplayJob(
            String id,
            String state,
            Map<String, String> filters,
            Instant createdAt,
            Instant finishedAt,
            Integer total,
            int processed,
            int replayed,
            int refused,
            int failed,
            List<RecordOutcome> outcomes) {}

    /** Registers the job unless an overlapping one is not done: returns '' or the other job's id. */
    private static final LuaScript START = LuaScript.load(DeadLetterReplays.class, "replay-start.lua");

    /** Records one outcome and renews the lease (unless the job was already given up). */
    private static final LuaScript OUTCOME = LuaScript.load(DeadLetterReplays.class, "replay-outcome.lua");

    private final RedisAPI redis;
    private final Clock clock;
    private final Duration ttl;
    private final Function<DeadLetterFilter, Uni<List<String>>> select;
    private final Function<String, Uni<RecordOutcome>> replayOne;
    private final String tag;
    private volatile Supplier<Uni<Void>> beforeEach = () -> Uni.createFrom().voidItem();

    /**
     * @param index     the index the dead letters are selected from (and whose hash tag the job keys share)
     * @param ttl       how long a job and its outcomes are kept
     * @param replayOne the service's single replay as an outcome (a failure is recorded as {@code failed})
     */
    public DeadLetterReplays(
            RedisAPI redis,
            DeadLetterIndex<?, ?> index,
            Clock clock,
            Duration ttl,
            Function<String, Uni<RecordOutcome>> replayOne) {
        this.redis = redis;
        this.clock = clock;
        this.ttl = ttl;
        this.select = index::replayable;
        this.replayOne = replayOne;
        this.tag = index.tag();
    }

    /** Test hook: runs before each record of every job (a test holds a job here to see the 409). */
    public void beforeEachRecord(Supplier<Uni<Void>> hook) {
        this.beforeEach = hook;
    }

    private String activeKey() {
        return tag + ":replays";
    }

    private String jobKey(String id) {
        return tag + ":replay:" + id;
    }

    private String outcomesKey(String id) {
        return tag + ":replay:" + id + ":outcomes";
    }

    /**
     * The answer to {@code POST <path>/replay}: 400 without a filter (a bulk replay of everything is refused), 409
     * naming the overlapping job, else 202 {@code {id, state, selfUri}} with the job started.
     */
    public Uni<jakarta.ws.rs.core.Response> start(DeadLetterQuery query, String path) {
        if (query.invalid()) {
            return Uni.createFrom().item(query.problem());
        }
        DeadLetterFilter filter = query.filter();
        if (filter.isEmpty()) {
            return Uni.createFrom()
                    .item(ProblemResponses.validation(List.of(new Violation(
                            "filter",
                            "a bulk replay needs at least one filter: " + String.join(", ", "since", "reason")
                                    + " or the service's id and group filters"))));
        }
        String id = UUID.randomUUID().toString();
        Instant now = clock.instant();
        return START.run(
                        redis,
                        List.of(
                                "2",
                                activeKey(),
                                jobKey(id),
                                id,
                                json(query.filters()),
                                String.valueOf(now.toEpochMilli()),
                                String.valueOf(now.plus(LEASE).toEpochMilli()),
                                String.valueOf(ttl.toMillis()),
                                nullToEmpty(filter.id()),
                                nullToEmpty(filter.group()),
                                now.toString()))
                .map(r -> {
                    String other = r == null ? "" : r.toString();
                    URI self = UriBuilder.fromPath(path)
                            .path("replays")
                            .path(other.isEmpty() ? id : other)
                            .build();
                    if (!other.isEmpty()) {
                        return ProblemResponses.of(
                                409,
                                "Overlapping bulk replay",
                                "bulk replay " + other + " with an overlapping filter is not done yet; follow it at "
                                        + self);
                    }
                    run(id, filter);
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("id", id);
                    body.put("state", "running");
                    body.put("selfUri", self.toString());
                    return jakarta.ws.rs.core.Response.accepted(body)
                            .location(self)
                            .build();
                });
    }

    /** The answer to {@code GET <path>/replays/{id}}: the job, or 404. */
    public Uni<jakarta.ws.rs.core.Response> status(String id) {
        return get(id).map(job -> job.map(j -> jakarta.ws.rs.core.Response.ok(j).build())
                .orElseGet(() -> ProblemResponses.of(
                        404, "Not Found", "no bulk replay " + id + " is known (kept " + ttl.toDays() + " days)")));
    }

    public Uni<Optional<ReplayJob>> get(String id) {
        if (id.length() > 64) {
            return Uni.createFrom().item(Optional.empty());
        }
        return redis.hgetall(jobKey(id)).chain(hash -> {
            Map<String, String> fields = new HashMap<>();
            if (hash != null) {
                for (String k : hash.getKeys()) {
                    fields.put(k, hash.get(k).toString());
                }
            }
            if (fields.isEmpty()) {
                return Uni.createFrom().item(Optional.<ReplayJob>empty());
            }
            return redis.lrange(outcomesKey(id), "0", "-1")
                    .chain(list -> redis.hget(activeKey(), id)
                            .map(lease -> Optional.of(job(id, fields, outcomes(list), lease))));
        });
    }

    private ReplayJob job(String id, Map<String, String> f, List<RecordOutcome> outcomes, Response lease) {
        String state = f.get("state");
        if ("running".equals(state) && (lease == null || leaseUntil(lease) < clock.millis())) {
            state = "interrupted"; // the instance running it stopped; post the same filter again for the rest
        }
        int replayed = Integer.parseInt(f.getOrDefault("replayed", "0"));
        int refused = Integer.parseInt(f.getOrDefault("refused", "0"));
        int failed = Integer.parseInt(f.getOrDefault("failed", "0"));
        return new ReplayJob(
                id,
                state,
                parse(f.get("filters"), new TypeReference<Map<String, String>>() {}),
                Instant.parse(f.get("createdAt")),
                f.containsKey("finishedAt") ? Instant.parse(f.get("finishedAt")) : null,
                f.containsKey("total") ? Integer.valueOf(f.get("total")) : null,
                replayed + refused + failed,
                replayed,
                refused,
                failed,
                outcomes);
    }

    private void run(String id, DeadLetterFilter filter) {
        select.apply(filter)
                .call(ids -> redis.hset(List.of(jobKey(id), "total", String.valueOf(ids.size()))))
                .chain(ids -> Multi.createFrom()
                        .iterable(ids)
                        .onItem()
                        .transformToUni(deadLetter -> beforeEach
                                .get()
                                .chain(() -> replayOne.apply(deadLetter))
                                .onFailure()
                                .recoverWithItem(e -> RecordOutcome.failed(deadLetter, e.getMessage()))
                                .call(outcome -> record(id, outcome)))
                        .merge(CONCURRENCY)
                        .collect()
                        .last())
                .chain(() -> finish(id, "done"))
                .subscribe()
                .with(x -> LOG.infof("bulk replay %s done", id), e -> {
                    LOG.warnf("bulk replay %s stopped: %s", id, e.toString());
                    finish(id, "failed")
                            .subscribe()
                            .with(
                                    x -> {},
                                    f -> LOG.warnf(
                                            "bulk replay %s could not be marked failed (its lease runs out): %s",
                                            id, f.toString()));
                });
    }

    private Uni<Void> record(String id, RecordOutcome outcome) {
        return OUTCOME.run(
                        redis,
                        List.of(
                                "3",
                                jobKey(id),
                                outcomesKey(id),
                                activeKey(),
                                json(outcome),
                                outcome.outcome(),
                                id,
                                String.valueOf(clock.millis() + LEASE.toMillis()),
                                String.valueOf(ttl.toMillis())))
                .replaceWithVoid();
    }

    private Uni<Void> finish(String id, String state) {
        return redis.hset(List.of(
                        jobKey(id),
                        "state",
                        state,
                        "finishedAt",
                        clock.instant().toString()))
                .chain(() -> redis.hdel(List.of(activeKey(), id)))
                .replaceWithVoid();
    }

    private static long leaseUntil(Response lease) {
        return Long.parseLong(parse(lease.toString(), new TypeReference<Map<String, String>>() {})
                .get("leaseUntil"));
    }

    private static List<RecordOutcome> outcomes(Response list) {
        List<RecordOutcome> out = new ArrayList<>();
        if (list != null) {
            list.forEach(v -> out.add(parse(v.toString(), new TypeReference<RecordOutcome>() {})));
        }
        return out;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String json(Object value) {
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("bulk replay cannot be written", e);
        }
    }

    private static <V> V parse(String json, TypeReference<V> type) {
        try {
            return Json.mapper().readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("bulk replay cannot be read", e);
        }
    }
}
