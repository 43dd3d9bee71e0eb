package io.cxbridge.gateway.ingest;

import static io.cxbridge.gateway.ingest.IngestBodies.atMost;
import static io.cxbridge.gateway.ingest.IngestBodies.notBlank;

import io.cxbridge.model.event.FailedRun;
import io.cxbridge.model.event.Ids;
import java.util.regex.Pattern;

/**
 * The annotations of {@link FailedRun}, written out for the intake's common path (see {@link IngestBodies}).
 * {@code FailedRunChecksUnitTest} holds them against Bean Validation: never valid here and invalid there.
 */
final class FailedRunChecks {

    private static final Pattern UUID = Pattern.compile(Ids.UUID_REGEX);
    private static final Pattern ACTION_ID = Pattern.compile(Ids.ACTION_ID_REGEX);

    static boolean plainlyValid(FailedRun run) {
        return (run.requestId() == null || UUID.matcher(run.requestId()).matches())
                && notBlank(run.actionId())
                && atMost(run.actionId(), 128)
                && ACTION_ID.matcher(run.actionId()).matches()
                && notBlank(run.originalRunId())
                && atMost(run.originalRunId(), 256)
                && run.requestPayload() != null
                && run.requestPayload().isObject()
                && (run.attempt() == null || run.attempt() >= 0)
                && (run.lastStatus() == null || (run.lastStatus() >= 100 && run.lastStatus() <= 599))
                && atMost(run.traceId(), 128);
    }

    private FailedRunChecks() {}
}
