package io.cxbridge.model.event;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;

/**
 * A Data Action fulfillment job, keyed by {@code fulfillmentId} on {@code cxbridge.fulfillment.jobs.v1}.
 * {@code fulfillmentToken} holds the token encrypted by the gateway (never the clear value); it is
 * still kept out of {@link #toString()} so no log line carries it.
 */
public record FulfillmentJob(
        @NotBlank @Pattern(regexp = Ids.UUID_REGEX, message = "must be a UUID")
        String jobId,

        @NotBlank @Size(max = 256) String fulfillmentId,
        @NotBlank @Size(max = 2048) String fulfillmentUrl,

        @NotBlank @Size(max = io.cxbridge.model.crypto.TokenCipher.MAX_SEALED_LENGTH)
        String fulfillmentToken,

        JsonNode data,
        @NotNull Instant receivedAt,
        @NotNull Instant deadline,
        @Size(max = 128) String traceId) {

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
