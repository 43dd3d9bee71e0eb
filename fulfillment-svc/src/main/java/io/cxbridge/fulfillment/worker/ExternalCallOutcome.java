package io.cxbridge.fulfillment.worker;

import com.fasterxml.jackson.databind.JsonNode;

/** What the external API step ended with: a result, or an error code and message (never a stack trace). */
public record ExternalCallOutcome(boolean complete, JsonNode result, String code, String message, int attempts) {

    public static ExternalCallOutcome complete(JsonNode result, int attempts) {
        return new ExternalCallOutcome(true, result, null, null, attempts);
    }

    public static ExternalCallOutcome failed(String code, String message, int attempts) {
        return new ExternalCallOutcome(false, null, code, message, attempts);
    }
}
