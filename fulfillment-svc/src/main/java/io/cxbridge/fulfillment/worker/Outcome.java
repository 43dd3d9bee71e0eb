package io.cxbridge.fulfillment.worker;

import com.fasterxml.jackson.databind.JsonNode;

/** What the external API step ended with: a result, or an error code and message (never a stack trace). */
public record Outcome(boolean complete, JsonNode result, String code, String message, int attempts) {

    public static Outcome complete(JsonNode result, int attempts) {
        return new Outcome(true, result, null, null, attempts);
    }

    public static Outcome failed(String code, String message, int attempts) {
        return new Outcome(false, null, code, message, attempts);
    }
}
