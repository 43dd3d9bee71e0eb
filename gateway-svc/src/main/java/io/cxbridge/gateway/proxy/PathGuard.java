package io.cxbridge.gateway.proxy;

import io.cxbridge.gateway.auth.Refusals;
import io.cxbridge.gateway.config.GatewayConfig;
import io.cxbridge.gateway.context.RequestContext;
import io.cxbridge.genesys.url.RequestTarget;
import io.cxbridge.genesys.url.UnsafeTargetException;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Step "guard", before authentication: the raw request target must be one genesys-client's
 * {@link RequestTarget} accepts (origin form, no traversal in any encoding, no path parameters, encoded
 * separators, {@code @}, control characters, fragments, a path within the bound); anything else is 400 and goes
 * no further. The normalised target is kept on the context: grants, limits, idempotency, logs, audit and
 * forwarding all use that one path. The rule and its corpus are in the README's security section. The method must
 * be one of HTTP's own, in capitals ({@code GET HEAD POST PUT PATCH DELETE OPTIONS}), else 405: nothing the platform
 * serves needs another, {@code TRACE} would ask an upstream to echo the organisation's token, and a {@code post}
 * would pass the steps that look for {@code POST} (idempotency) and still reach Genesys.
 */
@ApplicationScoped
public class PathGuard implements Handler<RoutingContext> {

    private static final Set<HttpMethod> SERVED = Set.of(
            HttpMethod.GET,
            HttpMethod.HEAD,
            HttpMethod.POST,
            HttpMethod.PUT,
            HttpMethod.PATCH,
            HttpMethod.DELETE,
            HttpMethod.OPTIONS);
    private static final String ALLOW = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";

    private final int maxPathLength;
    /** Connections that carried a chunked request: closed after its answer, nothing more served on them. */
    private final Map<HttpConnection, Boolean> closing = Collections.synchronizedMap(new WeakHashMap<>());
    /**
     * Entries put in {@link #closing} and not yet removed: while none is, the map (and its lock) is skipped, so a
     * request costs no lock shared by every connection. Counted up before the put; a connection's next request
     * runs on the same event loop, after it.
     */
    private final AtomicInteger closingCount = new AtomicInteger();

    private final MeterRegistry registry;

    public PathGuard(GatewayConfig config, MeterRegistry registry) {
        this.maxPathLength = config.requests().maxPathLength();
        this.registry = registry;
    }

    @Override
    public void handle(RoutingContext rc) {
        HttpConnection connection = rc.request().connection();
        if (closingCount.get() > 0 && closing.containsKey(connection)) {
            // Bytes after a chunked request's terminator (a smuggled request): answered, never served.
            rc.response().putHeader("Connection", "close");
            RequestContext.problem(
                    rc, 400, "Bad Request", "no request is served after a chunked request on the same connection");
            connection.close();
            return;
        }
        if (rc.request().headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
            // Netty decodes Content-Length + Transfer-Encoding as chunked and drops the Content-Length, so the two
            // cannot be told apart here: every chunked request's connection closes after its answer (RFC 9112 6.3),
            // and nothing after its terminator is served as another request.
            closingCount.incrementAndGet();
            if (closing.put(connection, Boolean.TRUE) != null) {
                closingCount.decrementAndGet(); // already counted
            }
            rc.response().putHeader("Connection", "close");
            rc.addEndHandler(v -> connection.close().onComplete(closed -> {
                if (closing.remove(connection) != null) {
                    closingCount.decrementAndGet();
                }
            }));
        }
        if (!SERVED.contains(rc.request().method())) {
            rc.response().putHeader(HttpHeaders.ALLOW, ALLOW);
            RequestContext.problem(rc, 405, "Method Not Allowed", "the gateway serves the methods " + ALLOW);
            return;
        }
        if (accepted(rc)) {
            rc.next();
        }
    }

    /**
     * Keeps the normalised target and returns true, or answers 400 and returns false. Also called by the router's
     * 400/404 handlers: targets Vert.x's router cannot route at all ({@code *}, {@code host:port}) never reach the
     * guard's route, yet must get the same 400.
     */
    public boolean accepted(RoutingContext rc) {
        if (rc.get(RequestContext.TARGET) != null) {
            return true;
        }
        try {
            rc.put(RequestContext.TARGET, RequestTarget.parse(rc.request().uri(), maxPathLength));
            return true;
        } catch (UnsafeTargetException e) {
            Refusals.count(registry, 400, Refusals.REQUEST_TARGET);
            // Connection: close, as for any request whose framing or target the gateway does not trust.
            rc.response().putHeader("Connection", "close");
            RequestContext.problem(rc, 400, "Bad Request", e.getMessage());
            return false;
        }
    }
}
