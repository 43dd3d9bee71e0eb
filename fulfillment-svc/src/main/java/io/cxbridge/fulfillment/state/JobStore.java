package io.cxbridge.fulfillment.state;

import io.cxbridge.common.redis.StoredJson;
import io.cxbridge.fulfillment.config.FulfillmentConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.RedisAPI;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;

/**
 * Job state in Redis: {@code <prefix>:job:<jobId>} (JSON) and the posted marks {@code <prefix>:posted:<fulfillmentId>}
 * (a fulfillmentId whose result the receiver accepted); both expire after {@code state-ttl}.
 */
@ApplicationScoped
public class JobStore {

    private final RedisAPI redis;
    private final FulfillmentConfig config;

    public JobStore(RedisAPI redis, FulfillmentConfig config) {
        this.redis = redis;
        this.config = config;
    }

    private String key(String jobId) {
        return config.keyPrefix() + ":job:" + jobId;
    }

    private String postedKey(String fulfillmentId) {
        return config.keyPrefix() + ":posted:" + fulfillmentId;
    }

    private String ttl() {
        return String.valueOf(config.stateTtl().toMillis());
    }

    public Uni<Optional<JobRecord>> get(String jobId) {
        return redis.get(key(jobId)).map(r -> Optional.ofNullable(r).map(v -> parse(v.toString())));
    }

    public Uni<JobRecord> put(JobRecord record) {
        return redis.set(List.of(key(record.jobId()), json(record), "PX", ttl()))
                .replaceWith(record);
    }

    /** Forgets the job's state (a replay the broker refused, of a job that had none). */
    public Uni<Void> delete(String jobId) {
        return redis.del(List.of(key(jobId))).replaceWithVoid();
    }

    /** True when a result for this fulfillmentId has already been accepted by the receiver. */
    public Uni<Boolean> posted(String fulfillmentId) {
        return redis.exists(List.of(postedKey(fulfillmentId))).map(r -> r != null && r.toLong() > 0);
    }

    /** The job whose result for this fulfillmentId the receiver accepted, while its mark lasts. */
    public Uni<Optional<String>> postedBy(String fulfillmentId) {
        return redis.get(postedKey(fulfillmentId))
                .map(r -> Optional.ofNullable(r).map(Object::toString));
    }

    public Uni<Void> markPosted(String fulfillmentId, String jobId) {
        return redis.set(List.of(postedKey(fulfillmentId), jobId, "PX", ttl())).replaceWithVoid();
    }

    static String json(JobRecord record) {
        return StoredJson.write(record, "job state");
    }

    static JobRecord parse(String json) {
        return StoredJson.read(json, JobRecord.class, "job state");
    }
}
