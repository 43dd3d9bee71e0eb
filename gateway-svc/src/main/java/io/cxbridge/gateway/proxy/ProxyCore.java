package io.cxbridge.gateway.proxy;

import io.cxbridge.gateway.audit.BodyTap;
import io.cxbridge.gateway.audit.Tapped;
import io.cxbridge.gateway.config.GatewayConfig;
import io.cxbridge.gateway.context.RequestContext;
import io.cxbridge.genesys.breaker.CircuitOpenException;
import io.cxbridge.genesys.http.StreamPipes;
import io.cxbridge.genesys.http.UpstreamException;
import io.cxbridge.genesys.shaping.RateLimitedException;
import io.cxbridge.genesys.token.TokenException;
import io.cxbridge.genesys.url.UnsafeTargetException;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.streams.ReadStream;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * What every forwarding route shares (the Genesys proxy and the service routes), written once: the request
 * headers without hop-by-hop and caller credentials, the announced and the streamed body limit, the body tapped for
 * the log line, the answer relayed as it streams, and the mapping of a failed call to the client's answer.
 */
@ApplicationScoped
public class ProxyCore {

    private static final Logger LOG = Logger.getLogger(ProxyCore.class);
    /** The upstream name under which failures are mapped as Genesys answers them. */
    public static final String GENESYS = "Genesys";

    private static final CharSequence UPSTREAM_ATTEMPTS = HttpHeaders.createOptimized("X-Upstream-Attempts");

    private final long maxBodySize;
    private final long logLimit;

    public ProxyCore(GatewayConfig config) {
        this.maxBodySize = config.proxy().maxBodySize().asLongValue();
        this.logLimit = config.logging().logBodyLimit().asLongValue();
    }

    /** The client's headers as they go upstream: hop-by-hop and the caller's credentials removed, the request id set. */
    public static MultiMap requestHeaders(HttpServerRequest request, String requestId) {
        return HopByHop.forRequest(request.headers()).set(RequestContext.X_REQUEST_ID, requestId);
    }

    /** The announced {@code Content-Length}, or -1 when absent or unreadable. */
    public static long contentLength(HttpServerRequest request) {
        String value = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** 413 when the body announced is over the limit (then true: answered, nothing forwarded). */
    public boolean refusedAsTooLarge(RoutingContext rc) {
        if (contentLength(rc.request()) <= maxBodySize) {
            return false;
        }
        RequestContext.problem(
                rc, 413, "Payload Too Large", "the request body is larger than " + maxBodySize + " bytes");
        return true;
    }

    /** The route takes the body over as a stream: it stays paused until {@link #streamedBody} is piped somewhere. */
    public static void takeBodyOver(RoutingContext rc) {
        rc.put(RequestContext.BODY_STREAMED, true);
        rc.request().pause();
    }

    /** The request body as it streams upstream: tapped for the log line, cut with 413 past the body limit. */
    public ReadStream<Buffer> streamedBody(RoutingContext rc) {
        BodyTap tap = new BodyTap(logLimit);
        rc.put(RequestContext.REQUEST_BODY, tap);
        return BodyLimit.apply(rc, new Tapped(rc.request(), tap), maxBodySize);
    }

    /**
     * The answer's head: the upstream status and headers (hop-by-hop and {@code Set-Cookie} removed),
     * {@code X-Upstream-Attempts} when {@code attempts > 0}, and the request id.
     */
    public static HttpServerResponse head(
            RoutingContext rc, int status, MultiMap headers, int attempts, String requestId) {
        rc.put(RequestContext.UPSTREAM_STATUS, status);
        HttpServerResponse response = rc.response().setStatusCode(status);
        HopByHop.copyResponse(headers, response.headers());
        if (attempts > 0) {
            response.putHeader(UPSTREAM_ATTEMPTS, String.valueOf(attempts));
        }
        return response.putHeader(RequestContext.X_REQUEST_ID, requestId);
    }

    /** Relays the answer as it streams (a break on either side resets the other), tapped for the log line. */
    public void relay(
            RoutingContext rc, int status, MultiMap headers, HttpClientResponse body, int attempts, String requestId) {
        HttpServerResponse response = rc.response();
        if (response.ended() || response.closed()) {
            body.resume();
            return;
        }
        head(rc, status, headers, attempts, requestId);
        if (!headers.contains(HttpHeaders.CONTENT_LENGTH)) {
            response.setChunked(true);
        }
        BodyTap tap = new BodyTap(logLimit);
        rc.put(RequestContext.RESPONSE_BODY, tap);
        StreamPipes.relay(body, new Tapped(body, tap), response)
                .onFailure(e -> LOG.debugf("relay of %s ended early: %s", requestId, e.getMessage()));
    }

    /**
     * A call that brought no answer: Genesys' refusals as genesys-client reports them (rate budget 429, breaker 503,
     * no answer 502/504, unsafe target 400, no token 502); anything else from Genesys 502, and a service that cannot
     * be reached 503 with Retry-After. Nothing when the request is already answered (a body over the limit) or gone.
     */
    public static void fail(RoutingContext rc, Throwable failure, String requestId, String upstream) {
        if (rc.response().ended() || rc.response().closed()) {
            return;
        }
        HttpServerResponse response = rc.response().putHeader("X-Request-Id", requestId);
        if (failure instanceof RateLimitedException e) {
            response.putHeader("Retry-After", String.valueOf(e.retryAfterSeconds()));
            RequestContext.problem(rc, 429, "Too Many Requests", e.getMessage());
        } else if (failure instanceof CircuitOpenException e) {
            response.putHeader(
                    "Retry-After", String.valueOf(Math.max(1, e.retryAfter().toSeconds())));
            RequestContext.problem(rc, 503, "Service Unavailable", "Genesys is failing: " + e.getMessage());
        } else if (failure instanceof UpstreamException e) {
            response.putHeader("X-Upstream-Attempts", String.valueOf(e.attempts()));
            boolean timeout = e.getCause() instanceof TimeoutException;
            RequestContext.problem(
                    rc, timeout ? 504 : 502, timeout ? "Gateway Timeout" : "Bad Gateway", e.getMessage());
        } else if (failure instanceof UnsafeTargetException e) {
            RequestContext.problem(rc, 400, "Bad Request", e.getMessage());
        } else if (failure instanceof TokenException e) {
            RequestContext.problem(
                    rc, 502, "Bad Gateway", "cxbridge could not authenticate with Genesys: " + e.getMessage());
        } else if (GENESYS.equals(upstream)) {
            LOG.errorf(failure, "proxying %s failed", requestId);
            RequestContext.problem(rc, 502, "Bad Gateway", "the call to Genesys failed");
        } else {
            LOG.warnf(
                    "%s did not answer %s %s: %s",
                    upstream, rc.request().method(), RequestContext.path(rc), failure.getMessage());
            response.putHeader("Retry-After", "5");
            RequestContext.problem(rc, 503, "Service Unavailable", upstream + " is not reachable; retry shortly");
        }
    }
}
