package io.cxbridge.gateway.errors;

import io.cxbridge.gateway.context.RequestContext;
import io.cxbridge.gateway.proxy.PathGuard;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Every error the gateway's router would otherwise answer with an empty or HTML body (no route, a body over the
 * limit, an unreadable body, an unexpected failure) becomes problem+json with {@code X-Request-Id} (and the
 * platform's ErrorBody fields on the Genesys API's paths). Errors the HTTP decoder answers before any route
 * (a malformed request line, duplicate Content-Length) stay the decoder's; the README lists them.
 */
@ApplicationScoped
public class GatewayErrors {

    private static final Logger LOG = Logger.getLogger(GatewayErrors.class);

    private final PathGuard guard;

    public GatewayErrors(PathGuard guard) {
        this.guard = guard;
    }

    /** Installed by {@code chain.GatewayChain}; {@code failureOrder} puts the failure handler before every step. */
    public void install(Router router, int failureOrder) {
        router.route().order(failureOrder).failureHandler(this::failed);
        // A target the router could not route ('*', 'host:port', a backslash) is the guard's 400, not a 404.
        router.errorHandler(404, rc -> {
            if (guard.accepted(rc)) {
                RequestContext.problem(
                        rc,
                        404,
                        "Not Found",
                        "no route serves " + rc.request().method().name() + " " + RequestContext.path(rc));
            }
        });
        router.errorHandler(400, rc -> {
            if (guard.accepted(rc)) {
                RequestContext.problem(rc, 400, "Bad Request", "the request could not be read");
            }
        });
        router.errorHandler(
                405,
                rc -> RequestContext.problem(
                        rc,
                        405,
                        "Method Not Allowed",
                        rc.request().method().name() + " is not allowed on " + RequestContext.path(rc)));
    }

    private void failed(RoutingContext rc) {
        int status = rc.statusCode() >= 400 ? rc.statusCode() : 500;
        if ((status == 400 || status == 404) && !guard.accepted(rc)) {
            return; // the router's own 400/404 for a target it cannot route ('*', 'host:port'): the guard's 400 instead
        }
        if (status >= 500) {
            LOG.errorf(rc.failure(), "request %s failed", RequestContext.requestId(rc));
        }
        String detail = switch (status) {
            case 413 -> "the request body is larger than the gateway accepts";
            case 400 -> "the request could not be read";
            case 404 -> "no route serves " + rc.request().method().name() + " " + RequestContext.path(rc);
            default -> status >= 500 ? "the gateway failed to handle the request" : null;
        };
        if (rc.response().headWritten()) {
            // Too late for an answer: the client must not mistake a cut response for a complete one.
            rc.response().reset();
            return;
        }
        RequestContext.problem(rc, status, HttpResponseStatus.valueOf(status).reasonPhrase(), detail);
    }
}
