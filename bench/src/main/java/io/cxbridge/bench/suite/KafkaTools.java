package io.cxbridge.bench.suite;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** Offsets of a topic and of a consumer group on it, for end-to-end rates. */
final class KafkaTools implements AutoCloseable {

    private final Admin admin;

    KafkaTools(String bootstrap) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15000);
        admin = Admin.create(p);
    }

    Admin admin() {
        return admin;
    }

    List<TopicPartition> partitions(String topic) throws Exception {
        TopicDescription d = admin.describeTopics(List.of(topic))
                .allTopicNames()
                .get(30, TimeUnit.SECONDS)
                .get(topic);
        return d.partitions().stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .toList();
    }

    /** Sum of the end offsets of the topic's partitions. */
    long endOffsets(String topic) throws Exception {
        return endOffsetsByPartition(topic).values().stream()
                .mapToLong(Long::longValue)
                .sum();
    }

    /** The end offset of each of the topic's partitions. */
    Map<TopicPartition, Long> endOffsetsByPartition(String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> req = new HashMap<>();
        for (TopicPartition tp : partitions(topic)) {
            req.put(tp, OffsetSpec.latest());
        }
        Map<TopicPartition, Long> ends = new HashMap<>();
        for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e :
                admin.listOffsets(req).all().get(30, TimeUnit.SECONDS).entrySet()) {
            ends.put(e.getKey(), e.getValue().offset());
        }
        return ends;
    }

    /**
     * Records added between two readings of a topic's end offsets, summed over its partitions; a partition missing
     * from {@code before} (added meanwhile) grew from 0. A partition whose offset went back is an error: the topic was
     * recreated and the count would be wrong.
     */
    static long growth(Map<TopicPartition, Long> before, Map<TopicPartition, Long> after) {
        long sum = 0;
        for (Map.Entry<TopicPartition, Long> e : after.entrySet()) {
            long grew = e.getValue() - before.getOrDefault(e.getKey(), 0L);
            if (grew < 0) {
                throw new IllegalStateException(e.getKey() + " went back from " + before.get(e.getKey()) + " to "
                        + e.getValue() + ": the topic was recreated");
            }
            sum += grew;
        }
        return sum;
    }

    /** Sum of the group's committed offsets on the topic. */
    long committed(String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> m = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS);
        long sum = 0;
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : m.entrySet()) {
            if (e.getKey().topic().equals(topic) && e.getValue() != null) {
                sum += e.getValue().offset();
            }
        }
        return sum;
    }

    /** Records on the topic the group has not committed yet, summed over the topic's partitions. */
    long lag(String group, String topic) throws Exception {
        return endOffsets(topic) - committed(group, topic);
    }

    /**
     * Moves a stopped group's committed offsets on the topic to its end, so the group skips what is there. Retried for
     * up to a minute: a consumer that just stopped may still be a member until the broker has seen it leave.
     */
    void skipToEnd(String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> ends = new HashMap<>();
        endOffsetsByPartition(topic).forEach((tp, end) -> ends.put(tp, new OffsetAndMetadata(end)));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                admin.alterConsumerGroupOffsets(group, ends).all().get(30, TimeUnit.SECONDS);
                return;
            } catch (java.util.concurrent.ExecutionException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                io.cxbridge.bench.BenchContext.sleep(java.time.Duration.ofSeconds(2));
            }
        }
    }

    @Override
    public void close() {
        admin.close();
    }
}
