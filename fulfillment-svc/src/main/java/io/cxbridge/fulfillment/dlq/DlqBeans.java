package io.cxbridge.fulfillment.dlq;

import io.cxbridge.common.dlq.DeadLetterIndex;
import io.cxbridge.fulfillment.config.FulfillmentConfig;
import io.vertx.mutiny.redis.client.RedisAPI;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.function.Function;

/** fulfillment-svc's dead-letter index: service-common's core with its key prefix, TTL and entry type. */
public class DlqBeans {

    @Produces
    @Singleton
    DeadLetterIndex<JobDeadLetter, JobDeadLetter> index(RedisAPI redis, FulfillmentConfig config, Clock clock) {
        // the entry carries no payload (the record value is kept apart): it is its own summary
        return new DeadLetterIndex<>(
                redis,
                config.keyPrefix(),
                config.stateTtl(),
                clock,
                JobDeadLetter.class,
                JobDeadLetter.class,
                Function.identity(),
                config.dlq().payloadBudget().asLongValue());
    }
}
