package io.cxbridge.retry.dlq;

import io.cxbridge.common.dlq.DeadLetterIndex;
import io.cxbridge.common.kafka.DeadLetterRecord;
import io.cxbridge.model.Channels;
import io.cxbridge.retry.metrics.RetryMetrics;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;

/**
 * Writes to {@code cxbridge.dataactions.failed-runs.dlq.v1} (the original payload unchanged plus the spec's
 * headers) and, once the broker has acknowledged the record, indexes it in Redis for the DLQ API.
 */
@ApplicationScoped
public class RunDeadLetterWriter {

    /** {@code cxbridge-error-class} values. */
    public static final String INVALID = "invalid";

    public static final String REJECTED = "rejected";
    public static final String EXHAUSTED = "exhausted";

    private final MutinyEmitter<String> emitter;
    private final DeadLetterIndex<DlqEntry, DlqEntry.Summary> index;
    private final RetryMetrics metrics;

    public RunDeadLetterWriter(
            @Channel(Channels.FAILED_RUNS_DLQ_OUT) MutinyEmitter<String> emitter,
            DeadLetterIndex<DlqEntry, DlqEntry.Summary> index,
            RetryMetrics metrics) {
        this.emitter = emitter;
        this.index = index;
        this.metrics = metrics;
    }

    /** Completes once the broker has the record (keyed {@code key}) and the index has its entry. */
    public Uni<Void> send(String key, DlqEntry entry) {
        // a record Kafka refuses as too large (a key of megabytes) goes as a stub: no retry mends it, and failing
        // would stop the channel on the same record after every restart
        return DeadLetterRecord.send(
                        new DeadLetterRecord.Parts(
                                key,
                                entry.originalPayload(),
                                entry.errorClass(),
                                entry.reason(),
                                entry.attempts(),
                                entry.firstSeen(),
                                entry.id(),
                                entry.deadLetteredAt()),
                        emitter::sendMessage)
                .chain(() -> index.index(entry, null))
                .invoke(() -> metrics.deadLettered(entry.errorClass()).increment());
    }
}
