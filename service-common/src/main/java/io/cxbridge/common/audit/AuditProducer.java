package io.cxbridge.common.audit;

import java.util.function.Consumer;
import org.apache.kafka.clients.producer.Producer;

/** The audit channel's Kafka producer, reached on the one thread that may block on it (see {@link AuditEmitter}). */
@FunctionalInterface
public interface AuditProducer {

    /**
     * Runs {@code drain} with the producer on its sending thread, later, or {@code notRun} when that fails (the
     * producer could not be created); false when the channel has no Kafka producer (then neither runs).
     */
    boolean onSendingThread(Consumer<Producer<String, byte[]>> drain, Runnable notRun);
}
