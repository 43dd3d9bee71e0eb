package io.cxbridge.gateway.audit;

import io.cxbridge.common.audit.AuditEmitter;
import io.cxbridge.gateway.auth.GatewayClient;
import io.cxbridge.genesys.redaction.Redactor;
import io.cxbridge.model.audit.AuditTypes;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * First on every request: fixes its trace id, then, when the response is done, writes one JSON log line
 * (redacted query, bodies redacted by content type, no credential) and sends one {@code io.cxbridge.gateway.request} audit event
 * off the response path (its outcome is counted by the emitter, never awaited by the client).
 */
@ApplicationScoped
public class RequestAudit {

    private static final Logger LOG = Logger.getLogger("io.cxbridge.gateway.requests");
    /** Runs before authentication (and everything else), so refused requests are audited too. */
    public static final int ORDER = -2_000_000;

    private final AuditEmitter audit;
    private final Redactor redactor;
    private final MeterRegistry registry;

    public RequestAudit(AuditEmitter audit, Redactor redactor, MeterRegistry registry) {
        this.audit = audit;
        this.redactor = redactor;
        this.registry = registry;
    }

    void install(@Observes Router router) {
        router.route().order(ORDER).handler(this::handle);
    }

    private void handle(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        if (RequestContext.isManagement(request)) {
            rc.next();
            return;
        }
        long started = System.nanoTime();
        String traceId = RequestContext.traceIdOf(rc);
        rc.put(RequestContext.TRACE_ID, traceId);
        // A malformed X-Request-Id or traceparent is replaced (never copied into a log line or upstream) and counted.
        if (request.getHeader("traceparent") != null && RequestContext.givenTraceId(rc) == null) {
            replaced("traceparent");
        }
        String requestId = RequestContext.givenRequestId(rc);
        if (requestId == null && request.getHeader("X-Request-Id") != null) {
            replaced("X-Request-Id");
        }
        String id = requestId != null ? requestId : traceId;
        rc.put(RequestContext.REQUEST_ID, id);
        // Every answer carries the request id, whoever writes it (the proxy, a route, RESTEasy's own errors).
        rc.addHeadersEndHandler(v -> {
            if (!rc.response().headers().contains("X-Request-Id")) {
                rc.response().putHeader("X-Request-Id", id);
            }
        });
        rc.addEndHandler(ignored -> record(rc, traceId, started));
        rc.next();
    }

    private void replaced(String header) {
        registry.counter("cxbridge.gateway.trace.headers.replaced", "header", header).increment();
    }

    /**
     * A body the gateway saw: when small, redacted by its content type (JSON, form, YAML, text: sensitive keys
     * and PII patterns; anything else only size and SHA-256), else only its size and SHA-256.
     */
    private String body(String label, BodyTap tap, String contentType) {
        if (tap == null || tap.size() == 0) {
            return "";
        }
        Buffer small = tap.small();
        return small == null ? label + tap.size() + " B sha256 " + tap.sha256()
                : label + redactor.body(contentType, small.getBytes());
    }

    /** The normalised path; a refused target is never logged as the client wrote it (nor as Vert.x parsed it). */
    private static String loggedPath(RoutingContext rc) {
        return rc.get(RequestContext.TARGET) != null || RequestContext.isManagement(rc.request())
                ? RequestContext.path(rc) : "(refused request target)";
    }

    private String query(RoutingContext rc) {
        io.cxbridge.genesys.url.RequestTarget target = rc.get(RequestContext.TARGET);
        String q = target == null ? "" : target.encodedQuery();
        return q.isEmpty() ? "" : "?" + redactor.query(q);
    }

    private void record(RoutingContext rc, String traceId, long started) {
        HttpServerRequest request = rc.request();
        GatewayClient client = RequestContext.client(rc);
        int status = rc.response().getStatusCode();
        long durationMs = (System.nanoTime() - started) / 1_000_000;
        String attempts = rc.response().headers().get("X-Upstream-Attempts");
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("clientId", client == null ? null : client.id());
        data.put("method", request.method().name());
        data.put("path", loggedPath(rc));
        data.put("status", status);
        data.put("upstreamStatus", rc.get(RequestContext.UPSTREAM_STATUS));
        data.put("durationMs", durationMs);
        data.put("bytesIn", request.bytesRead());
        data.put("bytesOut", rc.response().bytesWritten());
        data.put("retries", attempts == null ? 0 : Math.max(0, Integer.parseInt(attempts) - 1));
        audit.emitObserved(audit.event(AuditTypes.GATEWAY_REQUEST, traceId, traceId, data));

        MDC.put("traceId", traceId);
        try {
            LOG.infof("%s %s%s -> %d in %d ms (client %s, in %d B, out %d B)%s", request.method().name(),
                    loggedPath(rc), query(rc), status,
                    durationMs, client == null ? "-" : client.id(), request.bytesRead(),
                    rc.response().bytesWritten(),
                    body(" body ", rc.get(RequestContext.REQUEST_BODY), request.getHeader(HttpHeaders.CONTENT_TYPE))
                            + body(" response ", rc.get(RequestContext.RESPONSE_BODY),
                            rc.response().headers().get(HttpHeaders.CONTENT_TYPE)));
        } finally {
            MDC.remove("traceId");
        }
    }
}
