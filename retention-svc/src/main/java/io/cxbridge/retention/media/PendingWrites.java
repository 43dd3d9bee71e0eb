package io.cxbridge.retention.media;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.common.redis.StoredJson;
import io.cxbridge.retention.config.RetentionConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The media-retention writes not yet recorded as ended, in Redis: the hash {@code {<prefix>}:media-pending}
 * (requestId → {@link PendingWrite}), added when a request is queued and removed once its end is recorded. Each
 * names the process working it ({@link #instance}); a process marks itself alive ({@code {<prefix>}:media-alive:<id>})
 * and a recoverer claims a write of a stopped one ({@code {<prefix>}:media-claim:<requestId>}) before ending it.
 * The apply runs in memory, with no Kafka record to redeliver: this is what lets another process finish it.
 */
@ApplicationScoped
public class PendingWrites {

    /** One write as the apply planned it: enough to tell afterwards whether Genesys took it, and to record its end. */
    public record PendingWrite(
            String requestId,
            String owner,
            String traceId,
            String name,
            String action,
            String objectType,
            String policyId,
            List<PolicyDiff.Change> diff,
            Replaced replaces,
            JsonNode body) {

        public record Replaced(String id, String name, String how) {}

        static PendingWrite of(String requestId, String owner, String traceId, MediaPlan.Entry e) {
            MediaPlan.Replacement r = e.replaces();
            return new PendingWrite(
                    requestId,
                    owner,
                    traceId,
                    e.name(),
                    e.action(),
                    e.objectType(),
                    e.policyId(),
                    e.diff(),
                    r == null ? null : new Replaced(r.id(), r.name(), r.how()),
                    e.body());
        }

        /** The plan entry again (without the replaced policy's content, which only the first write needs). */
        MediaPlan.Entry entry() {
            return new MediaPlan.Entry(
                    name,
                    action,
                    objectType,
                    policyId,
                    diff,
                    null,
                    replaces == null
                            ? null
                            : new MediaPlan.Replacement(replaces.id(), replaces.name(), replaces.how(), null),
                    null,
                    body);
        }
    }

    /** One page of {@link #scan}: the writes read and the cursor of the next page ("0" when done). */
    public record Page(String cursor, List<PendingWrite> writes, List<String> unreadable) {}

    private final RedisAPI redis;
    private final RetentionConfig config;
    private final String instance = UUID.randomUUID().toString();

    public PendingWrites(RedisAPI redis, RetentionConfig config) {
        this.redis = redis;
        this.config = config;
    }

    /** This process's id, as the owner of the writes it queues. */
    public String instance() {
        return instance;
    }

    private String hash() {
        return "{" + config.keyPrefix() + "}:media-pending";
    }

    private String aliveKey(String owner) {
        return "{" + config.keyPrefix() + "}:media-alive:" + owner;
    }

    private String claimKey(String requestId) {
        return "{" + config.keyPrefix() + "}:media-claim:" + requestId;
    }

    public Uni<Void> add(PendingWrite w) {
        return redis.hset(List.of(hash(), w.requestId(), StoredJson.write(w, "pending media retention write")))
                .replaceWithVoid();
    }

    public Uni<Void> remove(String requestId) {
        return redis.hdel(List.of(hash(), requestId)).replaceWithVoid();
    }

    public Uni<Page> scan(String cursor) {
        return redis.hscan(List.of(hash(), cursor, "COUNT", "20")).map(r -> {
            List<PendingWrite> writes = new ArrayList<>();
            List<String> unreadable = new ArrayList<>();
            Response fields = r.get(1);
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                try {
                    writes.add(StoredJson.read(
                            fields.get(i + 1).toString(), PendingWrite.class, "pending media retention write"));
                } catch (RuntimeException e) {
                    unreadable.add(fields.get(i).toString());
                }
            }
            return new Page(r.get(0).toString(), writes, unreadable);
        });
    }

    /** Marks this process alive for {@code ttl}. */
    public Uni<Void> alive(Duration ttl) {
        return redis.set(List.of(aliveKey(instance), "1", "PX", String.valueOf(ttl.toMillis())))
                .replaceWithVoid();
    }

    public Uni<Boolean> isAlive(String owner) {
        return redis.exists(List.of(aliveKey(owner))).map(r -> r != null && r.toLong() > 0);
    }

    /** True when this process may end the write: no other recoverer claimed it within {@code ttl}. */
    public Uni<Boolean> claim(String requestId, Duration ttl) {
        return redis.set(List.of(claimKey(requestId), instance, "NX", "PX", String.valueOf(ttl.toMillis())))
                .map(r -> r != null && "OK".equals(r.toString()));
    }
}
