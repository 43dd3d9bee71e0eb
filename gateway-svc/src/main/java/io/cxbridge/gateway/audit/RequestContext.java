package io.cxbridge.gateway.audit;

import io.cxbridge.common.trace.TraceIds;
import io.cxbridge.gateway.auth.GatewayClient;
import io.cxbridge.model.Json;
import io.cxbridge.model.event.Ids;
import io.cxbridge.model.problem.Problem;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.regex.Pattern;

/** What the gateway knows about the request in hand, kept on the Vert.x routing context. */
public final class RequestContext {

    static final String TRACE_ID = "cxbridge.traceId";
    static final String STARTED = "cxbridge.startedNanos";
    static final String CLIENT = "cxbridge.client";
    /** Set by whatever forwarded the request: the status the upstream answered (absent when nothing was forwarded). */
    public static final String UPSTREAM_STATUS = "cxbridge.upstreamStatus";
    /** The request body's {@link BodyTap}, for the log line. */
    public static final String REQUEST_BODY = "cxbridge.requestBody";
    /** The response body's {@link BodyTap}, for the log line. */
    public static final String RESPONSE_BODY = "cxbridge.responseBody";
    private static final Pattern TRACEPARENT = Pattern.compile("^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$");

    /** Health, metrics and OpenAPI ({@code /q/**}): no key, no audit (probes and scrapers call them constantly). */
    public static boolean isManagement(io.vertx.core.http.HttpServerRequest request) {
        return request.path().startsWith("/q/");
    }

    /** The W3C trace id the client sent in {@code traceparent}, else the current span's, else a new one. */
    static String traceIdOf(RoutingContext rc) {
        String traceparent = rc.request().getHeader("traceparent");
        if (traceparent != null) {
            var m = TRACEPARENT.matcher(traceparent.trim());
            if (m.matches() && !m.group(1).equals("0".repeat(32))) {
                return m.group(1);
            }
        }
        String current = TraceIds.current();
        return current != null ? current : Ids.newTraceId();
    }

    public static String traceId(RoutingContext rc) {
        String t = rc.get(TRACE_ID);
        return t != null ? t : traceIdOf(rc);
    }

    public static void client(RoutingContext rc, GatewayClient client) {
        rc.put(CLIENT, client);
    }

    public static GatewayClient client(RoutingContext rc) {
        return rc.get(CLIENT);
    }

    /** Ends the request with a problem+json body. */
    public static void problem(RoutingContext rc, int status, String title, String detail) {
        Problem p = Problem.of(status, Problem.typeFor(status), title, detail, traceId(rc));
        try {
            rc.response().setStatusCode(status)
                    .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                    .end(Json.mapper().writeValueAsString(p));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            rc.response().setStatusCode(status).end();
        }
    }

    private RequestContext() {
    }
}
