package io.cxbridge.retry.dlq;

import io.cxbridge.common.dlq.DeadLetterIndex;
import io.cxbridge.retry.config.RetryConfig;
import io.vertx.mutiny.redis.client.RedisAPI;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** retry-svc's dead-letter index: service-common's core with its key prefix, TTL and entry type. */
public class DlqBeans {

    @Produces
    @Singleton
    DeadLetterIndex<DlqEntry> index(RedisAPI redis, RetryConfig config, Clock clock) {
        return new DeadLetterIndex<>(redis, config.keyPrefix(), config.dlqTtl(), clock, DlqEntry.class);
    }
}
