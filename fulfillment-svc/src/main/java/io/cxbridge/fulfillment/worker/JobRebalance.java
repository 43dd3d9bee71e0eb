package io.cxbridge.fulfillment.worker;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The jobs channel's rebalance listener ({@code consumer-rebalance-listener.name}). With cooperative-sticky
 * assignment an instance joining or leaving revokes only the partitions that move; for those, the
 * {@link JobPipeline} stops taking jobs and waits for the running ones before the rebalance completes (cancelling,
 * unacknowledged, those still running after {@code shutdown-grace}), so two instances never work the same job at
 * once (a redelivered finished job is then skipped by its posted mark).
 */
@ApplicationScoped
@Identifier(JobRebalance.NAME)
public class JobRebalance implements KafkaConsumerRebalanceListener {

    public static final String NAME = "fulfillment-jobs-rebalance";

    private final JobPipeline pipeline;

    public JobRebalance(JobPipeline pipeline) {
        this.pipeline = pipeline;
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        pipeline.assign(partitions);
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        pipeline.revoke(partitions);
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        // Lost (the session expired): another instance may already own them; stop taking their jobs, no wait.
        pipeline.revokeNow(partitions);
    }
}
