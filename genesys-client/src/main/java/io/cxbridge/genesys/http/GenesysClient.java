package io.cxbridge.genesys.http;

import io.cxbridge.genesys.body.BoundedBody;
import io.cxbridge.genesys.body.ResponseTooLargeException;
import io.cxbridge.genesys.breaker.Breakers;
import io.cxbridge.genesys.breaker.Permit;
import io.cxbridge.genesys.config.Endpoints;
import io.cxbridge.genesys.config.GenesysConfig;
import io.cxbridge.genesys.retry.Backoff;
import io.cxbridge.genesys.retry.RetryAfter;
import io.cxbridge.genesys.retry.Transience;
import io.cxbridge.genesys.shaping.RateShaper;
import io.cxbridge.genesys.token.TokenProvider;
import io.cxbridge.genesys.url.UpstreamUrl;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.streams.ReadStream;
import io.vertx.mutiny.core.MultiMap;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The one way cxbridge calls the Genesys API: shared token, shared rate budget, breaker, and retries
 * with exponential backoff, jitter and Retry-After, inside one deadline. What is re-sent is {@link Transience}'s
 * rule: transient answers (408, 429, 500, 502, 503, 504) and connection failures, only for idempotent methods, a
 * 429, or when nothing reached the upstream (the connection was refused). A 401 drops the token and retries with the
 * newest one, again after a later 401, unless the token provider holds it: the platform refuses the client (two tokens
 * this process had just fetched refused in a row; see {@link TokenProvider#refused}).
 * When the rules or the deadline end the retries, the last answer is returned as it is (a 429 keeps its
 * Retry-After), so callers see what Genesys said.
 */
public final class GenesysClient {

    private static final Logger LOG = Logger.getLogger(GenesysClient.class);
    /** New tokens one call may try after 401s (the token revoked again and again). */
    static final int MAX_REAUTHENTICATIONS = 3;

    private static final String AUTHORIZATION = HttpHeaders.AUTHORIZATION.toString();
    /** Read on every answer: hashed once as an AsciiString. */
    private static final CharSequence RATE_LIMIT_ALLOWED = HttpHeaders.createOptimized("inin-ratelimit-allowed");

    private static final CharSequence RATE_LIMIT_RESET = HttpHeaders.createOptimized("inin-ratelimit-reset");

    private final GenesysConfig config;
    private final URI apiBase;
    private final WebClient web;
    private final LoopLocalHttpClients streamingHttp;
    private final TokenProvider tokens;
    private final RateShaper shaper;
    private final Breakers breakers;
    private final Backoff backoff;
    private final Clock clock;
    private final Counter retries;
    private final MeterRegistry registry;
    /** One counter per three-digit status seen, by status (no boxing, no registry look-up per answer). */
    private final AtomicReferenceArray<Counter> responses = new AtomicReferenceArray<>(1000);

    public GenesysClient(
            GenesysConfig config,
            Endpoints endpoints,
            WebClient web,
            LoopLocalHttpClients streamingHttp,
            TokenProvider tokens,
            RateShaper shaper,
            Breakers breakers,
            Clock clock,
            MeterRegistry registry) {
        this.streamingHttp = streamingHttp;
        this.config = config;
        this.apiBase = endpoints.apiBase();
        this.web = web;
        this.tokens = tokens;
        this.shaper = shaper;
        this.breakers = breakers;
        this.clock = clock;
        GenesysConfig.Retry r = config.retry();
        this.backoff = new Backoff(r.baseDelay(), r.factor(), r.maxDelay(), r.jitter());
        this.retries = Counter.builder("cxbridge.genesys.retries")
                .description("upstream attempts after the first")
                .register(registry);
        this.registry = registry;
        // Alert rules watch these exact names: cxbridge_genesys_breaker_open and cxbridge_genesys_responses_total.
        Gauge.builder("cxbridge.genesys.breaker.open", breakers, b -> b.open() > 0 ? 1 : 0)
                .description("1 while the breaker of any Genesys path family is open or half-open, else 0")
                .tag("breaker", "genesys")
                .register(registry);
        Gauge.builder("cxbridge.genesys.breaker.open.families", breakers, Breakers::open)
                .description("Genesys path families whose breaker is open or half-open")
                .register(registry);
    }

    /** The configured API host every call goes to (a listing's absolute next link must name it). */
    public URI apiBase() {
        return apiBase;
    }

    public Uni<GenesysResponse> send(GenesysRequest request) {
        Duration budget = request.deadline().orElse(config.retry().deadline());
        Instant deadline = clock.instant().plus(budget);
        // The URL is built (and an unsafe path refused) before anything else: no breaker slot, no token.
        return Uni.createFrom()
                .deferred(() -> {
                    UpstreamUrl url = UpstreamUrl.genesys(apiBase, request.pathAndQuery());
                    return attempt(
                            request.method(),
                            request.idempotent(),
                            true,
                            deadline,
                            new Attempts(url.pathAndQuery()),
                            (token, timeout) -> buffered(request, url, token, timeout));
                })
                .map(a ->
                        new GenesysResponse(a.status(), MultiMap.newInstance(a.headers()), a.payload(), a.attempts()));
    }

    /**
     * Like {@link #send} but the response body stays on the wire (paused) for the caller to pipe, so no body
     * is held whole. A request body given as {@code replayableBody} can be sent again on a retry; one given as
     * {@code bodyStream} (too large to keep) goes out once, so that call is never retried.
     */
    public Uni<StreamedResponse> stream(
            HttpMethod method,
            String pathAndQuery,
            io.vertx.core.MultiMap headers,
            io.vertx.core.buffer.Buffer replayableBody,
            ReadStream<io.vertx.core.buffer.Buffer> bodyStream,
            Duration budget) {
        Instant deadline = clock.instant().plus(budget);
        boolean idempotent = GenesysRequest.idempotent(method);
        return Uni.createFrom()
                .deferred(() -> {
                    UpstreamUrl url = UpstreamUrl.genesys(apiBase, pathAndQuery);
                    Attempts n = new Attempts(url.pathAndQuery());
                    n.streamingBody = bodyStream != null;
                    return attempt(
                            method,
                            idempotent,
                            bodyStream == null,
                            deadline,
                            n,
                            (token, timeout) ->
                                    streamed(method, url, headers, replayableBody, bodyStream, n, token, timeout));
                })
                .map(a -> new StreamedResponse(a.status(), a.headers(), a.payload(), a.attempts()));
    }

    /** One attempt's answer: the status and headers, the body as buffered or still streaming, and how to let it go. */
    private record Answer<T>(int status, io.vertx.core.MultiMap headers, T payload, Runnable discard, int attempts) {
        Answer<T> withAttempts(int n) {
            return new Answer<>(status, headers, payload, discard, n);
        }
    }

    @FunctionalInterface
    private interface Exchange<T> {
        Uni<Answer<T>> send(String token, Duration timeout);
    }

    /** Counts attempts; re-authentications after a 401 do not spend the retry budget. */
    private static final class Attempts {
        /** The path the breaker family is taken from. */
        final String path;
        /** The current attempt's breaker permit. */
        Permit permit;

        int sent;
        int retries;
        /** New tokens tried after a 401 (at most {@link #MAX_REAUTHENTICATIONS}). */
        int reauthentications;
        /** The body comes from the caller's stream (not held): it can fail, or be too slow, on the caller's side. */
        boolean streamingBody;
        /** Whether, and when (System.nanoTime(): timeouts run on real time), the streamed body was written whole. */
        volatile boolean bodySent;

        volatile long bodySentAt;

        Attempts(String path) {
            this.path = path;
        }
    }

    private <T> Uni<Answer<T>> attempt(
            HttpMethod method,
            boolean idempotent,
            boolean replayable,
            Instant deadline,
            Attempts n,
            Exchange<T> exchange) {
        Permit permit;
        try {
            permit = breakers.acquire(n.path);
        } catch (RuntimeException open) {
            return Uni.createFrom().failure(open);
        }
        n.permit = permit;
        // deferred and onTermination: a shaper or token provider that throws, or a cancelled call, frees the permit.
        return Uni.createFrom()
                .deferred(() -> shaper.acquire(deadline))
                .onItem()
                .transformToUni(x -> tokens.token())
                .onItem()
                .transformToUni(token -> {
                    n.sent++;
                    Duration left = Duration.between(clock.instant(), deadline);
                    Duration timeout = config.http().attemptTimeout().compareTo(left) < 0
                            ? config.http().attemptTimeout()
                            : left;
                    if (timeout.isNegative() || timeout.isZero()) {
                        permit.release(); // nothing was sent: no verdict on the upstream
                        return onNoAnswer(
                                method,
                                idempotent,
                                replayable,
                                deadline,
                                n,
                                new TimeoutException("deadline reached"),
                                exchange);
                    }
                    Uni<Answer<T>> sent;
                    try {
                        sent = exchange.send(token, timeout)
                                .ifNoItem()
                                .after(timeout)
                                .failWith(TimeoutException::new);
                    } catch (RuntimeException thrown) {
                        permit.release(); // a request that could not even be built says nothing about Genesys
                        return Uni.createFrom().failure(thrown);
                    }
                    return sent.onItemOrFailure().transformToUni((answer, e) -> {
                        if (e == null) {
                            return onAnswer(
                                    method,
                                    idempotent,
                                    replayable,
                                    deadline,
                                    n,
                                    token,
                                    answer.withAttempts(n.sent),
                                    exchange);
                        }
                        ResponseTooLargeException tooLarge = ResponseTooLargeException.in(e);
                        if (tooLarge != null) {
                            // Genesys answered; the answer is longer than the caller takes: no verdict on the
                            // upstream, and never re-sent (the same answer would be as long).
                            permit.release();
                            return Uni.createFrom().failure(tooLarge);
                        }
                        if (callersBodyFailed(n, e, timeout)) {
                            // Anyone could open a family's breaker for everyone by breaking off uploads: no verdict,
                            // and the body is gone, so nothing to re-send.
                            permit.release();
                            return Uni.createFrom()
                                    .failure(new UpstreamException(
                                            "the request body did not reach Genesys whole (the caller's side failed)",
                                            e,
                                            n.sent));
                        }
                        return onNoAnswer(method, idempotent, replayable, deadline, n, e, exchange);
                    });
                })
                .onTermination()
                .invoke(permit::release);
    }

    private <T> Uni<Answer<T>> onAnswer(
            HttpMethod method,
            boolean idempotent,
            boolean replayable,
            Instant deadline,
            Attempts n,
            String token,
            Answer<T> answer,
            Exchange<T> exchange) {
        int status = answer.status();
        responses(status).increment();
        String allowed = answer.headers().get(RATE_LIMIT_ALLOWED);
        if (allowed != null) {
            shaper.observeAllowed(allowed, answer.headers().get(RATE_LIMIT_RESET));
        }
        if (status >= 500) {
            n.permit.failure();
        } else {
            n.permit.success();
        }
        if (status != 401 && status < 500) { // a 5xx may come from in front of the token check
            tokens.accepted(token);
        }
        if (status == 401) {
            // The refused token is dropped also when the call is not sent again (a streamed body is gone, or the
            // re-authentications ran out): the next call takes the newest. While the provider holds it (the platform
            // refuses the client) the 401 goes back as it is, and costs no token request.
            return tokens.refused(token).onItem().transformToUni(dropped -> {
                if (!dropped || !replayable || n.reauthentications >= MAX_REAUTHENTICATIONS) {
                    return Uni.createFrom().item(answer);
                }
                n.reauthentications++;
                answer.discard().run();
                LOG.infof("Genesys refused the token (401): retrying with the newest token (%d)", n.reauthentications);
                return attempt(method, idempotent, replayable, deadline, n, exchange);
            });
        }
        if (!replayable || !Transience.mayResend(status, idempotent)) {
            return Uni.createFrom().item(answer);
        }
        Optional<Duration> retryAfter = RetryAfter.parse(answer.headers().get("Retry-After"), clock.instant());
        return retryOrGiveUp(
                deadline, n, retryAfter.orElse(null), () -> Uni.createFrom().item(answer), () -> {
                    answer.discard().run();
                    return attempt(method, idempotent, replayable, deadline, n, exchange);
                });
    }

    /** The responses counter of one status: registered once, then taken from the map (no registry look-up per answer). */
    private Counter responses(int status) {
        Counter counter = status >= 0 && status < 1000 ? responses.get(status) : null;
        if (counter == null) {
            // The registry returns the same counter for the same name and tags, so a race registers nothing twice.
            counter = Counter.builder("cxbridge.genesys.responses")
                    .description("upstream responses, one per answered attempt")
                    .tag("status", String.valueOf(status))
                    .register(registry);
            if (status >= 0 && status < 1000) {
                responses.set(status, counter);
            }
        }
        return counter;
    }

    /**
     * Whether an attempt without an answer failed on the caller's side: its streamed body broke off (or passed a
     * limit), or the attempt timed out while the body was still coming or so soon after its last byte that Genesys
     * had less than half the attempt's time to answer.
     */
    private boolean callersBodyFailed(Attempts n, Throwable e, Duration timeout) {
        if (e instanceof RequestBodyException || e.getCause() instanceof RequestBodyException) {
            return true;
        }
        if (!n.streamingBody || !(e instanceof TimeoutException || e.getCause() instanceof TimeoutException)) {
            return false;
        }
        return !n.bodySent || System.nanoTime() - n.bodySentAt < timeout.toNanos() / 2;
    }

    private <T> Uni<Answer<T>> onNoAnswer(
            HttpMethod method,
            boolean idempotent,
            boolean replayable,
            Instant deadline,
            Attempts n,
            Throwable e,
            Exchange<T> exchange) {
        n.permit.failure();
        String what = e instanceof TimeoutException
                ? "no answer within the attempt timeout"
                : "connection failed (" + e.getClass().getSimpleName() + ")";
        if (!replayable || !Transience.mayResendUnanswered(e, idempotent)) {
            return Uni.createFrom()
                    .failure(new UpstreamException(
                            what + "; " + method + " is not retried once it may have reached Genesys", e, n.sent));
        }
        return retryOrGiveUp(
                deadline,
                n,
                null,
                () -> Uni.createFrom()
                        .failure(new UpstreamException(what + " after " + n.sent + " attempts", e, n.sent)),
                () -> attempt(method, idempotent, true, deadline, n, exchange));
    }

    private <T> Uni<Answer<T>> retryOrGiveUp(
            Instant deadline,
            Attempts n,
            Duration retryAfter,
            Supplier<Uni<Answer<T>>> giveUp,
            Supplier<Uni<Answer<T>>> again) {
        if (n.retries + 1 >= config.retry().maxAttempts()) {
            return giveUp.get();
        }
        Duration delay = backoff.delay(n.retries, retryAfter);
        // Compared as durations: an absurd Retry-After must not overflow an Instant (RetryAfter caps it, too).
        Duration left = Duration.between(clock.instant(), deadline);
        if (delay.plus(config.retry().minAttemptTime()).compareTo(left) > 0) {
            return giveUp.get();
        }
        n.retries++;
        retries.increment();
        return Uni.createFrom().voidItem().onItem().delayIt().by(delay).onItem().transformToUni(x -> again.get());
    }

    private Uni<Answer<Buffer>> buffered(GenesysRequest request, UpstreamUrl url, String token, Duration timeout) {
        // The attempt's timeout also resets the request itself, so no call keeps running after its deadline.
        HttpRequest<Buffer> http =
                web.request(request.method(), url.options(request.method())).timeout(timeout.toMillis());
        if (request.maxBodyBytes() != GenesysRequest.UNBOUNDED) {
            http = BoundedBody.bound(http, request.maxBodyBytes());
        }
        MultiMap headers = http.headers();
        request.headers().forEach(h -> {
            if (!AUTHORIZATION.equalsIgnoreCase(h.getKey())) {
                headers.add(h.getKey(), h.getValue());
            }
        });
        headers.set(AUTHORIZATION, "Bearer " + token);
        Uni<HttpResponse<Buffer>> sent = request.body() == null ? http.send() : http.sendBuffer(request.body());
        return sent.map(r -> new Answer<>(r.statusCode(), r.headers().getDelegate(), r.body(), () -> {}, 0));
    }

    private Uni<Answer<HttpClientResponse>> streamed(
            HttpMethod method,
            UpstreamUrl url,
            io.vertx.core.MultiMap headers,
            io.vertx.core.buffer.Buffer replayableBody,
            ReadStream<io.vertx.core.buffer.Buffer> bodyStream,
            Attempts n,
            String token,
            Duration timeout) {
        RequestOptions options = url.options(method).setIdleTimeout(timeout.toMillis());
        Future<HttpClientResponse> response = streamingHttp
                .current()
                .request(options)
                .compose(req -> {
                    headers.forEach(h -> {
                        if (!AUTHORIZATION.equalsIgnoreCase(h.getKey())) {
                            req.headers().add(h.getKey(), h.getValue());
                        }
                    });
                    req.putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token);
                    if (replayableBody != null) {
                        return req.send(replayableBody);
                    }
                    if (bodyStream != null) {
                        if (req.headers().get(HttpHeaders.CONTENT_LENGTH) == null) {
                            req.setChunked(true);
                        }
                        return StreamPipes.sendBody(req, bodyStream, () -> {
                            n.bodySentAt = System.nanoTime();
                            n.bodySent = true;
                        });
                    }
                    return req.send();
                })
                .map(resp -> {
                    // Paused at once: the caller decides (retry or pipe) after the status is known.
                    resp.pause();
                    return resp;
                });
        return Uni.createFrom()
                .completionStage(response.toCompletionStage())
                .map(resp -> new Answer<>(
                        resp.statusCode(),
                        resp.headers(),
                        resp,
                        () -> {
                            resp.handler(b -> {});
                            resp.resume();
                        },
                        0));
    }
}
