package io.cxbridge.retry.dlq;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cxbridge.model.Json;
import io.cxbridge.retry.config.RetryConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The index of dead letters in Redis, written after each DLQ record is acknowledged: {@code {<prefix>}:dlq:entry:<id>}
 * (JSON, kept {@code dlq-ttl}), the sorted sets {@code {<prefix>}:dlq:index} and {@code {<prefix>}:dlq:action:<actionId>}
 * (score: dead-lettered epoch ms, so newest first is a reverse range), and {@code {<prefix>}:dlq:replayed:<id>} (the
 * replay mark, set only if absent). Entries older than {@code dlq-ttl} are trimmed from the sets by score on every
 * write and list; no KEYS anywhere.
 */
@ApplicationScoped
public class DlqStore {

    private final RedisAPI redis;
    private final RetryConfig config;
    private final Clock clock;

    public DlqStore(RedisAPI redis, RetryConfig config, Clock clock) {
        this.redis = redis;
        this.config = config;
        this.clock = clock;
    }

    String entryKey(String id) {
        return "{" + config.keyPrefix() + "}:dlq:entry:" + id;
    }

    String replayedKey(String id) {
        return "{" + config.keyPrefix() + "}:dlq:replayed:" + id;
    }

    String indexKey() {
        return "{" + config.keyPrefix() + "}:dlq:index";
    }

    String actionKey(String actionId) {
        return "{" + config.keyPrefix() + "}:dlq:action:" + actionId;
    }

    private static final String INDEX_SCRIPT = """
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            redis.call('DEL', KEYS[2])
            redis.call('ZADD', KEYS[3], ARGV[3], ARGV[4])
            redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', ARGV[5])
            if KEYS[4] ~= KEYS[3] then
              redis.call('ZADD', KEYS[4], ARGV[3], ARGV[4])
              redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', ARGV[5])
              redis.call('PEXPIRE', KEYS[4], ARGV[2])
            end
            return 1""";

    /** Indexes a dead letter (a run dead-lettered again after a replay replaces its entry and clears the mark). */
    public Uni<Void> index(DlqEntry entry) {
        long ttl = config.dlqTtl().toMillis();
        String actionKey = entry.actionId() == null ? indexKey() : actionKey(entry.actionId());
        return redis.eval(List.of(INDEX_SCRIPT, "4", entryKey(entry.id()), replayedKey(entry.id()), indexKey(),
                        actionKey, json(entry.withReplayedAt(null)), String.valueOf(ttl),
                        String.valueOf(entry.deadLetteredAt().toEpochMilli()), entry.id(),
                        String.valueOf(clock.instant().toEpochMilli() - ttl)))
                .replaceWithVoid();
    }

    public Uni<Optional<DlqEntry>> get(String id) {
        return redis.mget(List.of(entryKey(id), replayedKey(id))).map(r -> {
            if (r == null || r.get(0) == null) {
                return Optional.empty();
            }
            return Optional.of(withMark(parse(r.get(0).toString()), r.get(1)));
        });
    }

    /** A page of entries, newest first, of every action or of one; and the total. */
    public record Page(List<DlqEntry> entries, long total) {
    }

    public Uni<Page> list(String actionId, int page, int pageSize) {
        String key = actionId == null ? indexKey() : actionKey(actionId);
        String cutoff = String.valueOf(clock.instant().toEpochMilli() - config.dlqTtl().toMillis());
        long start = (long) (page - 1) * pageSize;
        return redis.zremrangebyscore(key, "-inf", cutoff)
                .chain(() -> redis.zcard(key))
                .chain(total -> redis.zrevrange(List.of(key, String.valueOf(start),
                                String.valueOf(start + pageSize - 1)))
                        .chain(ids -> entries(ids).map(list -> new Page(list, total == null ? 0 : total.toLong()))));
    }

    /** The ids of one action's dead letters, newest first, {@code count} from {@code start}. */
    public Uni<List<String>> actionIds(String actionId, long start, int count) {
        return redis.zrevrange(List.of(actionKey(actionId), String.valueOf(start), String.valueOf(start + count - 1)))
                .map(DlqStore::strings);
    }

    private Uni<List<DlqEntry>> entries(Response ids) {
        List<String> list = strings(ids);
        if (list.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<String> keys = new ArrayList<>();
        for (String id : list) {
            keys.add(entryKey(id));
            keys.add(replayedKey(id));
        }
        return redis.mget(keys).map(r -> {
            List<DlqEntry> out = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                Response entry = r.get(2 * i);
                if (entry != null) { // an entry expired before its index member was trimmed: skipped
                    out.add(withMark(parse(entry.toString()), r.get(2 * i + 1)));
                }
            }
            return out;
        });
    }

    /** Sets the replay mark if there is none; false when the entry was already replayed. */
    public Uni<Boolean> markReplayed(String id, Instant at) {
        return redis.set(List.of(replayedKey(id), at.toString(), "NX", "PX", String.valueOf(config.dlqTtl().toMillis())))
                .map(r -> r != null && "OK".equals(r.toString()));
    }

    /** Drops the replay mark again (the republish failed). */
    public Uni<Void> unmarkReplayed(String id) {
        return redis.del(List.of(replayedKey(id))).replaceWithVoid();
    }

    private static DlqEntry withMark(DlqEntry e, Response mark) {
        return mark == null ? e : e.withReplayedAt(Instant.parse(mark.toString()));
    }

    private static List<String> strings(Response r) {
        List<String> out = new ArrayList<>();
        if (r != null) {
            r.forEach(v -> out.add(v.toString()));
        }
        return out;
    }

    static String json(DlqEntry e) {
        try {
            return Json.mapper().writeValueAsString(e);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("dead letter cannot be written", ex);
        }
    }

    static DlqEntry parse(String json) {
        try {
            return Json.mapper().readValue(json, DlqEntry.class);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("dead letter cannot be read", ex);
        }
    }
}
