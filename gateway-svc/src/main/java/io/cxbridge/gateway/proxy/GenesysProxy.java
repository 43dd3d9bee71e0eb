package io.cxbridge.gateway.proxy;

import io.cxbridge.gateway.audit.RequestContext;
import io.cxbridge.gateway.auth.ClientAuthentication;
import io.cxbridge.gateway.config.GatewayConfig;
import io.cxbridge.genesys.breaker.CircuitOpenException;
import io.cxbridge.genesys.http.GenesysClient;
import io.cxbridge.genesys.http.StreamedResponse;
import io.cxbridge.genesys.http.UpstreamException;
import io.cxbridge.genesys.shaping.RateLimitedException;
import io.cxbridge.genesys.token.TokenException;
import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.gateway.ingest.FailedRunPublisher;
import io.cxbridge.model.Headers;
import io.cxbridge.model.Json;
import io.cxbridge.model.event.FailedRun;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The transparent proxy: {@code ANY /api/v2/**} (and its alias {@code /genesys-api/**}) to
 * {@code <genesys api base>/api/v2/**} through genesys-client (its token, rate budget, breaker and retries).
 * Bodies stream both ways; a request body up to the buffer limit is held so the call can be retried, a
 * larger one goes out once. The answer carries {@code X-Upstream-Attempts} and {@code X-Request-Id}.
 */
@ApplicationScoped
public class GenesysProxy {

    private static final Logger LOG = Logger.getLogger(GenesysProxy.class);
    private static final String ALIAS = "/genesys-api";
    private static final Pattern EXECUTE = Pattern.compile("^/api/v2/integrations/actions/([^/]+)/execute$");

    private final GenesysClient genesys;
    private final GatewayConfig.Proxy config;
    private final FailedRunPublisher failedRuns;
    private final Clock clock;

    public GenesysProxy(GenesysClient genesys, GatewayConfig config, FailedRunPublisher failedRuns, Clock clock) {
        this.genesys = genesys;
        this.config = config.proxy();
        this.failedRuns = failedRuns;
        this.clock = clock;
    }

    void install(@Observes Router router) {
        router.routeWithRegex("^/(api/v2|genesys-api)(/.*)?$").handler(this::handle);
    }

    private void handle(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        String path = PathGuard.collapse(PathGuard.rawPath(request.uri()));
        if (path.startsWith(ALIAS)) {
            path = "/api/v2" + path.substring(ALIAS.length());
        }
        String pathAndQuery = path + (request.query() == null ? "" : "?" + request.query());
        String requestId = requestId(rc);
        MultiMap headers = HopByHop.forRequest(request.headers())
                .set("ININ-Correlation-Id", requestId)
                .set("X-Request-Id", requestId)
                .remove(Headers.ASYNC_RETRY);
        Matcher execute = EXECUTE.matcher(path);
        String asyncActionId = request.method() == HttpMethod.POST && execute.matches()
                && "true".equalsIgnoreCase(request.getHeader(Headers.ASYNC_RETRY)) ? execute.group(1) : null;

        long length = contentLength(request);
        if (length > config.maxBodySize().asLongValue()) {
            RequestContext.problem(rc, 413, "Payload Too Large", "the request body is larger than "
                    + config.maxBodySize().asLongValue() + " bytes");
            return;
        }
        boolean chunked = request.headers().contains("Transfer-Encoding");
        if (length <= 0 && !chunked) {
            forward(rc, pathAndQuery, headers, null, requestId, false);
        } else if (length > 0 && length <= config.bufferLimit().asLongValue()) {
            request.body().onSuccess(body -> {
                if (asyncActionId != null) {
                    forwardWithAsyncRetry(rc, pathAndQuery, headers, body, requestId, asyncActionId);
                } else {
                    forward(rc, pathAndQuery, headers, body, requestId, false);
                }
            }).onFailure(rc::fail);
        } else {
            rc.put(ClientAuthentication.BODY_STREAMED, true);
            request.pause();
            forward(rc, pathAndQuery, headers, null, requestId, true);
        }
    }

    private void forward(RoutingContext rc, String pathAndQuery, MultiMap headers, Buffer body, String requestId,
                         boolean streamBody) {
        genesys.stream(rc.request().method(), pathAndQuery, headers, body, streamBody ? rc.request() : null,
                        config.deadline())
                .subscribe().with(response -> relay(rc, response, requestId), failure -> fail(rc, failure, requestId));
    }

    /**
     * Opt-in asynchronous retry: an execute that still ends in 429 or 5xx after the gateway's own retries is
     * handed to retry-svc (published as a FailedRun) and the client gets 202 {requestId} instead of the error.
     */
    private void forwardWithAsyncRetry(RoutingContext rc, String pathAndQuery, MultiMap headers, Buffer body,
                                       String requestId, String actionId) {
        genesys.stream(rc.request().method(), pathAndQuery, headers, body, null, config.deadline())
                .subscribe().with(response -> {
                    if (response.status() == 429 || response.status() >= 500) {
                        response.body().handler(b -> { }).resume();
                        handOver(rc, actionId, body, response.status(), requestId);
                    } else {
                        relay(rc, response, requestId);
                    }
                }, failure -> {
                    if (failure instanceof UpstreamException || failure instanceof CircuitOpenException
                            || failure instanceof RateLimitedException) {
                        handOver(rc, actionId, body, failure instanceof RateLimitedException ? 429 : 503, requestId);
                    } else {
                        fail(rc, failure, requestId);
                    }
                });
    }

    private void handOver(RoutingContext rc, String actionId, Buffer body, int lastStatus, String requestId) {
        JsonNode payload;
        try {
            payload = Json.mapper().readTree(body.getBytes());
        } catch (java.io.IOException e) {
            payload = null;
        }
        if (payload == null || !payload.isObject()) {
            RequestContext.problem(rc, 502, "Bad Gateway", "Genesys answered " + lastStatus
                    + " and the body is not a JSON object, so the run cannot be retried asynchronously");
            return;
        }
        FailedRun run = new FailedRun(null, actionId, requestId, payload, 0, null, lastStatus, RequestContext.traceId(rc))
                .withDefaults(clock, () -> RequestContext.traceId(rc));
        rc.put(RequestContext.UPSTREAM_STATUS, lastStatus);
        failedRuns.send(run).subscribe().with(
                ok -> rc.response().setStatusCode(202).putHeader("Content-Type", "application/json")
                        .putHeader("X-Request-Id", requestId)
                        .end("{\"requestId\":\"" + run.requestId() + "\"}"),
                e -> {
                    rc.response().putHeader("Retry-After", "5");
                    RequestContext.problem(rc, 503, "Service Unavailable", "Genesys answered " + lastStatus
                            + " and the run could not be queued for retry; retry the call");
                });
    }

    private void relay(RoutingContext rc, StreamedResponse upstream, String requestId) {
        HttpServerResponse response = rc.response();
        if (response.ended() || response.closed()) {
            upstream.body().resume();
            return;
        }
        rc.put(RequestContext.UPSTREAM_STATUS, upstream.status());
        response.setStatusCode(upstream.status());
        response.headers().addAll(HopByHop.forResponse(upstream.headers()));
        response.putHeader("X-Upstream-Attempts", String.valueOf(upstream.attempts()));
        response.putHeader("X-Request-Id", requestId);
        if (!upstream.headers().contains("Content-Length")) {
            response.setChunked(true);
        }
        upstream.body().pipeTo(response).onFailure(e -> LOG.debugf("relay of %s ended early: %s", requestId, e.getMessage()));
    }

    private void fail(RoutingContext rc, Throwable failure, String requestId) {
        HttpServerResponse response = rc.response().putHeader("X-Request-Id", requestId);
        if (failure instanceof RateLimitedException e) {
            response.putHeader("Retry-After", String.valueOf(e.retryAfterSeconds()));
            RequestContext.problem(rc, 429, "Too Many Requests", e.getMessage());
        } else if (failure instanceof CircuitOpenException e) {
            response.putHeader("Retry-After", String.valueOf(Math.max(1, e.retryAfter().toSeconds())));
            RequestContext.problem(rc, 503, "Service Unavailable", "Genesys is failing: " + e.getMessage());
        } else if (failure instanceof UpstreamException e) {
            response.putHeader("X-Upstream-Attempts", String.valueOf(e.attempts()));
            boolean timeout = e.getCause() instanceof TimeoutException;
            RequestContext.problem(rc, timeout ? 504 : 502, timeout ? "Gateway Timeout" : "Bad Gateway", e.getMessage());
        } else if (failure instanceof TokenException e) {
            RequestContext.problem(rc, 502, "Bad Gateway", "cxbridge could not authenticate with Genesys: " + e.getMessage());
        } else {
            LOG.errorf(failure, "proxying %s failed", requestId);
            RequestContext.problem(rc, 502, "Bad Gateway", "the call to Genesys failed");
        }
    }

    /** The caller's {@code X-Request-Id}, else the request's trace id. */
    private static String requestId(RoutingContext rc) {
        String given = rc.request().getHeader("X-Request-Id");
        return given != null && given.matches("[A-Za-z0-9._:-]{1,128}") ? given : RequestContext.traceId(rc);
    }

    private static long contentLength(HttpServerRequest request) {
        String value = request.getHeader("Content-Length");
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
