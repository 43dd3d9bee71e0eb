package io.cxbridge.gateway.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.model.crypto.TokenCipher;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.Instant;

/** The body of {@code POST /v1/fulfillment/execute}; {@code fulfillmentToken} is a secret and never printed. */
public record FulfillmentRequest(
        @NotBlank @Size(max = 2048) String fulfillmentUrl,
        @NotBlank @Size(max = TokenCipher.MAX_TOKEN_BYTES) String fulfillmentToken,
        JsonNode data,
        @Size(max = 256) String fulfillmentId,
        Instant deadline) {

    /** {@code fulfillmentId} as given, else the last path segment of the URL. */
    public String effectiveFulfillmentId() {
        if (fulfillmentId != null && !fulfillmentId.isBlank()) {
            return fulfillmentId;
        }
        String path = java.net.URI.create(fulfillmentUrl.trim()).getPath();
        String trimmed = path == null ? "" : path.replaceAll("/+$", "");
        return trimmed.substring(trimmed.lastIndexOf('/') + 1);
    }

    @Override
    public String toString() {
        return "FulfillmentRequest[fulfillmentUrl=" + fulfillmentUrl + ", fulfillmentToken=***, fulfillmentId="
                + fulfillmentId + ", deadline=" + deadline + "]";
    }
}
