package io.cxbridge.gateway.auth;

import io.cxbridge.gateway.audit.RequestAudit;
import io.cxbridge.gateway.audit.RequestContext;
import io.cxbridge.gateway.login.TokenLogin;
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
 * the client's limit 429 with Retry-After. An access token from the login feature's token endpoint stands for the
 * key it was issued against (an unknown or expired one gets the platform's 401, so an SDK logs in again). Each answer carries {@code RateLimit-Limit},
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
    private final TokenLogin login;

    public ClientAuthentication(ClientRegistry clients, TokenBucket buckets, MeterRegistry registry, TokenLogin login) {
        this.clients = clients;
        this.buckets = buckets;
        this.registry = registry;
        this.login = login;
    }

    void install(@Observes Router router) {
        router.route().order(ORDER).handler(this::handle);
    }

    private void handle(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        if (RequestContext.isManagement(request) || login.authenticatesItself(request)) {
            rc.next();
            return;
        }
        Optional<String> key = presentedKey(request);
        if (key.isEmpty()) {
            refuse(rc, 401, "Unauthorized", "send a gateway client key as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'");
            return;
        }
        if (login.isToken(key.get())) {
            // A gateway-issued access token (io.cxbridge.gateway.login): looked up in Redis, then treated as its key.
            // Reading the body stays paused from here until the request is admitted or refused.
            request.pause();
            login.clientFor(key.get()).subscribe().with(client -> {
                if (client.isEmpty()) {
                    request.resume();
                    registry.counter("cxbridge.gateway.refused", "status", "401").increment();
                    login.refuse(rc);
                    return;
                }
                admit(rc, client.get());
            }, failure -> {
                request.resume();
                registry.counter("cxbridge.gateway.refused", "status", "503").increment();
                login.unavailable(rc);
            });
            return;
        }
        Optional<GatewayClient> client = clients.byKey(key.get());
        if (client.isEmpty()) {
            refuse(rc, 401, "Unauthorized", "the client key is not known");
            return;
        }
        request.pause();
        admit(rc, client.get());
    }

    /** Grants, then the client's rate limit; the request's body is paused on entry. */
    private void admit(RoutingContext rc, GatewayClient c) {
        HttpServerRequest request = rc.request();
        RequestContext.client(rc, c);
        String path = RequestContext.path(rc);
        if (!c.allows(request.method().name(), path)) {
            request.resume();
            refuse(rc, 403, "Forbidden", "client '" + c.id() + "' may not " + request.method().name() + " " + path);
            return;
        }
        // Reading the body is paused while the bucket answers, so no byte is lost or buffered needlessly.
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

    /** The credential a request presents: a key, or an access token from {@code /login/oauth/token}. */
    public static Optional<String> presentedKey(HttpServerRequest request) {
        String auth = request.getHeader("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) && auth.length() > 7) {
            return Optional.of(auth.substring(7).trim());
        }
        String apiKey = request.getHeader("X-API-Key");
        return apiKey == null || apiKey.isBlank() ? Optional.empty() : Optional.of(apiKey.trim());
    }
}
