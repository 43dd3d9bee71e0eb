package io.cxbridge.gateway.idempotency;

import java.util.Map;

/**
 * What Redis holds for one client's Idempotency-Key: the request's fingerprint and, once the call is done,
 * the answer to replay ({@code body} base64). {@code state} is {@code in-flight}, {@code done},
 * {@code outcome-unknown} (sent, no answer came: it may have happened, so it is never run again) or
 * {@code too-large} (done with {@code status}, the answer too large to keep: never run again either).
 */
public record IdempotencyRecord(
        String state, String fingerprint, Integer status, Map<String, String> headers, String body) {

    public static final String IN_FLIGHT = "in-flight";
    public static final String DONE = "done";
    public static final String OUTCOME_UNKNOWN = "outcome-unknown";
    public static final String TOO_LARGE = "too-large";

    public static IdempotencyRecord outcomeUnknown(String fingerprint) {
        return new IdempotencyRecord(OUTCOME_UNKNOWN, fingerprint, null, null, null);
    }

    public static IdempotencyRecord tooLarge(String fingerprint, int status) {
        return new IdempotencyRecord(TOO_LARGE, fingerprint, status, null, null);
    }

    public static IdempotencyRecord inFlight(String fingerprint) {
        return new IdempotencyRecord(IN_FLIGHT, fingerprint, null, null, null);
    }

    public boolean done() {
        return DONE.equals(state);
    }
}
