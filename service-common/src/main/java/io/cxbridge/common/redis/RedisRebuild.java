package io.cxbridge.common.redis;

import io.smallrye.mutiny.Uni;

/**
 * A service's repair of what it keeps in Redis, from its system of record (a Kafka journal or DLQ topic). Called by
 * {@link RedisEpoch} at start-up when the epoch marker is absent (a first start, or Redis emptied while the service
 * was down) and whenever the marker goes missing while it runs. Consumers are held and {@link RedisEpoch#open()} is
 * false meanwhile. Must be idempotent and must not overwrite newer state: state written since the loss is also in
 * the journal, so a merge that keeps the newest is always right.
 */
public interface RedisRebuild {

    /** For logs: what this hook rebuilds ("pending runs", "dlq index"). */
    String name();

    /** Completes when the rebuilt state is in Redis; a failure is retried on the next epoch check. */
    Uni<Void> rebuild();
}
