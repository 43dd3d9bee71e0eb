package io.cxbridge.common.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.cxbridge.common.trace.TraceIds;
import io.cxbridge.model.problem.Problem;
import io.cxbridge.model.problem.Violation;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Builds {@code application/problem+json} responses. */
public final class ProblemResponses {

    public static Response of(int status, String title, String detail) {
        return of(Problem.of(status, Problem.typeFor(status), title, detail, TraceIds.current()));
    }

    /**
     * A 503 with {@code Retry-After} (seconds, at least 1): the request did nothing lasting, and the same request
     * may be sent again after that long. The one shape of every service's "not now" answer.
     */
    public static Response unavailable(String detail, String traceId, long retryAfterSeconds) {
        return Response.fromResponse(of(Problem.of(503, Problem.UNAVAILABLE, "Service Unavailable", detail, traceId)))
                .header("Retry-After", String.valueOf(Math.max(1, retryAfterSeconds)))
                .build();
    }

    /** {@link #unavailable(String, String, long)} with the current trace id. */
    public static Response unavailable(String detail, long retryAfterSeconds) {
        return unavailable(detail, TraceIds.current(), retryAfterSeconds);
    }

    public static Response validation(List<Violation> violations) {
        return of(Problem.validation(violations, TraceIds.current()));
    }

    /**
     * Whether reading a body stopped at one of the JSON parser's limits (Jackson's {@link StreamReadConstraints}):
     * nesting too deep, a number or a field name too long. Such a body may well be valid JSON, so it is said as
     * such rather than as "not valid JSON" or "wrong type".
     */
    public static boolean overJsonLimits(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StreamConstraintsException) {
                return true;
            }
        }
        return false;
    }

    /** The detail of the 400 for a body {@link #overJsonLimits over the parser's limits}, with the limits in force. */
    public static String jsonLimitsDetail() {
        return jsonLimitsDetail("the body");
    }

    /**
     * What a reader is told about JSON it could not read ({@code subject} is "the body", "the record", ...): fixed
     * words and the schema's field names, never Jackson's own message, which quotes the values it choked on (a phone
     * number among them) and names Java classes. The same words go into a 400, a log line and a dead letter's reason.
     * Anything but a Jackson exception is "could not be read".
     */
    public static String unreadableDetail(Exception e, String subject) {
        if (overJsonLimits(e)) {
            return jsonLimitsDetail(subject);
        }
        if (e instanceof MismatchedInputException m && !m.getPath().isEmpty()) {
            return "field '" + fieldPath(m) + "' has the wrong type";
        }
        return e instanceof JsonProcessingException ? subject + " is not valid JSON" : subject + " could not be read";
    }

    /** Where in the document Jackson stopped, as the schema's field names and array indexes: {@code a.b.[2]}. */
    public static String fieldPath(JsonMappingException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."));
    }

    private static String jsonLimitsDetail(String subject) {
        StreamReadConstraints limits = StreamReadConstraints.defaults();
        return String.format(
                Locale.ROOT,
                "%s goes beyond the JSON limits (nesting deeper than %d levels, a number longer than %d"
                        + " characters or a field name longer than %d)",
                subject,
                limits.getMaxNestingDepth(),
                limits.getMaxNumberLength(),
                limits.getMaxNameLength());
    }

    public static Response of(Problem problem) {
        return Response.status(problem.status())
                .type(Problem.MEDIA_TYPE)
                .entity(problem)
                .build();
    }

    private ProblemResponses() {}
}
