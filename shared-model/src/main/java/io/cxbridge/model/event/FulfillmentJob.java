package io.cxbridge.model.event;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Duration;
import java.time.Instant;

/**
 * A Data Action fulfillment job, keyed by {@code fulfillmentId} on {@code cxbridge.fulfillment.jobs.v1}.
 * {@code fulfillmentToken} holds the token encrypted by the gateway (never the clear value); it is
 * still kept out of {@link #toString()} so no log line carries it. {@code fulfillmentId} is the id the fulfillment
 * URL names (its {@code {fulfillmentId}} segment) and the Idempotency-Key of both requests: one path segment of
 * {@link Ids#FULFILLMENT_ID_REGEX}, so it is always a valid header value.
 */
public record FulfillmentJob(
        @NotBlank @Pattern(regexp = Ids.UUID_REGEX, message = "must be a UUID")
        String jobId,

        // the rule holds the length too (1 to 256): one violation for an id too long, not two
        @NotBlank @Pattern(regexp = Ids.FULFILLMENT_ID_REGEX, message = Ids.FULFILLMENT_ID_RULE)
        String fulfillmentId,

        @NotBlank @Size(max = 2048) String fulfillmentUrl,

        @NotBlank @Size(max = io.cxbridge.model.crypto.TokenCipher.MAX_SEALED_LENGTH)
        String fulfillmentToken,

        JsonNode data,
        @NotNull Instant receivedAt,
        @NotNull Instant deadline,
        @Size(max = 128) String traceId) {

    /**
     * The furthest ahead of its receipt a job's deadline may be: the gateway refuses a later one (400 naming
     * {@code deadline}) and fulfillment-svc takes one that reached the topic another way as this far ahead. A
     * fulfillment answers a Data Action run, so a day is generous; it keeps the deadline well inside the job state's
     * life (7 days), and far from instants whose arithmetic overflows.
     */
    public static final Duration MAX_DEADLINE_AHEAD = Duration.ofHours(24);

    public boolean isPastDeadline(Instant now) {
        return now.isAfter(deadline);
    }

    @Override
    public String toString() {
        return "FulfillmentJob[jobId=" + jobId + ", fulfillmentId=" + fulfillmentId + ", fulfillmentUrl="
                + fulfillmentUrl + ", fulfillmentToken=***, receivedAt=" + receivedAt + ", deadline=" + deadline
                + ", traceId=" + traceId + "]";
    }
}
