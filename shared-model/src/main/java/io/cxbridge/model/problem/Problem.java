package io.cxbridge.model.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * RFC 9457 problem details, the body of every HTTP error a cxbridge service returns.
 * {@code type} is a URN naming the kind of problem, so clients can switch on it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
        String type, String title, int status, String detail, String traceId, List<Violation> violations) {

    public static final String MEDIA_TYPE = "application/problem+json";
    public static final String TYPE_PREFIX = "urn:cxbridge:problem:";

    public static final String VALIDATION = TYPE_PREFIX + "validation";
    public static final String MALFORMED = TYPE_PREFIX + "malformed-request";
    public static final String NOT_FOUND = TYPE_PREFIX + "not-found";
    public static final String UNAUTHORIZED = TYPE_PREFIX + "unauthorized";
    public static final String FORBIDDEN = TYPE_PREFIX + "forbidden";
    public static final String CONFLICT = TYPE_PREFIX + "conflict";
    public static final String RATE_LIMITED = TYPE_PREFIX + "rate-limited";
    public static final String UNAVAILABLE = TYPE_PREFIX + "unavailable";
    public static final String INTERNAL = TYPE_PREFIX + "internal";

    public Problem {
        violations = violations == null || violations.isEmpty() ? null : List.copyOf(violations);
    }

    public static Problem of(int status, String type, String title, String detail, String traceId) {
        return new Problem(type, title, status, detail, traceId, null);
    }

    /** A 400 that lists every violation at once. */
    public static Problem validation(List<Violation> violations, String traceId) {
        String detail = violations.size() == 1
                ? violations.get(0).field() + ": " + violations.get(0).message()
                : violations.size() + " fields are invalid";
        return new Problem(VALIDATION, "Invalid request", 400, detail, traceId, violations);
    }

    /** The problem type to use for a status when nothing more specific applies. */
    public static String typeFor(int status) {
        return switch (status) {
            case 400 -> MALFORMED;
            case 401 -> UNAUTHORIZED;
            case 403 -> FORBIDDEN;
            case 404 -> NOT_FOUND;
            case 409 -> CONFLICT;
            case 422 -> VALIDATION;
            case 429 -> RATE_LIMITED;
            case 503 -> UNAVAILABLE;
            default -> status >= 500 ? INTERNAL : TYPE_PREFIX + "http-" + status;
        };
    }
}
