package io.cxbridge.fulfillment.action;

import io.cxbridge.genesys.body.BoundedBody;
import io.cxbridge.genesys.body.ResponseTooLargeException;
import io.cxbridge.genesys.retry.RetryAfter;
import io.cxbridge.genesys.retry.Transience;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
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

/**
 * Calls an action's external API within its answer budget: per-attempt timeouts cut to what is left, retries on
 * 429, 5xx, timeouts and connection failures with backoff, a Retry-After waited only when it fits, every attempt
 * through the action's breaker and its bounded queue. One pooled, keep-alive WebClient (a pool per origin), no
 * redirects followed. Header values are never logged.
 */
@ApplicationScoped
public class ActionCaller {

    /** How an external call ended. */
    enum Kind {
        OK,
        REJECTED,
        UNAVAILABLE,
        TIMEOUT,
        CIRCUIT_OPEN
    }

    /** The end of a call: its kind, the external status and body (OK, REJECTED), and the attempts made. */
    record Result(Kind kind, int status, String body, int attempts, String detail) {}

    /** One attempt's end; {@code retryAfter} when the API sent one; {@code reached}: it left the queue. */
    private record Try(Result result, Duration retryAfter, boolean reached) {
        Try(Result result, Duration retryAfter) {
            this(result, retryAfter, true);
        }
    }

    /** Below this, no attempt is started: it could not be answered in time. */
    static final Duration MIN_ATTEMPT = Duration.ofMillis(50);

    private final WebClient web;
    private final Clock clock;
    private final ActionMetrics metrics;

    public ActionCaller(Vertx vertx, ActionRegistry registry, Clock clock, ActionMetrics metrics) {
        this.web = WebClient.create(
                vertx,
                new WebClientOptions()
                        .setFollowRedirects(false)
                        .setKeepAlive(true)
                        .setMaxPoolSize(Math.max(8, registry.maxConcurrency()))
                        .setConnectTimeout(2000));
        this.clock = clock;
        this.metrics = metrics;
    }

    @PreDestroy
    void close() {
        web.close();
    }

    /** Calls {@code url} until it answers, the attempts are used or {@code deadline} comes. */
    Uni<Result> call(ActionRegistry.Configured action, String url, Buffer body, String requestId, Instant deadline) {
        return attempt(action, url, body, requestId, deadline, 1, null);
    }

    private Uni<Result> attempt(
            ActionRegistry.Configured action,
            String url,
            Buffer body,
            String requestId,
            Instant deadline,
            int n,
            Result last) {
        Duration left = Duration.between(clock.instant(), deadline);
        if (left.compareTo(MIN_ATTEMPT) < 0) {
            return Uni.createFrom()
                    .item(
                            last != null
                                    ? last
                                    : new Result(Kind.TIMEOUT, 0, null, n - 1, "the answer budget was used up"));
        }
        ActionBreaker breaker = action.breaker();
        if (breaker.state() == ActionBreaker.State.OPEN) {
            return Uni.createFrom().item(last != null ? last : circuitOpen(n));
        }
        Duration perAttempt = action.config().attemptTimeout();
        return action.limiter()
                .run(left, () -> {
                    // Judged when the attempt leaves the queue: the time left then, and the breaker then.
                    Duration now = Duration.between(clock.instant(), deadline);
                    if (now.compareTo(MIN_ATTEMPT) < 0) {
                        return Uni.createFrom()
                                .item(new Try(
                                        new Result(Kind.TIMEOUT, 0, null, n - 1, "the answer budget was used up"),
                                        null,
                                        false));
                    }
                    if (!breaker.tryAcquire()) {
                        return Uni.createFrom().item(new Try(circuitOpen(n), null, false));
                    }
                    // The permit (maybe the half-open probe) is settled however the attempt ends: judged by its
                    // outcome, or released when the caller goes away first (else the probe stayed out and the
                    // action answered CIRCUIT_OPEN until a restart).
                    return send(action, url, body, requestId, now.compareTo(perAttempt) < 0 ? now : perAttempt, n)
                            .invoke(t -> judge(action, t))
                            .onCancellation()
                            .invoke(breaker::release);
                })
                .onFailure(ActionLimiter.QueueTimeout.class)
                .recoverWithItem(e -> new Try(
                        new Result(Kind.TIMEOUT, 0, null, n - 1, "no call slot freed up within the answer budget"),
                        null,
                        false))
                .map(t -> t.reached() || last == null ? t : new Try(last, null, false))
                .chain(t -> {
                    Result r = t.result();
                    boolean retryable = r.kind() == Kind.UNAVAILABLE || r.kind() == Kind.TIMEOUT;
                    if (!retryable || n >= action.config().attempts() || r.attempts() < n) {
                        return Uni.createFrom().item(r);
                    }
                    Duration remaining = Duration.between(clock.instant(), deadline);
                    Duration delay = action.backoff().delay(n - 1);
                    if (t.retryAfter() != null) {
                        // Waited only if an attempt still fits after it; otherwise answer now.
                        if (t.retryAfter().plus(MIN_ATTEMPT).compareTo(remaining) >= 0) {
                            return Uni.createFrom().item(r);
                        }
                        delay = t.retryAfter().compareTo(delay) > 0 ? t.retryAfter() : delay;
                    }
                    if (delay.plus(MIN_ATTEMPT).compareTo(remaining) >= 0) {
                        return Uni.createFrom().item(r);
                    }
                    return Uni.createFrom()
                            .voidItem()
                            .onItem()
                            .delayIt()
                            .by(delay)
                            .chain(() -> attempt(action, url, body, requestId, deadline, n + 1, r));
                });
    }

