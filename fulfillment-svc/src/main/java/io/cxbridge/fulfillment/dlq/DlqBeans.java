package io.cxbridge.fulfillment.dlq;

import io.cxbridge.common.dlq.DeadLetterIndex;
import io.cxbridge.common.dlq.DeadLetterReplays;
import io.cxbridge.fulfillment.config.FulfillmentConfig;
import io.vertx.mutiny.redis.client.RedisAPI;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** fulfillment-svc's instances of service-common's dead-letter core: the index of jobs and their bulk replays. */
public class DlqBeans {

    @Produces
    @Singleton
    DeadLetterIndex<JobDeadLetter> index(RedisAPI redis, FulfillmentConfig config, Clock clock) {
        return new DeadLetterIndex<>(redis, config.keyPrefix(), config.stateTtl(), clock, JobDeadLetter.class);
    }

    @Produces
    @Singleton
    DeadLetterReplays replays(RedisAPI redis, DeadLetterIndex<JobDeadLetter> index, Clock clock,
                              FulfillmentConfig config, Replayer replayer) {
        return new DeadLetterReplays(redis, index, clock, config.stateTtl(), replayer::replayOutcome);
    }
}
