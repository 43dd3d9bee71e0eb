package io.cxbridge.retry.dlq;

import io.cxbridge.common.dlq.DeadLetterIndex;
import io.cxbridge.retry.config.RetryConfig;
import io.vertx.mutiny.redis.client.RedisAPI;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/**
 * retry-svc's dead-letter index: service-common's core with its key prefix, TTL, entry type and the summary listings
 * read (the entry without its run and original value).
 */
public class DlqBeans {

    @Produces
    @Singleton
    DeadLetterIndex<DlqEntry, DlqEntry.Summary> index(RedisAPI redis, RetryConfig config, Clock clock) {
        return new DeadLetterIndex<>(
                redis,
                config.keyPrefix(),
                config.dlqTtl(),
                clock,
                DlqEntry.class,
                DlqEntry.Summary.class,
                DlqEntry::summary);
    }
}
