package io.cxbridge.model.event;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.model.validation.JsonObjectValue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * A Data Action run that failed and should be resubmitted; keyed by {@code actionId} on
 * {@code cxbridge.dataactions.failed-runs.v1}. Callers send the three required fields; the gateway,
 * or the consumer for records produced directly, fills in the rest with {@link #withDefaults}.
 */
public record FailedRun(
        @Pattern(regexp = Ids.UUID_REGEX, message = "must be a UUID")
        String requestId,

        @NotBlank @Size(max = 128) @Pattern(regexp = Ids.ACTION_ID_REGEX, message = "must match " + Ids.ACTION_ID_REGEX)
        String actionId,

        @NotBlank @Size(max = 256) String originalRunId,
        @NotNull @JsonObjectValue JsonNode requestPayload,
        @PositiveOrZero Integer attempt,
        Instant firstFailedAt,
        @Min(100) @Max(599) Integer lastStatus,
        @Size(max = 128) String traceId) {

    /** The same run under {@code id}. */
    public FailedRun withRequestId(String id) {
        return new FailedRun(id, actionId, originalRunId, requestPayload, attempt, firstFailedAt, lastStatus, traceId);
    }

    /** Fills what the caller may leave out: a new requestId, attempt 0, first failure now, a trace id. */
    public FailedRun withDefaults(Clock clock, Supplier<String> traceIds) {
        return new FailedRun(
                requestId != null ? requestId : Ids.newEventId(),
                actionId,
                originalRunId,
                requestPayload,
                attempt != null ? attempt : 0,
                firstFailedAt != null ? firstFailedAt : clock.instant(),
                lastStatus,
                traceId != null && !traceId.isBlank() ? traceId : traceIds.get());
    }

    /** The same run one attempt further, having ended in {@code status}. */
    public FailedRun nextAttempt(int status) {
        return new FailedRun(
                requestId,
                actionId,
                originalRunId,
                requestPayload,
                (attempt == null ? 0 : attempt) + 1,
                firstFailedAt,
                status,
                traceId);
    }
}
