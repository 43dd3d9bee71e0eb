package io.cxbridge.retry.dlq;

import io.cxbridge.common.dlq.DeadLetter;
import io.cxbridge.model.event.FailedRun;
import java.time.Instant;

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

    public boolean replayable() {
        return run != null;
    }

    @Override
    public String group() {
        return actionId;
    }
}
