package io.cxbridge.gateway.audit;

import io.cxbridge.common.audit.AuditEmitter;
import io.cxbridge.gateway.context.RequestContext;
import io.cxbridge.genesys.redaction.Redactor;
import io.cxbridge.model.audit.AuditTypes;
import io.cxbridge.model.audit.GatewayRequestAudit;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Step "log and audit": when the response is done, writes one JSON log line (redacted query, bodies redacted by
 * content type, no credential) and sends one {@code io.cxbridge.gateway.request} audit event off the response path
 * (its outcome is counted by the emitter, never awaited by the client). It runs right after the request id, before
 * any step that may refuse the request, so refused requests are logged and audited too.
 */
@ApplicationScoped
public class AccessLog implements Handler<RoutingContext> {

    private static final Logger LOG = Logger.getLogger("io.cxbridge.gateway.requests");

    private final AuditEmitter audit;
    private final Redactor redactor;

    public AccessLog(AuditEmitter audit, Redactor redactor) {
        this.audit = audit;
        this.redactor = redactor;
    }

    @Override
    public void handle(RoutingContext rc) {
        if (RequestContext.isManagement(rc.request())) {
            rc.next();
            return;
        }
        long started = System.nanoTime();
        String traceId = RequestContext.traceId(rc);
        rc.addEndHandler(ignored -> record(rc, traceId, started));
        rc.next();
    }

    /**
     * A body the gateway saw: when small, redacted by its content type (JSON, form, YAML, text: sensitive keys
     * and PII patterns; anything else only size and SHA-256), else only its size and SHA-256.
     */
    private void appendBody(StringBuilder line, String label, BodyTap tap, String contentType) {
        if (tap != null && tap.size() > 0) {
            line.append(label).append(tap.logged(redactor, contentType));
        }
    }

    /**
     * The normalised path, each segment redacted as text (a phone number or e-mail address used as an id); a refused
     * target is never logged as the client wrote it (nor as Vert.x parsed it).
     */
    private String loggedPath(RoutingContext rc) {
        return rc.get(RequestContext.TARGET) != null || RequestContext.isManagement(rc.request())
                ? redactor.path(RequestContext.path(rc))
                : "(refused request target)";
    }

    private String query(RoutingContext rc) {
        io.cxbridge.genesys.url.RequestTarget target = rc.get(RequestContext.TARGET);
        String q = target == null ? "" : target.encodedQuery();
        return q.isEmpty() ? "" : "?" + redactor.query(q);
    }

    private void record(RoutingContext rc, String traceId, long started) {
        HttpServerRequest request = rc.request();
        String clientId = RequestContext.clientId(rc);
        int status = rc.response().getStatusCode();
        long durationMs = (System.nanoTime() - started) / 1_000_000;
        String attempts = rc.response().headers().get("X-Upstream-Attempts");
        String path = loggedPath(rc);
        GatewayRequestAudit data = new GatewayRequestAudit(
                clientId,
                request.method().name(),
                path,
                status,
                rc.get(RequestContext.UPSTREAM_STATUS),
                durationMs,
                request.bytesRead(),
                rc.response().bytesWritten(),
                attempts == null ? 0 : Math.max(0, Integer.parseInt(attempts) - 1));
        audit.emitObserved(audit.event(AuditTypes.GATEWAY_REQUEST, traceId, traceId, data));

        if (!LOG.isInfoEnabled()) {
            return;
        }
        // One StringBuilder, no printf: the handler formats no pattern and the line is built once.
        StringBuilder line = new StringBuilder(256)
                .append(request.method().name())
                .append(' ')
                .append(path)
                .append(query(rc))
                .append(" -> ")
                .append(status)
                .append(" in ")
                .append(durationMs)
                .append(" ms (client ")
                .append(clientId == null ? "-" : clientId)
                .append(", in ")
                .append(request.bytesRead())
                .append(" B, out ")
                .append(rc.response().bytesWritten())
                .append(" B)");
        appendBody(line, " body ", rc.get(RequestContext.REQUEST_BODY), request.getHeader(HttpHeaders.CONTENT_TYPE));
        appendBody(
                line,
                " response ",
                rc.get(RequestContext.RESPONSE_BODY),
                rc.response().headers().get(HttpHeaders.CONTENT_TYPE));
        MDC.put("traceId", traceId);
        try {
            LOG.info(line.toString());
        } finally {
            MDC.remove("traceId");
        }
    }
}
