package io.cxbridge.gateway.audit;

import io.cxbridge.gateway.context.RequestContext;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
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
        String traceId = RequestContext.traceIdOf(rc);
        rc.put(RequestContext.TRACE_ID, traceId);
        if (request.getHeader("traceparent") != null && RequestContext.givenTraceId(rc) == null) {
            traceparentReplaced.increment();
        }
        String requestId = RequestContext.givenRequestId(rc);
        if (requestId == null && request.getHeader("X-Request-Id") != null) {
            requestIdReplaced.increment();
        }
        String id = requestId != null ? requestId : traceId;
        rc.put(RequestContext.REQUEST_ID, id);
        // Every answer carries the request id, whoever writes it (the proxy, a route, RESTEasy's own errors).
        rc.addHeadersEndHandler(v -> {
            if (!rc.response().headers().contains("X-Request-Id")) {
                rc.response().putHeader("X-Request-Id", id);
            }
        });
        rc.next();
    }
}
