package io.cxbridge.gateway.auth;

import io.cxbridge.gateway.context.RequestContext;
import io.cxbridge.genesys.shaping.TokenBucket;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * Step "client rate limit": a token bucket per client shared by every gateway instance through Redis. Each answer
 * carries {@code RateLimit-Limit}, {@code RateLimit-Remaining} and {@code RateLimit-Reset}; over the limit is 429
 * with Retry-After. Last of the admission steps: it hands the admitted request on and resumes its paused body.
 */
@ApplicationScoped
public class ClientRateLimit implements Handler<RoutingContext> {

    private static final Duration PERIOD = Duration.ofMinutes(1);

    private final TokenBucket buckets;
    private final Refusals refusals;

    public ClientRateLimit(TokenBucket buckets, Refusals refusals) {
        this.buckets = buckets;
        this.refusals = refusals;
    }

    @Override
    public void handle(RoutingContext rc) {
        GatewayClient c = Authenticate.clientOrPassExempt(rc, refusals);
        if (c == null) {
            return;
        }
        HttpServerRequest request = rc.request();
        int limit = c.rateLimitPerMinute();
        buckets.take("cxbridge:gateway:client:" + c.id(), limit, PERIOD)
                .subscribe()
                .with(
                        take -> {
                            long secondsToFull = (long) Math.ceil((limit - take.remaining()) * 60.0 / limit);
                            rc.response()
                                    .putHeader("RateLimit-Limit", String.valueOf(limit))
                                    .putHeader("RateLimit-Remaining", String.valueOf(take.remaining()))
                                    .putHeader("RateLimit-Reset", String.valueOf(secondsToFull));
                            if (!take.granted()) {
                                long retryAfter = Math.max(1, (take.waitMs() + 999) / 1000);
                                rc.response().putHeader("Retry-After", String.valueOf(retryAfter));
                                refusals.refuse(
                                        rc,
                                        429,
                                        "Too Many Requests",
                                        "client '" + c.id() + "' is over its limit of " + limit
                                                + " requests a minute; retry in " + retryAfter + " s");
                                return;
                            }
                            // next first: the handler that reads the body installs itself, then the paused data flows
                            // to it.
                            // A handler that streams the body on resumes it when its destination is ready.
                            rc.next();
                            if (rc.get(RequestContext.BODY_STREAMED) == null) {
                                request.resume();
                            }
                        },
                        failure -> {
                            request.resume();
                            rc.fail(failure);
                        });
    }
}
