package io.cxbridge.common.kafka;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** How a service creates its topics at start-up. */
@ConfigMapping(prefix = "cxbridge.kafka")
public interface KafkaSettings {

    /** Partitions of a topic this service creates (existing topics are left as they are). */
    @WithDefault("3")
    int partitions();

    /** Replication factor of a created topic; the broker's default when unset. */
    Optional<Short> replicationFactor();

    /** Wait between two attempts to create the topics while the broker is unreachable. */
    @WithDefault("5s")
    Duration provisionRetry();
}
