package io.cxbridge.gateway.auth;

import io.cxbridge.gateway.audit.RequestAudit;
import io.cxbridge.gateway.audit.RequestContext;
import io.cxbridge.genesys.shaping.TokenBucket;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.Optional;

/**
 * Every request but {@code /q/**} needs a client key ({@code Authorization: Bearer <key>} or
 * {@code X-API-Key: <key>}): none or unknown is 401, a route outside the client's grants 403, and over
 * the client's limit 429 with Retry-After. Each answer carries {@code RateLimit-Limit},
 * {@code RateLimit-Remaining} and {@code RateLimit-Reset}; the limit is a token bucket per client shared by
 * every gateway instance through Redis. Refused requests go no further: nothing reaches Genesys.
 */
@ApplicationScoped
public class ClientAuthentication {

    public static final int ORDER = RequestAudit.ORDER + 2;

    /** Set by a handler that takes the request body over as a stream (and resumes it itself). */
    public static final String BODY_STREAMED = "cxbridge.bodyStreamed";

    private final ClientRegistry clients;
    private final TokenBucket buckets;
    private final MeterRegistry registry;

    public ClientAuthentication(ClientRegistry clients, TokenBucket buckets, MeterRegistry registry) {
        this.clients = clients;
        this.buckets = buckets;
        this.registry = registry;
    }

    void install(@Observes Router router) {
        router.route().order(ORDER).handler(this::handle);
    }

    private void handle(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        if (RequestContext.isManagement(request)) {
            rc.next();
            return;
        }
        Optional<String> key = presentedKey(request);
        if (key.isEmpty()) {
            refuse(rc, 401, "Unauthorized", "send a gateway client key as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'");
            return;
        }
        Optional<GatewayClient> client = clients.byKey(key.get());
        if (client.isEmpty()) {
            refuse(rc, 401, "Unauthorized", "the client key is not known");
            return;
        }
        GatewayClient c = client.get();
        RequestContext.client(rc, c);
        String path = RequestContext.path(rc);
        if (!c.allows(request.method().name(), path)) {
            refuse(rc, 403, "Forbidden", "client '" + c.id() + "' may not " + request.method().name() + " " + path);
            return;
        }
        // Reading the body is paused while the bucket answers, so no byte is lost or buffered needlessly.
        request.pause();
        buckets.take("cxbridge:gateway:client:" + c.id(), c.rateLimitPerMinute(), Duration.ofMinutes(1))
                .subscribe().with(take -> {
                    int limit = c.rateLimitPerMinute();
                    long secondsToFull = (long) Math.ceil((limit - take.remaining()) * 60.0 / limit);
                    rc.response().putHeader("RateLimit-Limit", String.valueOf(limit))
                            .putHeader("RateLimit-Remaining", String.valueOf(take.remaining()))
                            .putHeader("RateLimit-Reset", String.valueOf(secondsToFull));
                    if (!take.granted()) {
                        long retryAfter = Math.max(1, (take.waitMs() + 999) / 1000);
                        rc.response().putHeader("Retry-After", String.valueOf(retryAfter));
                        request.resume();
                        refuse(rc, 429, "Too Many Requests", "client '" + c.id() + "' is over its limit of " + limit
                                + " requests a minute; retry in " + retryAfter + " s");
                        return;
                    }
                    // next first: the handler that reads the body installs itself, then the paused data flows to it.
                    // A handler that streams the body on resumes it when its destination is ready.
                    rc.next();
                    if (rc.get(BODY_STREAMED) == null) {
                        request.resume();
                    }
                }, failure -> {
                    request.resume();
                    rc.fail(failure);
                });
    }

    private void refuse(RoutingContext rc, int status, String title, String detail) {
        registry.counter("cxbridge.gateway.refused", "status", String.valueOf(status)).increment();
        RequestContext.problem(rc, status, title, detail);
    }

    static Optional<String> presentedKey(HttpServerRequest request) {
        String auth = request.getHeader("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) && auth.length() > 7) {
            return Optional.of(auth.substring(7).trim());
        }
        String apiKey = request.getHeader("X-API-Key");
        return apiKey == null || apiKey.isBlank() ? Optional.empty() : Optional.of(apiKey.trim());
    }
}
