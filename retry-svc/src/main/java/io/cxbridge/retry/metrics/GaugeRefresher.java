package io.cxbridge.retry.metrics;

import io.cxbridge.common.kafka.KafkaAdmin;
import io.cxbridge.model.Topics;
import io.cxbridge.retry.config.RetryConfig;
import io.cxbridge.retry.state.RunStore;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Refreshes the gauges that need a round trip every {@code gauge-interval}: pending (ZCARD of the due set), overdue
 * (runs due longer than {@code late-after} ago and not taken) and the consumer lag of the failed-runs group (end
 * offsets minus committed offsets, over the topic's partitions).
 */
@ApplicationScoped
public class GaugeRefresher {

    private static final Logger LOG = Logger.getLogger(GaugeRefresher.class);
    private static final long TIMEOUT_MS = 5_000;

    private final RunStore store;
    private final KafkaAdmin admin;
    private final RetryMetrics metrics;
    private final String group;
    private final RetryConfig config;
    private final Clock clock;

    public GaugeRefresher(
            RunStore store,
            KafkaAdmin admin,
            RetryMetrics metrics,
            @ConfigProperty(name = "mp.messaging.incoming.failed-runs-in.group.id", defaultValue = "retry-svc")
                    String group,
            RetryConfig config,
            Clock clock) {
        this.store = store;
        this.admin = admin;
        this.metrics = metrics;
        this.group = group;
        this.config = config;
        this.clock = clock;
    }

    @Scheduled(
            every = "${cxbridge.retry.gauge-interval:5s}",
            delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void refresh() {
        try {
            metrics.pending(store.pendingCount().await().atMost(Duration.ofMillis(TIMEOUT_MS)));
        } catch (Exception e) {
            LOG.debugf("pending gauge not refreshed: %s", e.toString());
        }
        try {
            Instant dueBy = clock.instant().minus(config.lateAfter());
            metrics.overdue(store.dueCount(dueBy).await().atMost(Duration.ofMillis(TIMEOUT_MS)));
        } catch (Exception e) {
            LOG.debugf("overdue gauge not refreshed: %s", e.toString());
        }
        try {
            metrics.consumerLag(lag());
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.debugf("consumer lag gauge not refreshed: %s", e.toString());
        }
    }

    /** The failed-runs group's lag now (blocking admin calls). */
    public long lag() throws Exception {
        Admin a = admin.admin();
        Map<TopicPartition, OffsetAndMetadata> committed = a.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        int partitions = a.describeTopics(List.of(Topics.FAILED_RUNS))
                .allTopicNames()
                .get(TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .get(Topics.FAILED_RUNS)
                .partitions()
                .size();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            TopicPartition tp = new TopicPartition(Topics.FAILED_RUNS, p);
            latest.put(tp, OffsetSpec.latest());
            if (committed.get(tp) == null) {
                earliest.put(tp, OffsetSpec.earliest());
            }
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
                a.listOffsets(latest).all().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts =
                earliest.isEmpty() ? Map.of() : a.listOffsets(earliest).all().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        long lag = 0;
        for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e : ends.entrySet()) {
            OffsetAndMetadata c = committed.get(e.getKey());
            long from = c != null ? c.offset() : starts.get(e.getKey()).offset();
            lag += Math.max(0, e.getValue().offset() - from);
        }
        return lag;
    }
}
