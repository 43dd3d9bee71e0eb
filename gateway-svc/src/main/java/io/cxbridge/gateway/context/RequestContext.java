package io.cxbridge.gateway.context;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxbridge.common.trace.TraceIds;
import io.cxbridge.model.Json;
import io.cxbridge.model.event.Ids;
import io.cxbridge.model.problem.Problem;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.regex.Pattern;

/** What the gateway knows about the request in hand, kept on the Vert.x routing context. */
public final class RequestContext {

    public static final String TRACE_ID = "cxbridge.traceId";
    /** The authenticated client's id (absent before authentication and on routes that need no key). */
    static final String CLIENT_ID = "cxbridge.clientId";
    /** Set by a handler that takes the request body over as a stream (and resumes it itself). */
    public static final String BODY_STREAMED = "cxbridge.bodyStreamed";
    /** Set by whatever forwarded the request: the status the upstream answered (absent when nothing was forwarded). */
    public static final String UPSTREAM_STATUS = "cxbridge.upstreamStatus";
    /** The request body's {@code audit.BodyTap}, for the log line. */
    public static final String REQUEST_BODY = "cxbridge.requestBody";
    /** The response body's {@code audit.BodyTap}, for the log line. */
    public static final String RESPONSE_BODY = "cxbridge.responseBody";

    public static final String REQUEST_ID = "cxbridge.requestId";
    /** The request target as checked and normalised by the path guard (absent when it was refused). */
    public static final String TARGET = "cxbridge.target";

    /** Header names looked up on every request, as Netty AsciiStrings: hashed once, not per look-up. */
    public static final CharSequence X_REQUEST_ID = HttpHeaders.createOptimized("X-Request-Id");

    public static final CharSequence TRACEPARENT_HEADER = HttpHeaders.createOptimized("traceparent");

    private static final String INVALID_TRACE_ID = "0".repeat(32);
    private static final Pattern REQUEST_ID_FORMAT = Pattern.compile("^[A-Za-z0-9._:-]{1,128}$");
    private static final Pattern TRACEPARENT = Pattern.compile("^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$");

    /** Health, metrics and OpenAPI ({@code /q/**}): no key, no audit (probes and scrapers call them constantly). */
    public static boolean isManagement(io.vertx.core.http.HttpServerRequest request) {
        return request.path().startsWith("/q/");
    }

    /** The W3C trace id the client sent in {@code traceparent}, else the current span's, else a new one. */
    public static String traceIdOf(RoutingContext rc) {
        String given = givenTraceId(rc);
        if (given != null) {
            return given;
        }
        String current = TraceIds.current();
        return current != null ? current : Ids.newTraceId();
    }

    /** The trace id of a well-formed {@code traceparent}, else null (W3C Trace Context: ignore, never refuse). */
    public static String givenTraceId(RoutingContext rc) {
        return traceIdIn(rc.request().getHeader(TRACEPARENT_HEADER));
    }

    /** The trace id of a {@code traceparent} value when it is well-formed, else null. */
    public static String traceIdIn(String traceparent) {
        if (traceparent != null && traceparent.length() <= 55) {
            var m = TRACEPARENT.matcher(traceparent);
            if (m.matches() && !m.group(1).equals(INVALID_TRACE_ID)) {
                return m.group(1);
            }
        }
        return null;
    }

    /** The caller's {@code X-Request-Id} when well-formed, else null (a malformed one is replaced, never copied). */
    public static String givenRequestId(RoutingContext rc) {
        return wellFormedRequestId(rc.request().getHeader(X_REQUEST_ID));
    }

    /** {@code given} when it is a well-formed request id, else null. */
    public static String wellFormedRequestId(String given) {
        return given != null && REQUEST_ID_FORMAT.matcher(given).matches() ? given : null;
    }

    /** The request's id: the caller's well-formed {@code X-Request-Id}, else its trace id. */
    public static String requestId(RoutingContext rc) {
        String id = rc.get(REQUEST_ID);
        if (id != null) {
            return id;
        }
        String given = givenRequestId(rc);
        return given != null ? given : traceId(rc);
    }

    /** The normalised path (what routing, grants, limits, logs and forwarding use), or the raw one before the guard. */
    public static String path(RoutingContext rc) {
        io.cxbridge.genesys.url.RequestTarget target = rc.get(TARGET);
        return target != null ? target.path() : rc.request().path();
    }

    public static String traceId(RoutingContext rc) {
        String t = rc.get(TRACE_ID);
        return t != null ? t : traceIdOf(rc);
    }

    /** Records who the request is from (for idempotency, service routes, the log line and the audit event). */
    public static void clientId(RoutingContext rc, String clientId) {
        rc.put(CLIENT_ID, clientId);
    }

    public static String clientId(RoutingContext rc) {
        return rc.get(CLIENT_ID);
    }

    /** Ends the request with a problem+json body. */
    public static void problem(RoutingContext rc, int status, String title, String detail) {
        problem(rc, status, Problem.typeFor(status), title, detail);
    }

    /**
     * Ends the request with a problem+json body and {@code X-Request-Id}. On the Genesys API's paths the body
     * also carries the platform's ErrorBody fields ({@code message}, {@code code}, {@code status},
     * {@code contextId} = the request id), so the official SDKs read it as one of their own errors.
     */
    public static void problem(RoutingContext rc, int status, String type, String title, String detail) {
        if (rc.response().ended() || rc.response().closed()) {
            return;
        }
        String requestId = requestId(rc);
        ObjectNode body = Json.mapper().valueToTree(Problem.of(status, type, title, detail, traceId(rc)));
        if (isPlatformPath(rc.request().path())) {
            body.put("message", detail != null ? detail : title);
            body.put("code", type.substring(type.lastIndexOf(':') + 1));
            body.put("contextId", requestId);
        }
        rc.response()
                .setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(X_REQUEST_ID, requestId)
                .end(body.toString());
    }

    /** The proxied Genesys API ({@code /api/v2/**} and its alias), whose errors SDK clients read. */
    public static boolean isPlatformPath(String path) {
        return path != null
                && (path.equals("/api/v2")
                        || path.startsWith("/api/v2/")
                        || path.equals("/genesys-api")
                        || path.startsWith("/genesys-api/"));
    }

    private RequestContext() {}
}
