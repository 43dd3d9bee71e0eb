package io.cxbridge.retry.dlq;

import io.cxbridge.model.event.FailedRun;
import java.time.Instant;

/**
 * A dead letter as indexed in Redis when its DLQ record was acknowledged. {@code id} is the run's requestId (an
 * invalid record without one gets {@code invalid-<uuid>}); {@code run} is null for an invalid record, which cannot
 * be replayed. {@code replayedAt} is filled from the replay mark when read.
 */
public record DlqEntry(String id, String requestId, String actionId, String originalRunId, String errorClass,
                       String reason, int attempts, Instant firstSeen, Instant deadLetteredAt, String traceId,
                       FailedRun run, String originalPayload, Instant replayedAt) {

    public boolean replayable() {
        return run != null;
    }

    public DlqEntry withReplayedAt(Instant at) {
        return new DlqEntry(id, requestId, actionId, originalRunId, errorClass, reason, attempts, firstSeen,
                deadLetteredAt, traceId, run, originalPayload, at);
    }
}
