package io.cxbridge.fulfillment.worker;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxbridge.common.messaging.PermanentFailure;
import io.cxbridge.fulfillment.config.FulfillmentConfig;
import io.cxbridge.fulfillment.config.HoldLimit;
import io.cxbridge.genesys.body.BoundedBody;
import io.cxbridge.genesys.body.ResponseTooLargeException;
import io.cxbridge.genesys.retry.Backoff;
import io.cxbridge.genesys.retry.RetryAfter;
import io.cxbridge.genesys.retry.Transience;
import io.cxbridge.genesys.shaping.RateLimitedException;
import io.cxbridge.genesys.shaping.RateShaper;
import io.cxbridge.genesys.token.TokenProvider;
import io.cxbridge.model.Json;
import io.cxbridge.model.event.FulfillmentJob;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * The two HTTP legs of a job, non-blocking on one pooled Vert.x WebClient (keep-alive, pooled per origin, no
 * redirects followed): the external API (hard per-attempt timeout, bounded by the job's deadline, retried with
 * backoff) and the result post to the fulfillment URL. Nothing here logs a header value.
 *
 * <p>A request Vert.x refuses to build (a header value with a control character, a URL it cannot parse) fails the
 * leg with {@link RequestNotBuilt}, a {@link PermanentFailure}: no attempt could ever send it, so it is neither
 * retried here nor as an outage, and the worker dead-letters the job.
 */
@ApplicationScoped
public class FulfillmentHttp {

    private static final Logger LOG = Logger.getLogger(FulfillmentHttp.class);

    public static final String DEADLINE_EXCEEDED = "DEADLINE_EXCEEDED";
    public static final String EXTERNAL_TIMEOUT = "EXTERNAL_TIMEOUT";
    public static final String EXTERNAL_HTTP_ERROR = "EXTERNAL_HTTP_ERROR";
    public static final String EXTERNAL_UNREACHABLE = "EXTERNAL_UNREACHABLE";

    private final WebClient web;
    private final TokenProvider tokens;
    private final FulfillmentConfig config;
    private final Clock clock;
    private final Backoff backoff;
    private final FulfillmentMetrics metrics;
    private final RateShaper shaper;

    public FulfillmentHttp(
            Vertx vertx,
            TokenProvider tokens,
            FulfillmentConfig config,
            Clock clock,
            FulfillmentMetrics metrics,
            RateShaper shaper) {
        // One client, one connection pool per origin, as many connections per origin as jobs may be in flight
        // (so a job never waits for a connection another job holds while its own timeout runs).
        this.web = WebClient.create(
                vertx,
                new WebClientOptions()
                        .setFollowRedirects(false)
                        .setKeepAlive(true)
                        .setMaxPoolSize(Math.max(1, config.concurrency()))
                        .setConnectTimeout(5000));
        this.metrics = metrics;
        this.shaper = shaper;
        this.tokens = tokens;
        this.config = config;
        this.clock = clock;
        this.backoff = config.retry().backoff();
    }

    @PreDestroy
    void close() {
        web.close();
    }

    /**
     * A request for a job cannot be built: Vert.x refuses a header value or the URL, the same way at every attempt.
     * The message names the header (or the URL) and the job's field it comes from, never the value (Vert.x's own
     * message quotes it, and it may be the token): so the cause is not kept.
     */
    public static final class RequestNotBuilt extends PermanentFailure {
        RequestNotBuilt(String message) {
            super(message);
        }
    }

    /** {@code name: value} on {@code request}; {@code what} says where the value comes from, for the refusal. */
    private static HttpRequest<Buffer> header(HttpRequest<Buffer> request, String name, String value, String what) {
        try {
            return request.putHeader(name, value);
        } catch (IllegalArgumentException e) {
            throw new RequestNotBuilt(name + " (" + what + ") is not a valid HTTP header value");
        }
    }

    /** A POST to {@code url}; {@code what} names the URL for the refusal. */
    private HttpRequest<Buffer> post(String url, String what) {
        try {
            return web.postAbs(url);
        } catch (IllegalArgumentException | io.vertx.core.VertxException e) {
            // Vert.x wraps a MalformedURLException in a VertxException
            throw new RequestNotBuilt(what + " cannot be used by the HTTP client");
        }
    }

