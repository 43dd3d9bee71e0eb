package io.cxbridge.gateway.idempotency;

import java.util.Map;

/**
 * What Redis holds for one client's Idempotency-Key: the request's fingerprint and, once the call is done,
 * the answer to replay ({@code body} base64). {@code state} is {@code in-flight} or {@code done}.
 */
public record IdempotencyRecord(String state, String fingerprint, Integer status, Map<String, String> headers,
                                String body) {

    public static final String IN_FLIGHT = "in-flight";
    public static final String DONE = "done";

    public static IdempotencyRecord inFlight(String fingerprint) {
        return new IdempotencyRecord(IN_FLIGHT, fingerprint, null, null, null);
    }

    public boolean done() {
        return DONE.equals(state);
    }
}
