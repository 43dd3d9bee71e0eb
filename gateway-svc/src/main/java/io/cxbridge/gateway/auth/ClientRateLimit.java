package io.cxbridge.gateway.auth;

import io.cxbridge.gateway.context.RequestContext;
import io.cxbridge.genesys.shaping.BatchedTokenBucket;
import io.cxbridge.genesys.shaping.TokenBucket;
import io.cxbridge.genesys.shaping.TokenBucket.Take;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;

/**
 * Step "client rate limit": a token bucket per client shared by every gateway instance through Redis. Each answer
 * carries {@code RateLimit-Limit}, {@code RateLimit-Remaining} and {@code RateLimit-Reset}; over the limit is 429
 * with Retry-After. Last of the admission steps: it hands the admitted request on and resumes its paused body.
 *
 * <p>Each instance spends tokens it reserved from the shared bucket in small batches ({@link BatchedTokenBucket}),
 * so most requests touch no Redis; {@code RateLimit-Remaining} may then be off by up to one batch per instance.
 */
@ApplicationScoped
public class ClientRateLimit implements Handler<RoutingContext> {

    private static final Duration PERIOD = Duration.ofMinutes(1);
    private static final String KEY_PREFIX = "cxbridge:gateway:client:";

    // Header names as Netty AsciiStrings: no per-request conversion from String.
    private static final CharSequence LIMIT = HttpHeaders.createOptimized("RateLimit-Limit");
    private static final CharSequence REMAINING = HttpHeaders.createOptimized("RateLimit-Remaining");
    private static final CharSequence RESET = HttpHeaders.createOptimized("RateLimit-Reset");
    private static final CharSequence RETRY_AFTER = HttpHeaders.createOptimized("Retry-After");

    private final BatchedTokenBucket buckets;
    private final Refusals refusals;

    @Inject
    public ClientRateLimit(TokenBucket shared, Clock clock, Refusals refusals) {
        this(new BatchedTokenBucket(shared, clock), refusals);
    }

    public ClientRateLimit(BatchedTokenBucket buckets, Refusals refusals) {
        this.buckets = buckets;
        this.refusals = refusals;
    }

    @Override
    public void handle(RoutingContext rc) {
        GatewayClient c = Authenticate.clientOrPassExempt(rc, refusals);
        if (c == null) {
            return;
        }
        int limit = c.rateLimitPerMinute();
        String key = KEY_PREFIX + c.id();
        Take held = buckets.takeHeld(key, limit);
        if (held != null) {
            answer(rc, c, limit, held);
            return;
        }
        // The take answers on this request's own context (where its CDI request scope lives), even when another
        // request's reservation resumed it.
        buckets.take(key, limit, PERIOD).subscribe().with(take -> answer(rc, c, limit, take), failure -> {
            rc.request().resume();
            rc.fail(failure);
        });
    }

    private void answer(RoutingContext rc, GatewayClient c, int limit, Take take) {
        long secondsToFull = (long) Math.ceil((limit - take.remaining()) * 60.0 / limit);
        MultiMap headers = rc.response().headers();
        headers.set(LIMIT, String.valueOf(limit));
        headers.set(REMAINING, String.valueOf(take.remaining()));
        headers.set(RESET, String.valueOf(secondsToFull));
        if (!take.granted()) {
            long retryAfter = Math.max(1, (take.waitMs() + 999) / 1000);
            headers.set(RETRY_AFTER, String.valueOf(retryAfter));
            refusals.refuse(
                    rc,
                    429,
                    Refusals.RATE_LIMIT,
                    "Too Many Requests",
                    "client '" + c.id() + "' is over its limit of " + limit + " requests a minute; retry in "
                            + retryAfter + " s");
            return;
        }
        // next first: the handler that reads the body installs itself, then the paused data flows to it.
        // A handler that streams the body on resumes it when its destination is ready.
        rc.next();
        if (rc.get(RequestContext.BODY_STREAMED) == null) {
            rc.request().resume();
        }
    }
}