    /** Longest Retry-After honoured before a result post is tried again. */
    static final Duration MAX_CALLBACK_RETRY_AFTER = HoldLimit.MAX_CALLBACK_RETRY_AFTER;

    /**
     * The deepest external answer taken as the result: the callback body puts it one level down, and the body must
     * stay within Jackson's write limit (1000 levels), or writing it failed after the answer was read (a failure no
     * retry mends, which stopped the consumer with the job left {@code posting}). One level more kept spare.
     */
    static final int MAX_ANSWER_DEPTH = StreamWriteConstraints.defaults().getMaxNestingDepth() - 2;

    /** The contract's mapping, reading answers no deeper than {@link #MAX_ANSWER_DEPTH}. */
    private static final ObjectMapper ANSWERS = answerMapper();

    private static ObjectMapper answerMapper() {
        ObjectMapper mapper = Json.mapper().copy();
        mapper.getFactory()
                .setStreamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_ANSWER_DEPTH)
                        .build());
        return mapper;
    }

    /** One attempt's end: the outcome, whether another attempt may change it, and the server's Retry-After. */
    private record Try(ExternalCallOutcome outcome, boolean retry, Duration retryAfter) {
        Try(ExternalCallOutcome outcome, boolean retry) {
            this(outcome, retry, null);
        }
    }

    private Duration retryAfter(HttpResponse<?> r) {
        String value = r.getHeader("Retry-After");
        return value == null ? null : RetryAfter.parse(value, clock.instant()).orElse(null);
    }

    /**
     * Less than a millisecond left counts as none: no timer waits that little (Vert.x refuses it, and the refusal
     * escaped the attempt, which then never ended; seen once under load in the fulfillment benchmark).
     */
    static boolean deadlinePassed(Duration left) {
        // compareTo, not toMillis: a deadline millions of years away overflows toMillis (and was retried for ever)
        return left.compareTo(ONE_MILLI) < 0;
    }

    private static final Duration ONE_MILLI = Duration.ofMillis(1);

    /**
     * The furthest ahead of its start a job's deadline is taken (the contract's, which the gateway refuses past): a
     * later one, from a record that reached the topic another way, counts as this far ahead, so every wait derived
     * from it stays bounded.
     */
    public static final Duration MAX_DEADLINE_AHEAD = FulfillmentJob.MAX_DEADLINE_AHEAD;

    /** {@code job} with its deadline cut to {@link #MAX_DEADLINE_AHEAD} after {@code start} when it is later. */
    public static FulfillmentJob bounded(FulfillmentJob job, Instant start) {
        Instant cap = start.plus(MAX_DEADLINE_AHEAD);
        if (job.deadline() == null || !job.deadline().isAfter(cap)) {
            return job;
        }
        return new FulfillmentJob(
                job.jobId(),
                job.fulfillmentId(),
                job.fulfillmentUrl(),
                job.fulfillmentToken(),
                job.data(),
                job.receivedAt(),
                cap,
                job.traceId());
    }

    /**
     * Calls the external API with the job's data; {@code onAttempt} sees each attempt number as it starts. No retry
     * starts past {@code waitsEndBy} ({@link HoldLimit}) either: a long {@code Retry-After} ends the job with the
     * answer it has.
     */
    public Uni<ExternalCallOutcome> callExternal(
            FulfillmentJob job, Instant waitsEndBy, java.util.function.IntConsumer onAttempt) {
        Instant retriesUntil = job.deadline().isAfter(waitsEndBy) ? waitsEndBy : job.deadline();
        return externalAttempt(job, 1, retriesUntil, onAttempt);
    }

    private Uni<ExternalCallOutcome> externalAttempt(
            FulfillmentJob job, int n, Instant retriesUntil, java.util.function.IntConsumer onAttempt) {
        Duration left = Duration.between(clock.instant(), job.deadline());
        if (deadlinePassed(left)) {
            return Uni.createFrom()
                    .item(ExternalCallOutcome.failed(
                            DEADLINE_EXCEEDED, "the deadline passed before the external API answered", n - 1));
        }
        Duration perAttempt = config.external().timeout();
        boolean deadlineBound = left.compareTo(perAttempt) < 0;
        Duration timeout = deadlineBound ? left : perAttempt;
        HttpRequest<Buffer> request;
        try {
            request = post(config.external().url(), "the external API URL")
                    .timeout(Math.max(1, timeout.toMillis()))
                    .putHeader("Content-Type", "application/json")
                    .putHeader("Accept", "application/json");
            // A job may run twice (a rebalance or a crash before the commit): the receiver can drop the repeat.
            header(request, "Idempotency-Key", job.fulfillmentId(), "the job's fulfillmentId");
        } catch (RequestNotBuilt e) {
            return Uni.createFrom().failure(e);
        }
        onAttempt.accept(n);
        String body = job.data() == null ? "{}" : job.data().toString();
        long t0 = System.nanoTime();
        int maxAnswer = config.external().maxAnswerBytes();
        return BoundedBody.bound(request, maxAnswer)
                .sendBuffer(Buffer.buffer(body))
                .ifNoItem()
                .after(timeout)
                .fail()
                .map(r -> classify(r, n, retryAfter(r)))
                .onFailure()
                .recoverWithItem(e -> ResponseTooLargeException.in(e) != null
                        // the same answer again would be as long: not retried
                        ? new Try(
                                ExternalCallOutcome.failed(
                                        EXTERNAL_HTTP_ERROR,
                                        "the external API's answer was longer than " + maxAnswer + " bytes",
                                        n),
                                false)
                        : isTimeout(e)
                                ? (deadlineBound
                                        ? new Try(
                                                ExternalCallOutcome.failed(
                                                        DEADLINE_EXCEEDED,
                                                        "the deadline passed while the external API"
                                                                + " had not answered",
                                                        n),
                                                false)
                                        : new Try(
                                                ExternalCallOutcome.failed(
                                                        EXTERNAL_TIMEOUT,
                                                        "the external API did not answer within " + timeout.toMillis()
                                                                + " ms",
                                                        n),
                                                true))
                                : new Try(
                                        ExternalCallOutcome.failed(
                                                EXTERNAL_UNREACHABLE,
                                                "the external API could not be reached ("
                                                        + e.getClass().getSimpleName() + ")",
                                                n),
                                        true))
                .invoke(t -> metrics.externalAttempt(Duration.ofNanos(System.nanoTime() - t0), label(t.outcome())))
                .chain(t -> {
                    if (!t.retry() || n >= config.external().attempts()) {
                        return Uni.createFrom().item(t.outcome());
                    }
                    // The longer of the backoff and the server's Retry-After; no retry that would start past the
                    // deadline or the hold limit.
                    Duration delay = backoff.delay(n - 1, t.retryAfter());
                    if (delay.compareTo(Duration.between(clock.instant(), retriesUntil)) >= 0) {
                        return Uni.createFrom().item(t.outcome());
                    }
                    LOG.debugf(
                            "job %s: external attempt %d failed (%s); retrying",
                            job.jobId(), n, t.outcome().code());
                    return Uni.createFrom()
                            .voidItem()
                            .onItem()
                            .delayIt()
                            .by(delay)
                            .chain(() -> externalAttempt(job, n + 1, retriesUntil, onAttempt));
                });
    }

    private static String label(ExternalCallOutcome o) {
        if (o == null || o.complete()) {
            return "ok";
        }
        return switch (o.code()) {
            case EXTERNAL_HTTP_ERROR, "CALLBACK_HTTP_ERROR" -> "http-error";
            case EXTERNAL_TIMEOUT, DEADLINE_EXCEEDED, "CALLBACK_TIMEOUT" -> "timeout";
            default -> "unreachable";
        };
    }

    private static Try classify(HttpResponse<Buffer> r, int n, Duration retryAfter) {
        int status = r.statusCode();
        if (status >= 200 && status < 300) {
            try {
                return new Try(ExternalCallOutcome.complete(readTree(r.bodyAsString()), n), false);
            } catch (StreamConstraintsException e) {
                // the same answer again would be as deep: not retried (Jackson's words are not passed on)
                return new Try(
                        ExternalCallOutcome.failed(
                                EXTERNAL_HTTP_ERROR,
                                "the external API's answer is beyond what a result can carry (JSON nested deeper than "
                                        + MAX_ANSWER_DEPTH + " levels, or a number or name too long)",
                                n),
                        false);
            }
        }
        boolean retry = Transience.isTransient(status);
        return new Try(
                ExternalCallOutcome.failed(EXTERNAL_HTTP_ERROR, "the external API answered HTTP " + status, n),
                retry,
                retryAfter);
    }

    static boolean isTimeout(Throwable e) {
        return e instanceof TimeoutException || e.getClass().getSimpleName().contains("Timeout");
    }

    /**
     * The answer as JSON, or as text when it is not JSON; an answer beyond Jackson's read limits ({@link
     * #MAX_ANSWER_DEPTH} levels, a number or a name too long) throws {@link StreamConstraintsException}: taken as
     * text, it would be posted as a result that is not the answer.
     */
    static JsonNode readTree(String body) throws StreamConstraintsException {
        if (body == null || body.isBlank()) {
            return Json.mapper().nullNode();
        }
        try {
            return ANSWERS.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof StreamConstraintsException limit) {
                    throw limit; // however Jackson wraps it
                }
            }
            return Json.mapper().getNodeFactory().textNode(body);
        }
    }

    /** The callback body: {@code {status: complete, result}} or {@code {status: failed, result: {code, message}}}. */
    public static ObjectNode callbackBody(ExternalCallOutcome outcome) {
        ObjectNode body = Json.mapper().createObjectNode();
        if (outcome.complete()) {
            body.put("status", "complete");
            body.set("result", outcome.result());
        } else {
            body.put("status", "failed");
            ObjectNode result = body.putObject("result");
            result.put("code", outcome.code());
            result.put("message", outcome.message());
        }
        return body;
    }

    /** How the post of the result ended. {@code detail} names the last failure (never a header value). */
    public record Posted(boolean ok, int attempts, String detail) {}

    /**
     * Posts the result to the job's fulfillment URL (the clear token only in {@code X-Fulfillment-Token}); no wait for
     * the rate budget goes past {@code waitsEndBy} ({@link HoldLimit}): then the post ends {@code
     * CALLBACK_RATE_LIMITED} and the job is dead-lettered (replayable).
     */
    public Uni<Posted> postResult(FulfillmentJob job, String clearToken, ObjectNode body, Instant waitsEndBy) {
        // A result post is a Genesys call made with the OAuth client's token: each attempt takes its turn in the
        // client's rate budget shared by every service, waiting for room until the job's deadline.
        // A job answered DEADLINE_EXCEEDED is past its deadline already: its post may still wait one callback timeout.
        Instant soonest = clock.instant().plus(config.callback().timeout());
        Instant budgetUntil = job.deadline() != null && job.deadline().isAfter(soonest) ? job.deadline() : soonest;
        if (budgetUntil.isAfter(waitsEndBy)) {
            budgetUntil = waitsEndBy;
        }
        return postAttempt(job, clearToken, body.toString(), 1, budgetUntil);
    }

    private Uni<Posted> postAttempt(FulfillmentJob job, String clearToken, String body, int n, Instant budgetUntil) {
        Duration timeout = config.callback().timeout();
        long t0 = System.nanoTime();
        return shaper.acquireWaitingUntil(budgetUntil)
                .chain(tokens::token)
                .chain(bearer -> resultRequest(job, clearToken, bearer, timeout)
                        // only the status is read: the receiver's answer body is dropped, not buffered
                        .as(io.vertx.mutiny.ext.web.codec.BodyCodec.none())
                        .sendBuffer(Buffer.buffer(body))
                        .ifNoItem()
                        .after(timeout)
                        .fail()
                        .chain(r -> {
                            int status = r.statusCode();
                            if (status != 401 && status < 500) {
                                // the platform took the token: a later 401 on it is a revocation, not a refused
                                // client (unreported, two 401s a minute apart started the token's refused hold);
                                // a 5xx may come from in front of the token check, as genesys-client reads it
                                tokens.accepted(bearer);
                            }
                            if (status >= 200 && status < 300) {
                                return Uni.createFrom().item(new Try(null, false));
                            }
                            String detail = "the fulfillment URL answered HTTP " + status
                                    + (status >= 300 && status < 400 ? " (redirects are not followed)" : "");
                            if (status == 401) {
                                return tokens.reject(bearer)
                                        .onFailure()
                                        .recoverWithNull()
                                        .replaceWith(new Try(
                                                ExternalCallOutcome.failed("CALLBACK_HTTP_ERROR", detail, n), true));
                            }
                            boolean retry = Transience.isTransient(status);
                            return Uni.createFrom()
                                    .item(new Try(
                                            ExternalCallOutcome.failed("CALLBACK_HTTP_ERROR", detail, n),
                                            retry,
                                            retryAfter(r)));
                        }))
                // a request that cannot be built fails the post at once (the worker dead-letters the job)
                .onFailure(e -> !(e instanceof RequestNotBuilt))
                .recoverWithItem(e -> e instanceof RateLimitedException
                        ? new Try(
                                ExternalCallOutcome.failed(
                                        "CALLBACK_RATE_LIMITED",
                                        "the OAuth client's shared rate budget had no room before the job's deadline"
                                                + " or the longest a job may wait",
                                        n),
                                false)
                        : isTimeout(e)
                                ? new Try(
                                        ExternalCallOutcome.failed(
                                                "CALLBACK_TIMEOUT",
                                                "the fulfillment URL did not answer within " + timeout.toMillis()
                                                        + " ms",
                                                n),
                                        true)
                                : new Try(
                                        ExternalCallOutcome.failed(
                                                "CALLBACK_UNREACHABLE",
                                                "the fulfillment URL could not be reached ("
                                                        + e.getClass().getSimpleName() + ")",
                                                n),
                                        true))
                .invoke(t -> metrics.callbackAttempt(Duration.ofNanos(System.nanoTime() - t0), label(t.outcome())))
                .chain(t -> {
                    if (t.outcome() == null) {
                        return Uni.createFrom().item(new Posted(true, n, null));
                    }
                    if (!t.retry() || n >= config.callback().attempts()) {
                        return Uni.createFrom()
                                .item(new Posted(false, n, t.outcome().message()));
                    }
                    LOG.debugf(
                            "job %s: callback attempt %d failed (%s); retrying",
                            job.jobId(), n, t.outcome().message());
                    Duration after = t.retryAfter() == null
                            ? null
                            : t.retryAfter().compareTo(MAX_CALLBACK_RETRY_AFTER) > 0
                                    ? MAX_CALLBACK_RETRY_AFTER
                                    : t.retryAfter();
                    return Uni.createFrom()
                            .voidItem()
                            .onItem()
                            .delayIt()
                            .by(backoff.delay(n - 1, after))
                            .chain(() -> postAttempt(job, clearToken, body, n + 1, budgetUntil));
                });
    }

    /** The result post's request; throws {@link RequestNotBuilt} when Vert.x refuses a header value or the URL. */
    private HttpRequest<Buffer> resultRequest(FulfillmentJob job, String clearToken, String bearer, Duration timeout) {
        HttpRequest<Buffer> request = post(job.fulfillmentUrl(), "the fulfillmentUrl")
                .timeout(timeout.toMillis())
                .putHeader("Content-Type", "application/json");
        header(request, "Authorization", "Bearer " + bearer, "the Genesys token");
        header(request, "X-Fulfillment-Token", clearToken, "the job's fulfillmentToken");
        header(request, "Idempotency-Key", job.fulfillmentId(), "the job's fulfillmentId");
        return request;
    }

    Instant now() {
        return clock.instant();
    }
}
