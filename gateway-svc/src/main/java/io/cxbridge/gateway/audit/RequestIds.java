package io.cxbridge.gateway.audit;

import io.cxbridge.common.trace.TraceIds;
import io.cxbridge.gateway.context.RequestContext;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Step "request id": fixes the request's trace id (a well-formed {@code traceparent}, else the current span's, else a
 * new one) and its request id (a well-formed {@code X-Request-Id}, else the trace id), and makes every answer carry
 * {@code X-Request-Id}, whoever writes it. A malformed header is replaced, never copied, and counted.
 */
@ApplicationScoped
public class RequestIds implements Handler<RoutingContext> {

    private final Counter traceparentReplaced;
    private final Counter requestIdReplaced;

    public RequestIds(MeterRegistry registry) {
        // Registered once, not looked up per request.
        this.traceparentReplaced = registry.counter("cxbridge.gateway.trace.headers.replaced", "header", "traceparent");
        this.requestIdReplaced = registry.counter("cxbridge.gateway.trace.headers.replaced", "header", "X-Request-Id");
    }

    @Override
    public void handle(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        if (RequestContext.isManagement(request)) {
            rc.next();
            return;
        }
        // Each header looked up once (by its AsciiString name) and each check done once.
        String traceparent = request.getHeader(RequestContext.TRACEPARENT_HEADER);
        String givenTraceId = RequestContext.traceIdIn(traceparent);
        if (traceparent != null && givenTraceId == null) {
            traceparentReplaced.increment();
        }
        String traceId = givenTraceId != null ? givenTraceId : TraceIds.current();
        rc.put(RequestContext.TRACE_ID, traceId);
        String requestIdHeader = request.getHeader(RequestContext.X_REQUEST_ID);
        String requestId = RequestContext.wellFormedRequestId(requestIdHeader);
        if (requestId == null && requestIdHeader != null) {
            requestIdReplaced.increment();
        }
        String id = requestId != null ? requestId : traceId;
        rc.put(RequestContext.REQUEST_ID, id);
        // Every answer carries the request id, whoever writes it (the proxy, a route, RESTEasy's own errors).
        rc.addHeadersEndHandler(v -> {
            MultiMap headers = rc.response().headers();
            if (!headers.contains(RequestContext.X_REQUEST_ID)) {
                headers.set(RequestContext.X_REQUEST_ID, id);
            }
        });
        rc.next();
    }
}