    private static Result circuitOpen(int n) {
        return new Result(Kind.CIRCUIT_OPEN, 0, null, n - 1, "the action's circuit breaker is open");
    }

    private void judge(ActionRegistry.Configured action, Try t) {
        if (!t.reached()) {
            return; // never reached the API: says nothing about its health, and held no breaker permit
        }
        Result r = t.result();
        ActionBreaker breaker = action.breaker();
        switch (r.kind()) {
            case OK -> breaker.onSuccess();
            case UNAVAILABLE, TIMEOUT -> {
                if (r.status() == 429) {
                    breaker.release(); // rate limited: the API is up, only busy
                } else {
                    breaker.onFailure();
                }
            }
            default -> breaker.release();
        }
        metrics.attempt(action.name(), r.kind().name().toLowerCase(java.util.Locale.ROOT));
    }

    private Uni<Try> send(
            ActionRegistry.Configured action, String url, Buffer body, String requestId, Duration timeout, int n) {
        ActionsConfig.Action config = action.config();
        HttpRequest<Buffer> request = web.requestAbs(
                        HttpMethod.valueOf(config.method().toUpperCase(java.util.Locale.ROOT)), url)
                .timeout(Math.max(1, timeout.toMillis()))
                .putHeader("Accept", "application/json")
                .putHeader("X-Request-Id", requestId);
        config.headers().forEach(request::putHeader);
        int maxAnswer = config.maxAnswerBytes();
        HttpRequest<Buffer> bounded = BoundedBody.bound(request, maxAnswer);
        Uni<HttpResponse<Buffer>> sent = config.forwardBody() && body != null
                ? bounded.putHeader("Content-Type", "application/json").sendBuffer(body)
                : bounded.send();
        return sent.ifNoItem()
                .after(timeout)
                .fail()
                .map(r -> classify(r, n))
                .onFailure()
                .recoverWithItem(e -> ResponseTooLargeException.in(e) != null
                        // the API answered: says nothing against its health (the breaker is released), not retried
                        ? new Try(
                                new Result(
                                        Kind.REJECTED,
                                        0,
                                        null,
                                        n,
                                        "the external API's answer was longer than " + maxAnswer + " bytes"),
                                null)
                        : isTimeout(e)
                                ? new Try(
                                        new Result(
                                                Kind.TIMEOUT,
                                                0,
                                                null,
                                                n,
                                                "the external API did not answer within " + timeout.toMillis() + " ms"),
                                        null)
                                : new Try(
                                        new Result(
                                                Kind.UNAVAILABLE,
                                                0,
                                                null,
                                                n,
                                                "the external API could not be reached ("
                                                        + e.getClass().getSimpleName() + ")"),
                                        null));
    }

    private Try classify(HttpResponse<Buffer> r, int n) {
        int status = r.statusCode();
        String body = r.bodyAsString();
        if (status >= 200 && status < 300) {
            return new Try(new Result(Kind.OK, status, body, n, null), null);
        }
        if (Transience.isTransient(status)) {
            String value = r.getHeader("Retry-After");
            Duration after = value == null
                    ? null
                    : RetryAfter.parse(value, clock.instant()).orElse(null);
            return new Try(
                    new Result(Kind.UNAVAILABLE, status, null, n, "the external API answered HTTP " + status), after);
        }
        return new Try(
                new Result(
                        Kind.REJECTED,
                        status,
                        null,
                        n,
                        "the external API answered HTTP " + status
                                + (status >= 300 && status < 400 ? " (redirects are not followed)" : "")),
                null);
    }

    static boolean isTimeout(Throwable e) {
        return e instanceof TimeoutException || e.getClass().getSimpleName().contains("Timeout");
    }
}
