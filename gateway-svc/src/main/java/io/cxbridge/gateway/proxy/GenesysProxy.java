package io.cxbridge.gateway.proxy;

import io.cxbridge.gateway.audit.BodyTap;
import io.cxbridge.gateway.audit.Tapped;
import io.cxbridge.gateway.auth.Refusals;
import io.cxbridge.gateway.config.GatewayConfig;
import io.cxbridge.gateway.context.RequestContext;
import io.cxbridge.gateway.idempotency.IdempotencyBudget;
import io.cxbridge.gateway.idempotency.IdempotencyRecord;
import io.cxbridge.gateway.idempotency.IdempotencyStore;
import io.cxbridge.gateway.idempotency.KeyedWrite;
import io.cxbridge.genesys.http.GenesysClient;
import io.cxbridge.genesys.http.StreamPipes;
import io.cxbridge.genesys.http.StreamedResponse;
import io.cxbridge.genesys.http.UpstreamException;
import io.cxbridge.genesys.url.RequestTarget;
import io.cxbridge.genesys.url.UpstreamUrl;
import io.cxbridge.model.Headers;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.streams.ReadStream;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The transparent proxy: {@code ANY /api/v2/**} (and its alias {@code /genesys-api/**}) to
 * {@code <genesys api base>/api/v2/**} through genesys-client (its token, rate budget, breaker and retries).
 * Bodies stream both ways; a request body up to the buffer limit is held so the call can be retried, a
 * larger one goes out once. The answer carries {@code X-Upstream-Attempts} and {@code X-Request-Id}.
 */
@ApplicationScoped
public class GenesysProxy implements Handler<RoutingContext> {

    private static final Logger LOG = Logger.getLogger(GenesysProxy.class);
    private static final String ALIAS = "/genesys-api/";
    /** The paths this route serves (installed by {@code chain.GatewayChain}). */
    public static final String PATHS = "^/(api/v2|genesys-api)/.*$";
    /** The answer headers a replay repeats (the rest describe one exchange). */
    private static final List<String> REPLAYED_HEADERS =
            List.of("Content-Type", "Location", "ETag", "Last-Modified", "ININ-Correlation-Id");

    private final GenesysClient genesys;
    private final GatewayConfig.Proxy config;
    private final ProxyCore core;
    private final AsyncRetryHandOver asyncRetry;
    private final IdempotencyStore idempotency;
    private final GatewayConfig.Idempotency idempotencyConfig;
    private final Refusals refusals;
    private final long logLimit;

    public GenesysProxy(
            GenesysClient genesys,
            GatewayConfig config,
            ProxyCore core,
            AsyncRetryHandOver asyncRetry,
            IdempotencyStore idempotency,
            Refusals refusals) {
        this.genesys = genesys;
        this.config = config.proxy();
        this.core = core;
        this.asyncRetry = asyncRetry;
        this.idempotency = idempotency;
        this.idempotencyConfig = config.idempotency();
        this.refusals = refusals;
        this.logLimit = config.logging().logBodyLimit().asLongValue();
    }

    @Override
    public void handle(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        // The guard's normalised target (the alias mapped onto /api/v2/), re-encoded: never the raw request line.
        RequestTarget target =
                ((RequestTarget) rc.get(RequestContext.TARGET)).withPrefix(ALIAS, UpstreamUrl.GENESYS_API_PREFIX);
        String path = target.path();
        String pathAndQuery = target.pathAndQuery();
        String requestId = RequestContext.requestId(rc);
        MultiMap headers = ProxyCore.requestHeaders(request, requestId)
                .set("ININ-Correlation-Id", requestId)
                .remove(Headers.ASYNC_RETRY)
                .remove(KeyedWrite.HEADER);
        String asyncActionId = AsyncRetryHandOver.optedIn(request, path);

        if (core.refusedAsTooLarge(rc)) {
            return;
        }
        long length = ProxyCore.contentLength(request);
        boolean chunked = request.headers().contains(HttpHeaders.TRANSFER_ENCODING);
        String idempotencyKey = KeyedWrite.keyOf(request.method(), request.getHeader(KeyedWrite.HEADER));
        if (idempotencyKey != null) {
            Optional<KeyedWrite.Refusal> refusal = KeyedWrite.refusal(
                    idempotencyKey, chunked, length, config.bufferLimit().asLongValue());
            if (refusal.isPresent()) {
                RequestContext.problem(
                        rc,
                        refusal.get().status(),
                        refusal.get().title(),
                        refusal.get().detail());
                return;
            }
            if (length <= 0) {
                keyed(rc, idempotencyKey, pathAndQuery, headers, Buffer.buffer(), requestId);
            } else {
                String pq = pathAndQuery;
                request.body()
                        .onSuccess(body -> {
                            rc.put(RequestContext.REQUEST_BODY, BodyTap.of(body, logLimit));
                            keyed(rc, idempotencyKey, pq, headers, body, requestId);
                        })
                        .onFailure(rc::fail);
            }
            return;
        }
        if (length <= 0 && !chunked) {
            forward(rc, pathAndQuery, headers, null, requestId, false);
        } else if (length > 0 && length <= config.bufferLimit().asLongValue()) {
            request.body()
                    .onSuccess(body -> {
                        rc.put(RequestContext.REQUEST_BODY, BodyTap.of(body, logLimit));
                        if (asyncActionId != null) {
                            forwardWithAsyncRetry(rc, pathAndQuery, headers, body, requestId, asyncActionId);
                        } else {
                            forward(rc, pathAndQuery, headers, body, requestId, false);
                        }
                    })
                    .onFailure(rc::fail);
        } else {
            ProxyCore.takeBodyOver(rc);
            forward(rc, pathAndQuery, headers, null, requestId, true);
        }
    }

    private void forward(
            RoutingContext rc,
            String pathAndQuery,
            MultiMap headers,
            Buffer body,
            String requestId,
            boolean streamBody) {
        ReadStream<Buffer> bodyStream = streamBody ? core.streamedBody(rc) : null;
        genesys.stream(rc.request().method(), pathAndQuery, headers, body, bodyStream, config.deadline())
                .subscribe()
                .with(response -> relay(rc, response, requestId), failure -> fail(rc, failure, requestId));
    }

    /**
     * Opt-in asynchronous retry: an execute that still ends in 429 or 5xx after the gateway's own retries is
     * handed to retry-svc (published as a FailedRun) and the client gets 202 {requestId} instead of the error.
     */
    private void forwardWithAsyncRetry(
            RoutingContext rc, String pathAndQuery, MultiMap headers, Buffer body, String requestId, String actionId) {
        genesys.stream(rc.request().method(), pathAndQuery, headers, body, null, config.deadline())
                .subscribe()
                .with(
                        response -> {
                            if (AsyncRetryHandOver.handsOver(response.status())) {
                                response.body().handler(b -> {}).resume();
                                asyncRetry.handOver(rc, actionId, body, response.status(), requestId);
                            } else {
                                relay(rc, response, requestId);
                            }
                        },
                        failure -> {
                            int handedOverStatus = AsyncRetryHandOver.handsOver(failure);
                            if (handedOverStatus > 0) {
                                asyncRetry.handOver(rc, actionId, body, handedOverStatus, requestId);
                            } else {
                                fail(rc, failure, requestId);
                            }
                        });
    }

    /**
     * A write with an Idempotency-Key: claimed in Redis per client with a fingerprint of method, path, query and
     * body; a repeat gets the stored answer ({@code Idempotent-Replayed: true}), another body under the same key
     * 422, a repeat while the first is in flight 409. 5xx and 429 answers are not kept. No Redis: 503. A new key of a
     * client that has used up its idempotency storage budget: 429 with Retry-After, nothing sent.
     */
    private void keyed(
            RoutingContext rc, String key, String pathAndQuery, MultiMap headers, Buffer body, String requestId) {
        String client = RequestContext.clientId(rc);
        HttpMethod method = rc.request().method();
        String fingerprint = IdempotencyStore.fingerprint(method.name(), pathAndQuery, body.getBytes());
        idempotency
                .claim(client, key, fingerprint, config.deadline().plusSeconds(5))
                .subscribe()
                .with(
                        existing -> {
                            switch (KeyedWrite.decide(existing, fingerprint)) {
                                case RUN ->
                                    callOnce(rc, client, key, fingerprint, pathAndQuery, headers, body, requestId);
                                case DIFFERENT_REQUEST ->
                                    RequestContext.problem(
                                            rc,
                                            422,
                                            "Unprocessable Content",
                                            "this Idempotency-Key was used for a different request (method, path, query or body)");
                                case OUTCOME_UNKNOWN ->
                                    RequestContext.problem(
                                            rc,
                                            409,
                                            KeyedWrite.OUTCOME_UNKNOWN,
                                            "Conflict",
                                            "a request with this Idempotency-Key was sent to Genesys and no answer came, so it may"
                                                    + " have taken effect; it is not run again");
                                case TOO_LARGE ->
                                    RequestContext.problem(
                                            rc,
                                            409,
                                            "Conflict",
                                            "a request with this Idempotency-Key" + " completed with status "
                                                    + existing.get().status() + "; the answer is too large to replay");
                                case IN_PROGRESS -> {
                                    rc.response().putHeader("Retry-After", "1");
                                    RequestContext.problem(
                                            rc,
                                            409,
                                            "Conflict",
                                            "a request with this Idempotency-Key is still in progress");
                                }
                                case REPLAY -> replay(rc, existing.get(), requestId);
                            }
                        },
                        failure -> {
                            if (failure instanceof IdempotencyBudget.UsedUp usedUp) {
                                budgetUsedUp(rc, usedUp);
                            } else {
                                storeDown(rc, failure, requestId);
                            }
                        });
    }

    private void callOnce(
            RoutingContext rc,
            String client,
            String key,
            String fingerprint,
            String pathAndQuery,
            MultiMap headers,
            Buffer body,
            String requestId) {
        genesys.stream(rc.request().method(), pathAndQuery, headers, body, null, config.deadline())
                .subscribe()
                .with(
                        answer -> keepOrPassThrough(rc, client, key, fingerprint, answer, requestId),
                        failure -> settle(rc, client, key, fingerprint, failure, requestId));
    }

    private void settle(
            RoutingContext rc, String client, String key, String fingerprint, Throwable failure, String requestId) {
        (mayHaveReachedGenesys(failure)
                        ? idempotency.outcomeUnknown(client, key, fingerprint, requestId)
                        : idempotency.release(client, key, fingerprint))
                .onFailure()
                .invoke(e -> LOG.warnf("idempotency record for %s not updated: %s", requestId, e.getMessage()))
                .onFailure()
                .recoverWithNull()
                .subscribe()
                .with(x -> fail(rc, failure, requestId));
    }

    /**
     * A keyed answer is held only up to {@code max-stored-body}: one that ends within it is stored (or, for a 5xx or
     * 429, the key released) and sent whole; a larger one is sent on as it streams, and the key keeps a tombstone
     * (the write happened, so it never runs again). An upstream that fails mid-answer leaves the outcome unknown.
     */
    private void keepOrPassThrough(
            RoutingContext rc,
            String client,
            String key,
            String fingerprint,
            StreamedResponse answer,
            String requestId) {
        long limit = idempotencyConfig.maxStoredBody().asLongValue();
        boolean keep = KeyedWrite.kept(answer.status());
        HttpClientResponse upstream = answer.body();
        Buffer held = Buffer.buffer();
        upstream.exceptionHandler(e -> settle(
                rc,
                client,
                key,
                fingerprint,
                new UpstreamException("the answer broke off: " + e.getMessage(), e, answer.attempts()),
                requestId));
        upstream.endHandler(v -> {
            Map<String, String> kept = new LinkedHashMap<>();
            for (String name : REPLAYED_HEADERS) {
                String value = answer.headers().get(name);
                if (value != null) {
                    kept.put(name, value);
                }
            }
            Uni<Void> bookkeeping = keep
                    ? idempotency.complete(
                            client,
                            key,
                            new IdempotencyRecord(
                                    IdempotencyRecord.DONE,
                                    fingerprint,
                                    answer.status(),
                                    kept,
                                    Base64.getEncoder().encodeToString(held.getBytes())),
                            requestId)
                    : idempotency.release(client, key, fingerprint);
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
                        ? idempotency.complete(
                                client, key, IdempotencyRecord.tooLarge(fingerprint, answer.status()), requestId)
                        : idempotency.release(client, key, fingerprint);
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

    /**
     * The answer goes out once the bookkeeping's first attempt has ended, whatever came of it: a record Redis did not
     * take is retried in the background ({@link IdempotencyStore#complete}), a release that failed leaves the claim
     * to expire.
     */
    private static void bookkept(Uni<Void> bookkeeping, String requestId, Runnable then) {
        bookkeeping
                .onFailure()
                .invoke(e -> LOG.warnf("idempotency record for %s not updated: %s", requestId, e.getMessage()))
                .onFailure()
                .recoverWithNull()
                .subscribe()
                .with(x -> then.run());
    }

    private static HttpServerResponse answerHead(RoutingContext rc, StreamedResponse answer, String requestId) {
        return ProxyCore.head(rc, answer.status(), answer.headers(), answer.attempts(), requestId);
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
        response.putHeader("Idempotent-Replayed", "true")
                .putHeader("X-Request-Id", requestId)
                .end(body);
    }

    private void budgetUsedUp(RoutingContext rc, IdempotencyBudget.UsedUp usedUp) {
        refusals.count(429, Refusals.IDEMPOTENCY_BUDGET); // not the rate limit's 429
        rc.response().putHeader("Retry-After", String.valueOf(usedUp.retryAfterSeconds()));
        RequestContext.problem(rc, 429, KeyedWrite.BUDGET_USED_UP, "Too Many Requests", usedUp.getMessage());
    }

    private void storeDown(RoutingContext rc, Throwable failure, String requestId) {
        LOG.warnf("keyed write %s refused: %s", requestId, failure.getMessage());
        rc.response().putHeader("Retry-After", "5");
        RequestContext.problem(
                rc,
                503,
                "Service Unavailable",
                "requests with an Idempotency-Key cannot be protected right now; retry shortly");
    }

    private void relay(RoutingContext rc, StreamedResponse upstream, String requestId) {
        core.relay(rc, upstream.status(), upstream.headers(), upstream.body(), upstream.attempts(), requestId);
    }

    private static void fail(RoutingContext rc, Throwable failure, String requestId) {
        ProxyCore.fail(rc, failure, requestId, ProxyCore.GENESYS);
    }
}
