package io.cxbridge.retry.dlq;

import io.cxbridge.common.dlq.DeadLetter;
import io.cxbridge.model.event.FailedRun;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * A dead letter as indexed in Redis when its DLQ record was acknowledged. {@code id} is the run's requestId (an
 * invalid record without one gets {@code invalid-<uuid>}); {@code run} is null for an invalid record, which cannot
 * be replayed. The replay mark is kept by the index beside it.
 */
public record DlqEntry(
        String id,
        String requestId,
        String actionId,
        String originalRunId,
        String errorClass,
        String reason,
        int attempts,
        Instant firstSeen,
        Instant deadLetteredAt,
        String traceId,
        FailedRun run,
        String originalPayload)
        implements DeadLetter {

    /** The dead-letter time in whole milliseconds: a rebuild reads it back from the DLQ record's timestamp. */
    public DlqEntry {
        deadLetteredAt = deadLetteredAt == null ? null : deadLetteredAt.truncatedTo(ChronoUnit.MILLIS);
    }

    public boolean replayable() {
        return run != null;
    }

    @Override
    public String group() {
        return actionId;
    }

    /** What the DLQ listing reads: this entry without the run and the original value (each up to ~480 KiB). */
    public Summary summary() {
        DlqEntry slim = new DlqEntry(
                id,
                requestId,
                actionId,
                originalRunId,
                errorClass,
                reason,
                attempts,
                firstSeen,
                deadLetteredAt,
                traceId,
                null,
                null);
        return new Summary(slim, replayable());
    }

    /**
     * A dead letter as the index keeps it for listings, beside its entry: the entry without its payloads ({@code slim},
     * whose own {@code replayable()} is false) and whether the whole one can be replayed.
     */
    public record Summary(DlqEntry slim, boolean replayable) implements DeadLetter {

        @Override
        public String id() {
            return slim.id();
        }

        @Override
        public Instant deadLetteredAt() {
            return slim.deadLetteredAt();
        }

        @Override
        public String group() {
            return slim.group();
        }

        @Override
        public String errorClass() {
            return slim.errorClass();
        }

        @Override
        public String reason() {
            return slim.reason();
        }
    }
}
