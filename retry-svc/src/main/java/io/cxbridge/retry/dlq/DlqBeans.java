package io.cxbridge.retry.dlq;

import io.cxbridge.common.dlq.DeadLetterIndex;
import io.cxbridge.common.dlq.DeadLetterReplays;
import io.cxbridge.retry.config.RetryConfig;
import io.vertx.mutiny.redis.client.RedisAPI;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** retry-svc's instances of service-common's dead-letter core: the index of runs and their bulk replays. */
public class DlqBeans {

    @Produces
    @Singleton
    DeadLetterIndex<DlqEntry> index(RedisAPI redis, RetryConfig config, Clock clock) {
        return new DeadLetterIndex<>(redis, config.keyPrefix(), config.dlqTtl(), clock, DlqEntry.class);
    }

    @Produces
    @Singleton
    DeadLetterReplays replays(RedisAPI redis, DeadLetterIndex<DlqEntry> index, Clock clock, RetryConfig config,
                              DlqReplayer replayer) {
        return new DeadLetterReplays(redis, index, clock, config.dlqTtl(), replayer::replayOutcome);
    }
}
