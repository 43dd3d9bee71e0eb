package io.cxbridge.genesys.http;

import io.cxbridge.genesys.breaker.CircuitBreaker;
import io.cxbridge.genesys.config.Endpoints;
import io.cxbridge.genesys.config.GenesysConfig;
import io.cxbridge.genesys.retry.Backoff;
import io.cxbridge.genesys.retry.RetryAfter;
import io.cxbridge.genesys.shaping.RateShaper;
import io.cxbridge.genesys.token.TokenProvider;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.mutiny.core.MultiMap;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The one way cxbridge calls the Genesys API: shared token, shared rate budget, breaker, and retries
 * with exponential backoff, jitter and Retry-After, inside one deadline. Retried: 429 for every method;
 * 502/503/504, timeouts and connection failures only for idempotent methods, or when nothing reached the
 * upstream (the connection was refused). A 401 drops the token, fetches a new one and retries once.
 * When the rules or the deadline end the retries, the last answer is returned as it is (a 429 keeps its
 * Retry-After), so callers see what Genesys said.
 */
public final class GenesysClient {

    private static final Logger LOG = Logger.getLogger(GenesysClient.class);

    private final GenesysConfig config;
    private final String apiBase;
    private final WebClient web;
    private final TokenProvider tokens;
    private final RateShaper shaper;
    private final CircuitBreaker breaker;
    private final Backoff backoff;
    private final Clock clock;
    private final Counter retries;

    public GenesysClient(GenesysConfig config, Endpoints endpoints, WebClient web, TokenProvider tokens,
                         RateShaper shaper, CircuitBreaker breaker, Clock clock, MeterRegistry registry) {
        this.config = config;
        this.apiBase = endpoints.apiBase().toString();
        this.web = web;
        this.tokens = tokens;
        this.shaper = shaper;
        this.breaker = breaker;
        this.clock = clock;
        GenesysConfig.Retry r = config.retry();
        this.backoff = new Backoff(r.baseDelay(), r.factor(), r.maxDelay(), r.jitter());
        this.retries = Counter.builder("cxbridge.genesys.retries")
                .description("upstream attempts after the first").register(registry);
    }

    public Uni<GenesysResponse> send(GenesysRequest request) {
        Duration budget = request.deadline().orElse(config.retry().deadline());
        Instant deadline = clock.instant().plus(budget);
        return Uni.createFrom().deferred(() -> attempt(request, deadline, new Attempts()));
    }

    /** Counts attempts; the one re-authentication after a 401 does not spend the retry budget. */
    private static final class Attempts {
        int sent;
        int retries;
        boolean reauthenticated;
    }

    private Uni<GenesysResponse> attempt(GenesysRequest request, Instant deadline, Attempts n) {
        try {
            breaker.acquire();
        } catch (RuntimeException open) {
            return Uni.createFrom().failure(open);
        }
        return shaper.acquire(deadline)
                .onFailure().invoke(e -> breaker.release())
                .onItem().transformToUni(x -> tokens.token()
                        .onFailure().invoke(e -> breaker.release()))
                .onItem().transformToUni(token -> {
                    n.sent++;
                    return exchange(request, token, deadline).onItemOrFailure().transformToUni((response, e) ->
                            e != null ? onNoAnswer(request, deadline, n, e)
                                    : onResponse(request, deadline, n, token, response));
                });
    }

    private Uni<GenesysResponse> onResponse(GenesysRequest request, Instant deadline, Attempts n, String token,
                                            HttpResponse<Buffer> response) {
        int status = response.statusCode();
        shaper.observeAllowed(response.getHeader("inin-ratelimit-allowed"));
        GenesysResponse answer = new GenesysResponse(status, response.headers(), response.body(), n.sent);
        if (status >= 500) {
            breaker.onFailure();
        } else {
            breaker.onSuccess();
        }
        if (status == 401 && !n.reauthenticated) {
            n.reauthenticated = true;
            LOG.info("Genesys refused the token (401): fetching a new one and retrying once");
            return tokens.reject(token).onItem().transformToUni(x -> attempt(request, deadline, n));
        }
        boolean retryable = status == 429
                || ((status == 502 || status == 503 || status == 504) && request.idempotent());
        if (!retryable) {
            return Uni.createFrom().item(answer);
        }
        Optional<Duration> retryAfter = RetryAfter.parse(response.getHeader("Retry-After"), clock.instant());
        return retryOrGiveUp(request, deadline, n, retryAfter.orElse(null),
                () -> Uni.createFrom().item(answer));
    }

    private Uni<GenesysResponse> onNoAnswer(GenesysRequest request, Instant deadline, Attempts n, Throwable e) {
        breaker.onFailure();
        boolean nothingSent = e instanceof ConnectException
                || (e.getCause() instanceof ConnectException);
        String what = e instanceof TimeoutException ? "no answer within the attempt timeout"
                : "connection failed (" + e.getClass().getSimpleName() + ")";
        if (!(request.idempotent() || nothingSent)) {
            return Uni.createFrom().failure(new UpstreamException(what + "; " + request.method()
                    + " is not retried once it may have reached Genesys", e, n.sent));
        }
        return retryOrGiveUp(request, deadline, n, null,
                () -> Uni.createFrom().failure(new UpstreamException(what + " after " + n.sent + " attempts", e, n.sent)));
    }

    private Uni<GenesysResponse> retryOrGiveUp(GenesysRequest request, Instant deadline, Attempts n,
                                               Duration retryAfter, Supplier<Uni<GenesysResponse>> giveUp) {
        if (n.retries + 1 >= config.retry().maxAttempts()) {
            return giveUp.get();
        }
        Duration delay = backoff.delay(n.retries, retryAfter);
        if (clock.instant().plus(delay).isAfter(deadline)) {
            return giveUp.get();
        }
        n.retries++;
        retries.increment();
        return Uni.createFrom().voidItem().onItem().delayIt().by(delay)
                .onItem().transformToUni(x -> attempt(request, deadline, n));
    }

    private Uni<HttpResponse<Buffer>> exchange(GenesysRequest request, String token, Instant deadline) {
        Duration left = Duration.between(clock.instant(), deadline);
        Duration timeout = config.http().attemptTimeout().compareTo(left) < 0 ? config.http().attemptTimeout() : left;
        if (timeout.isNegative() || timeout.isZero()) {
            return Uni.createFrom().failure(new TimeoutException("deadline reached"));
        }
        HttpRequest<Buffer> http = web.requestAbs(request.method(), apiBase + request.pathAndQuery());
        MultiMap headers = http.headers();
        request.headers().forEach(h -> {
            if (!HttpHeaders.AUTHORIZATION.toString().equalsIgnoreCase(h.getKey())) {
                headers.add(h.getKey(), h.getValue());
            }
        });
        headers.set(HttpHeaders.AUTHORIZATION.toString(), "Bearer " + token);
        Uni<HttpResponse<Buffer>> sent = request.body() == null ? http.send() : http.sendBuffer(request.body());
        return sent.ifNoItem().after(timeout).failWith(TimeoutException::new);
    }
}
