package io.cxbridge.fulfillment.action;

import io.cxbridge.model.problem.Problem;

/**
 * A failure answer: what a Data Action's response template (or its error handling) reads, {@code errorCode},
 * {@code message} and {@code requestId}, inside the usual problem+json fields.
 */
public record ActionError(
        String type,
        String title,
        int status,
        String detail,
        String traceId,
        String errorCode,
        String message,
        String requestId) {

    public static final String EXTERNAL_TIMEOUT = "EXTERNAL_TIMEOUT";
    public static final String EXTERNAL_UNAVAILABLE = "EXTERNAL_UNAVAILABLE";
    public static final String EXTERNAL_REJECTED = "EXTERNAL_REJECTED";
    public static final String CIRCUIT_OPEN = "CIRCUIT_OPEN";

    static ActionError of(
            int status, String errorCode, String title, String message, String requestId, String traceId) {
        String type = Problem.TYPE_PREFIX
                + errorCode.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        return new ActionError(type, title, status, message, traceId, errorCode, message, requestId);
    }
}
