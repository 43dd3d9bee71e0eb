package io.cxbridge.gateway.proxy;

import io.cxbridge.gateway.audit.BodyTap;
import io.cxbridge.gateway.audit.RequestContext;
import io.cxbridge.gateway.audit.Tapped;
import io.cxbridge.gateway.auth.ClientAuthentication;
import io.cxbridge.gateway.config.GatewayConfig;
import io.cxbridge.genesys.breaker.CircuitOpenException;
import io.cxbridge.genesys.http.GenesysClient;
import io.cxbridge.genesys.http.StreamPipes;
import io.cxbridge.genesys.http.StreamedResponse;
import io.cxbridge.genesys.http.UpstreamException;
import io.cxbridge.genesys.shaping.RateLimitedException;
import io.cxbridge.genesys.token.TokenException;
import io.cxbridge.genesys.url.RequestTarget;
import io.cxbridge.genesys.url.UnsafeTargetException;
import io.cxbridge.genesys.url.UpstreamUrl;
import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.gateway.auth.GatewayClient;
import io.cxbridge.gateway.idempotency.IdempotencyRecord;
import io.cxbridge.gateway.idempotency.IdempotencyStore;
import io.cxbridge.gateway.ingest.FailedRunPublisher;
import io.smallrye.mutiny.Uni;
import io.cxbridge.model.Headers;
import io.cxbridge.model.Json;
import io.cxbridge.model.event.FailedRun;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    private static final String ALIAS = "/genesys-api/";
    private static final Pattern EXECUTE = Pattern.compile("^/api/v2/integrations/actions/([^/]+)/execute$");
    private static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    /** The problem type of a keyed write whose outcome is unknown (sent, no answer). */
    public static final String OUTCOME_UNKNOWN = io.cxbridge.model.problem.Problem.TYPE_PREFIX + "outcome-unknown";
    private static final Set<HttpMethod> WRITES = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH);
    /** The answer headers a replay repeats (the rest describe one exchange). */
    private static final List<String> REPLAYED_HEADERS = List.of("Content-Type", "Location", "ETag", "Last-Modified",
            "ININ-Correlation-Id");

    private final GenesysClient genesys;
    private final GatewayConfig.Proxy config;
    private final FailedRunPublisher failedRuns;
    private final IdempotencyStore idempotency;
    private final GatewayConfig.Idempotency idempotencyConfig;
    private final long logLimit;
    private final Clock clock;

    public GenesysProxy(GenesysClient genesys, GatewayConfig config, FailedRunPublisher failedRuns,
                        IdempotencyStore idempotency, Clock clock) {
        this.genesys = genesys;
        this.config = config.proxy();
        this.failedRuns = failedRuns;
        this.idempotency = idempotency;
        this.idempotencyConfig = config.idempotency();
        this.logLimit = config.logging().logBodyLimit().asLongValue();
        this.clock = clock;
    }

    void install(@Observes Router router) {
        router.routeWithRegex("^/(api/v2|genesys-api)/.*$").handler(this::handle);
    }

    private void handle(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        // The guard's normalised target (the alias mapped onto /api/v2/), re-encoded: never the raw request line.
        RequestTarget target = ((RequestTarget) rc.get(RequestContext.TARGET)).withPrefix(ALIAS, UpstreamUrl.GENESYS_API_PREFIX);
        String path = target.path();
        String pathAndQuery = target.pathAndQuery();
        String requestId = RequestContext.requestId(rc);
        MultiMap headers = HopByHop.forRequest(request.headers())
                .set("ININ-Correlation-Id", requestId)
                .set("X-Request-Id", requestId)
                .remove(Headers.ASYNC_RETRY)
                .remove(IDEMPOTENCY_KEY);
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
        String idempotencyKey = request.getHeader(IDEMPOTENCY_KEY);
        if (idempotencyKey != null && WRITES.contains(request.method())) {
            if (chunked || length > config.bufferLimit().asLongValue()) {
                RequestContext.problem(rc, 413, "Payload Too Large", "a request with an Idempotency-Key may carry at most "
                        + config.bufferLimit().asLongValue() + " bytes (its body is kept to recognise repeats)");
                return;
            }
            if (idempotencyKey.isBlank() || idempotencyKey.length() > 255) {
                RequestContext.problem(rc, 400, "Bad Request", "Idempotency-Key must be 1 to 255 characters");
                return;
            }
            if (length <= 0) {
                keyed(rc, idempotencyKey, pathAndQuery, headers, Buffer.buffer(), requestId);
            } else {
                String pq = pathAndQuery;
                request.body().onSuccess(body -> {
                    rc.put(RequestContext.REQUEST_BODY, BodyTap.of(body, logLimit));
                    keyed(rc, idempotencyKey, pq, headers, body, requestId);
                }).onFailure(rc::fail);
            }
            return;
        }
        if (length <= 0 && !chunked) {
            forward(rc, pathAndQuery, headers, null, requestId, false);
        } else if (length > 0 && length <= config.bufferLimit().asLongValue()) {
            request.body().onSuccess(body -> {
                rc.put(RequestContext.REQUEST_BODY, BodyTap.of(body, logLimit));
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
        ReadStream<Buffer> bodyStream = null;
        if (streamBody) {
            BodyTap tap = new BodyTap(logLimit);
            rc.put(RequestContext.REQUEST_BODY, tap);
            bodyStream = BodyLimit.apply(rc, new Tapped(rc.request(), tap), config.maxBodySize().asLongValue());
        }
        genesys.stream(rc.request().method(), pathAndQuery, headers, body, bodyStream, config.deadline())
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

    /**
     * A write with an Idempotency-Key: claimed in Redis per client with a fingerprint of method, path, query and
     * body; a repeat gets the stored answer ({@code Idempotent-Replayed: true}), another body under the same key
     * 422, a repeat while the first is in flight 409. 5xx and 429 answers are not kept. No Redis: 503.
     */
    private void keyed(RoutingContext rc, String key, String pathAndQuery, MultiMap headers, Buffer body, String requestId) {
        GatewayClient client = RequestContext.client(rc);
        HttpMethod method = rc.request().method();
        String fingerprint = IdempotencyStore.fingerprint(method.name(), pathAndQuery, body.getBytes());
        idempotency.claim(client.id(), key, fingerprint, config.deadline().plusSeconds(5))
                .subscribe().with(existing -> {
                    if (existing.isEmpty()) {
                        callOnce(rc, client, key, fingerprint, pathAndQuery, headers, body, requestId);
                    } else if (!existing.get().fingerprint().equals(fingerprint)) {
                        RequestContext.problem(rc, 422, "Unprocessable Content",
                                "this Idempotency-Key was used for a different request (method, path, query or body)");
                    } else if (IdempotencyRecord.OUTCOME_UNKNOWN.equals(existing.get().state())) {
                        RequestContext.problem(rc, 409, OUTCOME_UNKNOWN, "Conflict", "a request with this Idempotency-Key "
                                + "was sent to Genesys and no answer came, so it may have taken effect; it is not run again");
                    } else if (IdempotencyRecord.TOO_LARGE.equals(existing.get().state())) {
                        RequestContext.problem(rc, 409, "Conflict", "a request with this Idempotency-Key completed with status "
                                + existing.get().status() + "; the answer is too large to replay");
                    } else if (!existing.get().done()) {
                        rc.response().putHeader("Retry-After", "1");
                        RequestContext.problem(rc, 409, "Conflict", "a request with this Idempotency-Key is still in progress");
                    } else {
                        replay(rc, existing.get(), requestId);
                    }
                }, failure -> storeDown(rc, failure, requestId));
    }

    private void callOnce(RoutingContext rc, GatewayClient client, String key, String fingerprint, String pathAndQuery,
                          MultiMap headers, Buffer body, String requestId) {
        genesys.stream(rc.request().method(), pathAndQuery, headers, body, null, config.deadline())
                .subscribe().with(answer -> keepOrPassThrough(rc, client, key, fingerprint, answer, requestId),
                        failure -> settle(rc, client, key, fingerprint, failure, requestId));
    }

    private void settle(RoutingContext rc, GatewayClient client, String key, String fingerprint, Throwable failure,
                        String requestId) {
        (mayHaveReachedGenesys(failure)
                ? idempotency.outcomeUnknown(client.id(), key, fingerprint) : idempotency.release(client.id(), key))
                .onFailure().invoke(e -> LOG.warnf("idempotency record for %s not updated: %s", requestId, e.getMessage()))
                .onFailure().recoverWithNull()
                .subscribe().with(x -> fail(rc, failure, requestId));
    }

    /**
     * A keyed answer is held only up to {@code max-stored-body}: one that ends within it is stored (or, for a 5xx or
     * 429, the key released) and sent whole; a larger one is sent on as it streams, and the key keeps a tombstone
     * (the write happened, so it never runs again). An upstream that fails mid-answer leaves the outcome unknown.
     */
    private void keepOrPassThrough(RoutingContext rc, GatewayClient client, String key, String fingerprint,
                                   StreamedResponse answer, String requestId) {
        long limit = idempotencyConfig.maxStoredBody().asLongValue();
        boolean keep = answer.status() < 500 && answer.status() != 429;
        HttpClientResponse upstream = answer.body();
        Buffer held = Buffer.buffer();
        upstream.exceptionHandler(e -> settle(rc, client, key, fingerprint,
                new UpstreamException("the answer broke off: " + e.getMessage(), e, answer.attempts()), requestId));
        upstream.endHandler(v -> {
            Map<String, String> kept = new LinkedHashMap<>();
            for (String name : REPLAYED_HEADERS) {
                String value = answer.headers().get(name);
                if (value != null) {
                    kept.put(name, value);
                }
            }
            Uni<Void> bookkeeping = keep
                    ? idempotency.complete(client.id(), key, new IdempotencyRecord(IdempotencyRecord.DONE, fingerprint,
                    answer.status(), kept, Base64.getEncoder().encodeToString(held.getBytes())))
                    : idempotency.release(client.id(), key);
            bookkept(bookkeeping, requestId, () -> {
                rc.put(RequestContext.RESPONSE_BODY, BodyTap.of(held, logLimit));
                answerHead(rc, answer, requestId).end(held);
            });
        });
        upstream.handler(chunk -> {
            held.appendBuffer(chunk);
            if (held.length() > limit) {
                // Too large to keep: pass it through and leave a tombstone (a 5xx or 429 just releases the key).
                upstream.pause();
                upstream.handler(null).endHandler(null).exceptionHandler(null);
                Uni<Void> bookkeeping = keep
                        ? idempotency.complete(client.id(), key, IdempotencyRecord.tooLarge(fingerprint, answer.status()))
                        : idempotency.release(client.id(), key);
                bookkept(bookkeeping, requestId, () -> {
                    HttpServerResponse response = answerHead(rc, answer, requestId);
                    if (!answer.headers().contains("Content-Length")) {
                        response.setChunked(true);
                    }
                    BodyTap tap = new BodyTap(logLimit);
                    tap.accept(held);
                    rc.put(RequestContext.RESPONSE_BODY, tap);
                    response.write(held);
                    StreamPipes.relay(upstream, new Tapped(upstream, tap), response)
                            .onFailure(e -> LOG.debugf("relay of %s ended early: %s", requestId, e.getMessage()));
                });
            }
        });
        upstream.resume();
    }

    private static void bookkept(Uni<Void> bookkeeping, String requestId, Runnable then) {
        bookkeeping.onFailure().invoke(e -> LOG.warnf("idempotency record for %s not updated: %s", requestId, e.getMessage()))
                .onFailure().recoverWithNull()
                .subscribe().with(x -> then.run());
    }

    private static HttpServerResponse answerHead(RoutingContext rc, StreamedResponse answer, String requestId) {
        rc.put(RequestContext.UPSTREAM_STATUS, answer.status());
        HttpServerResponse response = rc.response().setStatusCode(answer.status());
        response.headers().addAll(HopByHop.forResponse(answer.headers()));
        return response.putHeader("X-Upstream-Attempts", String.valueOf(answer.attempts()))
                .putHeader("X-Request-Id", requestId);
    }

    /**
     * Sent and no answer (a timeout, a connection lost after sending): Genesys may have done it. Refused before
     * sending (breaker, rate budget, token, connection refused): it certainly did not.
     */
    private static boolean mayHaveReachedGenesys(Throwable failure) {
        return failure instanceof UpstreamException
                && !(failure.getCause() instanceof java.net.ConnectException)
                && !(failure.getCause() != null && failure.getCause().getCause() instanceof java.net.ConnectException);
    }

    private void replay(RoutingContext rc, IdempotencyRecord stored, String requestId) {
        Buffer body = Buffer.buffer(Base64.getDecoder().decode(stored.body()));
        rc.put(RequestContext.RESPONSE_BODY, BodyTap.of(body, logLimit));
        HttpServerResponse response = rc.response().setStatusCode(stored.status());
        if (stored.headers() != null) {
            stored.headers().forEach(response::putHeader);
        }
        response.putHeader("Idempotent-Replayed", "true").putHeader("X-Request-Id", requestId).end(body);
    }

    private void storeDown(RoutingContext rc, Throwable failure, String requestId) {
        LOG.warnf("keyed write %s refused: %s", requestId, failure.getMessage());
        rc.response().putHeader("Retry-After", "5");
        RequestContext.problem(rc, 503, "Service Unavailable",
                "requests with an Idempotency-Key cannot be protected right now; retry shortly");
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
        BodyTap tap = new BodyTap(logLimit);
        rc.put(RequestContext.RESPONSE_BODY, tap);
        StreamPipes.relay(upstream.body(), new Tapped(upstream.body(), tap), response)
                .onFailure(e -> LOG.debugf("relay of %s ended early: %s", requestId, e.getMessage()));
    }

    private void fail(RoutingContext rc, Throwable failure, String requestId) {
        if (rc.response().ended() || rc.response().closed()) {
            return; // already answered (a body over the limit) or the client is gone
        }
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
        } else if (failure instanceof UnsafeTargetException e) {
            RequestContext.problem(rc, 400, "Bad Request", e.getMessage());
        } else if (failure instanceof TokenException e) {
            RequestContext.problem(rc, 502, "Bad Gateway", "cxbridge could not authenticate with Genesys: " + e.getMessage());
        } else {
            LOG.errorf(failure, "proxying %s failed", requestId);
            RequestContext.problem(rc, 502, "Bad Gateway", "the call to Genesys failed");
        }
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
