package io.cxbridge.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.model.Json;
import io.cxbridge.model.Topics;
import io.cxbridge.model.audit.AuditEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;

/**
 * Follows {@code cxbridge.audit.v1} the way an observability stack would: a plain consumer (no group, nothing
 * committed) from the end of the topic as it was when {@link #start} returned, indexing every CloudEvent by its
 * {@code ce_traceid}. Survives a broker restart (the consumer reconnects by itself).
 */
public final class AuditTail implements AutoCloseable {

    /** One audit event as read back from the topic. */
    public record AuditLine(
            Instant time,
            String type,
            String source,
            String subject,
            String traceId,
            String dataTraceId,
            JsonNode data,
            int partition,
            long offset) {

        /** The service in {@code ce_source} ({@code /cxbridge/<service>}). */
        public String service() {
            return source != null && source.startsWith("/cxbridge/") ? source.substring("/cxbridge/".length()) : source;
        }
    }

    private static final Comparator<AuditLine> ORDER = Comparator.comparing(
                    AuditLine::time, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(AuditLine::partition)
            .thenComparing(AuditLine::offset);

    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<String, List<AuditLine>> byTrace = new ConcurrentHashMap<>();
    private final AtomicLong read = new AtomicLong();
    private final Thread thread;
    private volatile boolean closed;
    private volatile Throwable failure;

    private AuditTail(KafkaConsumer<String, byte[]> consumer) {
        this.consumer = consumer;
        this.thread = new Thread(this::loop, "audit-tail");
        this.thread.setDaemon(true);
    }

    /**
     * Starts following the audit topic (waiting up to {@code timeout} for it to exist); every event sent after
     * this returns is seen.
     */
    public static AuditTail start(String bootstrap, Duration timeout) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "cxbridge-system-tests-audit");
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p);
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            Awaitility.await("topic " + Topics.AUDIT + " on " + bootstrap)
                    .atMost(timeout)
                    .pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions()
                    .until(() -> {
                        List<PartitionInfo> info = consumer.partitionsFor(Topics.AUDIT, Duration.ofSeconds(2));
                        if (info == null || info.isEmpty()) {
                            return false;
                        }
                        partitions.clear();
                        info.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
                        return true;
                    });
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // fixes the start offsets now, not at the first poll
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
        AuditTail tail = new AuditTail(consumer);
        tail.thread.start();
        return tail;
    }

    private void loop() {
        try {
            while (!closed) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    read.incrementAndGet();
                    AuditLine line = parse(r);
                    if (line.traceId() != null) {
                        byTrace.computeIfAbsent(
                                        line.traceId(), k -> java.util.Collections.synchronizedList(new ArrayList<>()))
                                .add(line);
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (Throwable e) {
            failure = e;
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    static AuditLine parse(ConsumerRecord<String, byte[]> r) {
        JsonNode data;
        try {
            data = r.value() == null ? Json.mapper().nullNode() : Json.mapper().readTree(r.value());
        } catch (Exception e) {
            data = Json.mapper().getNodeFactory().textNode(new String(r.value(), StandardCharsets.UTF_8));
        }
        String time = header(r, AuditEvent.H_TIME);
        Instant at = null;
        try {
            at = time == null ? null : Instant.parse(time);
        } catch (RuntimeException ignored) {
            // an event with a bad time sorts last
        }
        JsonNode dataTrace = data.path("traceId");
        return new AuditLine(
                at,
                header(r, AuditEvent.H_TYPE),
                header(r, AuditEvent.H_SOURCE),
                header(r, AuditEvent.H_SUBJECT),
                header(r, AuditEvent.H_TRACEID),
                dataTrace.isTextual() ? dataTrace.asText() : null,
                data,
                r.partition(),
                r.offset());
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** The events of one trace so far, in time order. */
    public List<AuditLine> events(String traceId) {
        checkAlive();
        List<AuditLine> found = byTrace.get(traceId);
        if (found == null) {
            return List.of();
        }
        List<AuditLine> copy;
        synchronized (found) {
            copy = new ArrayList<>(found);
        }
        copy.sort(ORDER);
        return copy;
    }

    /** Waits until the trace's events satisfy {@code done}; answers them (in time order) either way. */
    public List<AuditLine> await(String traceId, Predicate<List<AuditLine>> done, Duration timeout) {
        try {
            Awaitility.await("audit events of trace " + traceId)
                    .atMost(timeout)
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> done.test(events(traceId)));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // the caller judges what came
        }
        return events(traceId);
    }

    /** How many audit records were read since the start. */
    public long recordsRead() {
        return read.get();
    }

    private void checkAlive() {
        if (failure != null) {
            throw new IllegalStateException("the audit consumer stopped: " + failure, failure);
        }
    }

    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
