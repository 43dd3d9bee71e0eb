package io.cxbridge.gateway.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.model.crypto.TokenCipher;
import io.cxbridge.model.event.Ids;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The body of {@code POST /v1/fulfillment/execute}; {@code fulfillmentToken} is a secret and never printed. An
 * explicit {@code fulfillmentId} is held to {@code FulfillmentJob}'s own constraint (one path segment of
 * {@link Ids#FULFILLMENT_ID_REGEX}) and must be the id {@code fulfillmentUrl} names; blank is taken as absent.
 */
public record FulfillmentRequest(
        @NotBlank @Size(max = 2048) String fulfillmentUrl,

        @NotBlank
        @Size(max = TokenCipher.MAX_TOKEN_BYTES)
        @Pattern(regexp = NO_CONTROL_CHARACTERS, message = "must not hold control characters (it is sent as a header)")
        String fulfillmentToken,

        JsonNode data,

        @Schema(
                description = "Optional: the fulfillment id fulfillmentUrl names (its last path segment), "
                        + "which it defaults to; any other value is refused. The Idempotency-Key of the "
                        + "external call and of the result post.",
                // anchored: a JSON Schema pattern matches anywhere in the value unless it is
                pattern = "^" + Ids.FULFILLMENT_ID_REGEX + "$",
                maxLength = 256)
        String fulfillmentId,

        Instant deadline) {

    /**
     * The token goes to the fulfillment URL as {@code X-Fulfillment-Token}: a header value may hold a tab but no other
     * control character (Vert.x refuses to send one, after the external API was called).
     */
    public static final String NO_CONTROL_CHARACTERS = "^[^\\x00-\\x08\\x0A-\\x1F\\x7F]*$";

    /** {@code fulfillmentId} as given, or null when absent or blank (then the URL's id is used). */
    public String explicitFulfillmentId() {
        return fulfillmentId == null || fulfillmentId.isBlank() ? null : fulfillmentId;
    }

    @Override
    public String toString() {
        return "FulfillmentRequest[fulfillmentUrl=" + fulfillmentUrl + ", fulfillmentToken=***, fulfillmentId="
                + fulfillmentId + ", deadline=" + deadline + "]";
    }
}
