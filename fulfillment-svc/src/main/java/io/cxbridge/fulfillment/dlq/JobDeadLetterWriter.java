package io.cxbridge.fulfillment.dlq;

import io.cxbridge.common.dlq.DeadLetterIndex;
import io.cxbridge.common.kafka.BoundedId;
import io.cxbridge.common.kafka.DeadLetterRecord;
import io.cxbridge.common.logging.LogThrottle;
import io.cxbridge.model.Channels;
import io.cxbridge.model.Topics;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * Publishes a job to {@code cxbridge.fulfillment.jobs.dlq.v1}: the payload unchanged, the reason in the
 * {@code cxbridge-error-*} headers; a job that names itself is then indexed for the DLQ API. The token is never put
 * in a header (the reason is written by this service and never quotes the token). A record Kafka refuses as too
 * large (a value over the DLQ producer's 8 MiB, a huge key) goes as service-common's stub (its size and SHA-256):
 * failing instead stopped the consumer on that record for good (the entry records it, {@link JobDeadLetter#dlqStub}:
 * the topic then cannot give the value back). The index keeps the record value only within its
 * payload budget ({@code cxbridge.fulfillment.dlq.payload-budget}); past it the dead letter is indexed without it.
 */
@ApplicationScoped
public class JobDeadLetterWriter {

    /** {@code cxbridge-error-class} of a record that is not a valid job (replaying it would dead-letter it again). */
    public static final String INVALID_JOB = "invalid-job";

    static final Duration ACK_TIMEOUT = Duration.ofSeconds(10);

    private static final Logger LOG = Logger.getLogger(JobDeadLetterWriter.class);

    private final LogThrottle omitted = new LogThrottle(Duration.ofMinutes(1));
    private final MutinyEmitter<String> dlq;
    private final DeadLetterIndex<JobDeadLetter, JobDeadLetter> index;

    public JobDeadLetterWriter(
            @Channel(Channels.FULFILLMENT_JOBS_DLQ_OUT)
                    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 1024)
                    MutinyEmitter<String> dlq,
            DeadLetterIndex<JobDeadLetter, JobDeadLetter> index) {
        this.dlq = dlq;
        this.index = index;
    }

    /** A record that names no job: on the DLQ topic only (it cannot be listed or replayed by id). */
    public Uni<Void> send(
            String key, String payload, String errorClass, String reason, int attempts, Instant firstSeen) {
        return DeadLetterRecord.send(
                new DeadLetterRecord.Parts(key, payload, errorClass, reason, attempts, firstSeen, null, null),
                this::send);
    }

    private Uni<Void> send(Message<String> record) {
        return Uni.createFrom()
                .deferred(() -> dlq.sendMessage(record))
                .ifNoItem()
                .after(ACK_TIMEOUT)
                .fail();
    }

    /**
     * A job: on the DLQ topic, then (once the broker has it) in the index with its payload for replay. The record
     * carries the jobId ({@code cxbridge-dlq-id}), so a stub of it still names its job for the rebuild; an entry whose
     * record went as a stub says so ({@link JobDeadLetter#dlqStub}): its value is kept only in the index, if at all.
     */
    public Uni<Void> send(String key, String payload, JobDeadLetter entry) {
        return Uni.createFrom().deferred(() -> {
            // DeadLetterRecord.send sends the record, then its stub only when Kafka refused the record as too large
            AtomicReference<JobDeadLetter.DlqStub> stub = new AtomicReference<>();
            AtomicInteger sends = new AtomicInteger();
            return DeadLetterRecord.send(
                            new DeadLetterRecord.Parts(
                                    key,
                                    payload,
                                    entry.errorClass(),
                                    entry.reason(),
                                    entry.attempts(),
                                    entry.firstSeen(),
                                    entry.jobId(),
                                    entry.deadLetteredAt()),
                            m -> {
                                if (sends.incrementAndGet() > 1) {
                                    stub.set(JobDeadLetter.DlqStub.of(m.getPayload())
                                            .orElse(null));
                                }
                                return send(m);
                            })
                    .chain(() -> index.indexKept(stub.get() == null ? entry : entry.withDlqStub(stub.get()), payload))
                    .invoke(kept -> {
                        if (!kept) {
                            omittedLine(entry.jobId(), stub.get() != null);
                        }
                    })
                    .replaceWithVoid();
        });
    }

    private void omittedLine(String jobId, boolean stubbed) {
        long held = omitted.pass();
        if (held >= 0) {
            LOG.warnf(
                    "dead letter of job %s indexed without its record value: the DLQ payload budget"
                            + " (cxbridge.fulfillment.dlq.payload-budget) is spent; %s (%d more since the last line)",
                    BoundedId.of(jobId),
                    stubbed
                            ? "the DLQ record is a stub (too large for Kafka), so the value is lost to replay"
                            : "the value is only on " + Topics.FULFILLMENT_JOBS_DLQ,
                    held);
        }
    }
}
