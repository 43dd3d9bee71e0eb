package io.cxbridge.fulfillment.dlq;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cxbridge.fulfillment.config.FulfillmentConfig;
import io.cxbridge.model.Json;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The dead letters of {@code cxbridge.fulfillment.jobs.dlq.v1} indexed in Redis when written (after the broker
 * acknowledged the DLQ record), so the API lists and replays them without reading the topic:
 * {@code {<prefix>:dlq}} (sorted set of jobIds by dead-letter time), {@code {<prefix>:dlq}:<jobId>} (the entry,
 * JSON) and {@code {<prefix>:dlq}:payload:<jobId>} (the original record value: the token in it is still sealed),
 * one hash tag so the scripts run on Redis Cluster. Rebuilt from the DLQ topic after a Redis loss. All expire
 * after {@code state-ttl}; the sorted set is trimmed of older members on every write. No KEYS, no SCAN needed.
 */
@ApplicationScoped
public class DeadLetterIndex {

    /** One script, so the entry, its payload and its place in the list are written together. */
    private static final String WRITE = """
            redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[4])
            redis.call('SET', KEYS[3], ARGV[2], 'PX', ARGV[4])
            redis.call('ZADD', KEYS[1], ARGV[3], ARGV[5])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[6])
            return 1
            """;

    /**
     * The rebuild's write: like {@link #WRITE} but keeps what is there (an entry written or replayed since the loss
     * is newer than the topic's record), with the expiry left from the original dead-letter time.
     */
    private static final String RESTORE = """
            if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
            redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[4])
            redis.call('SET', KEYS[3], ARGV[2], 'PX', ARGV[4])
            redis.call('ZADD', KEYS[1], 'NX', ARGV[3], ARGV[5])
            return 1
            """;

    private final RedisAPI redis;
    private final FulfillmentConfig config;
    private final Clock clock;

    public DeadLetterIndex(RedisAPI redis, FulfillmentConfig config, Clock clock) {
        this.redis = redis;
        this.config = config;
        this.clock = clock;
    }

    /** One hash tag for every key of the index, so its scripts work on Redis Cluster (one slot). */
    private String tag() {
        return "{" + config.keyPrefix() + ":dlq}";
    }

    private String listKey() {
        return tag();
    }

    private String entryKey(String jobId) {
        return tag() + ":" + jobId;
    }

    private String payloadKey(String jobId) {
        return tag() + ":payload:" + jobId;
    }

    public Uni<Void> record(DeadLetterEntry entry, String payload) {
        long ttl = config.stateTtl().toMillis();
        long oldest = clock.millis() - ttl;
        return redis.eval(List.of(WRITE, "3", listKey(), entryKey(entry.jobId()), payloadKey(entry.jobId()),
                        json(entry), payload, String.valueOf(entry.deadLetteredAt().toEpochMilli()),
                        String.valueOf(ttl), entry.jobId(), String.valueOf(oldest)))
                .replaceWithVoid();
    }

    /** Puts back an entry read from the DLQ topic unless one is there; false when it had expired or was there. */
    public Uni<Boolean> restore(DeadLetterEntry entry, String payload) {
        long left = entry.deadLetteredAt().toEpochMilli() + config.stateTtl().toMillis() - clock.millis();
        if (left <= 0) {
            return Uni.createFrom().item(false);
        }
        return redis.eval(List.of(RESTORE, "3", listKey(), entryKey(entry.jobId()), payloadKey(entry.jobId()),
                        json(entry), payload, String.valueOf(entry.deadLetteredAt().toEpochMilli()),
                        String.valueOf(left), entry.jobId()))
                .map(r -> r != null && r.toLong() == 1);
    }

    public Uni<Optional<DeadLetterEntry>> get(String jobId) {
        return redis.get(entryKey(jobId)).map(r -> Optional.ofNullable(r).map(v -> parse(v.toString())));
    }

    public Uni<Optional<String>> payload(String jobId) {
        return redis.get(payloadKey(jobId)).map(r -> Optional.ofNullable(r).map(Response::toString));
    }

    /** Rewrites an entry, keeping its expiry. */
    public Uni<Void> update(DeadLetterEntry entry) {
        return redis.set(List.of(entryKey(entry.jobId()), json(entry), "KEEPTTL", "XX")).replaceWithVoid();
    }

    /** A page of entries, newest first; {@code pageNumber} starts at 1. */
    public record Page(List<DeadLetterEntry> entities, int pageSize, int pageNumber, long total, long pageCount) {
    }

    public Uni<Page> page(int pageNumber, int pageSize) {
        long start = (long) (pageNumber - 1) * pageSize;
        long stop = start + pageSize - 1;
        return redis.zcard(listKey()).chain(card -> {
            long total = card == null ? 0 : card.toLong();
            long pageCount = (total + pageSize - 1) / pageSize;
            if (start >= total) {
                return Uni.createFrom().item(new Page(List.of(), pageSize, pageNumber, total, pageCount));
            }
            return redis.zrevrange(List.of(listKey(), String.valueOf(start), String.valueOf(stop)))
                    .chain(ids -> {
                        List<String> keys = new ArrayList<>();
                        ids.forEach(id -> keys.add(entryKey(id.toString())));
                        if (keys.isEmpty()) {
                            return Uni.createFrom().item(new Page(List.of(), pageSize, pageNumber, total, pageCount));
                        }
                        return redis.mget(keys).map(values -> {
                            List<DeadLetterEntry> entries = new ArrayList<>();
                            values.forEach(v -> {
                                if (v != null) { // expired between the two reads
                                    entries.add(parse(v.toString()));
                                }
                            });
                            return new Page(entries, pageSize, pageNumber, total, pageCount);
                        });
                    });
        });
    }

    static String json(DeadLetterEntry entry) {
        try {
            return Json.mapper().writeValueAsString(entry);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("dead-letter entry cannot be written", e);
        }
    }

    static DeadLetterEntry parse(String json) {
        try {
            return Json.mapper().readValue(json, DeadLetterEntry.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("dead-letter entry cannot be read", e);
        }
    }
}
