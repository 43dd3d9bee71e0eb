package io.cxbridge.gateway.auth;

import io.cxbridge.gateway.context.RequestContext;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * Step "authenticate": every request but {@code /q/**} and the token endpoint needs a client key
 * ({@code Authorization: Bearer <key>} or {@code X-API-Key: <key>}) or an access token from the login feature;
 * none or unknown is 401 (an unknown or expired token gets the platform's 401, so an SDK logs in again). The
 * admitted request's body is paused here and stays paused until the request is refused or routed, so no byte is
 * lost or buffered needlessly while the next steps (grant, rate limit) answer.
 */
@ApplicationScoped
public class Authenticate implements Handler<RoutingContext> {

    static final String CLIENT = "cxbridge.client";
    /** Set on requests that need no client key (management, the token endpoint): the grant and limit steps pass them. */
    static final String EXEMPT = "cxbridge.authExempt";

    private static final CharSequence X_API_KEY = HttpHeaders.createOptimized("X-API-Key");

    private final ClientRegistry clients;
    private final TokenCredentials tokens;
    private final Refusals refusals;

    public Authenticate(ClientRegistry clients, TokenCredentials tokens, Refusals refusals) {
        this.clients = clients;
        this.tokens = tokens;
        this.refusals = refusals;
    }

    @Override
    public void handle(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        if (RequestContext.isManagement(request) || tokens.authenticatesItself(request)) {
            rc.put(EXEMPT, Boolean.TRUE);
            rc.next();
            return;
        }
        Optional<String> key = presentedKey(request);
        if (key.isEmpty()) {
            refusals.refuse(
                    rc,
                    401,
                    Refusals.UNAUTHENTICATED,
                    "Unauthorized",
                    "send a gateway client key as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'");
            return;
        }
        if (tokens.isToken(key.get())) {
            request.pause();
            tokens.clientFor(key.get())
                    .subscribe()
                    .with(
                            client -> {
                                if (client.isEmpty()) {
                                    request.resume();
                                    refusals.count(401, Refusals.UNAUTHENTICATED);
                                    tokens.refuse(rc);
                                    return;
                                }
                                admit(rc, client.get());
                            },
                            failure -> {
                                request.resume();
                                refusals.count(503, Refusals.CREDENTIALS_UNAVAILABLE);
                                tokens.unavailable(rc);
                            });
            return;
        }
        Optional<GatewayClient> client = clients.byKey(key.get());
        if (client.isEmpty()) {
            refusals.refuse(rc, 401, Refusals.UNAUTHENTICATED, "Unauthorized", "the client key is not known");
            return;
        }
        request.pause();
        admit(rc, client.get());
    }

    private static void admit(RoutingContext rc, GatewayClient client) {
        rc.put(CLIENT, client);
        RequestContext.clientId(rc, client.id());
        rc.next();
    }

    /** The authenticated client, or null. */
    public static GatewayClient client(RoutingContext rc) {
        return rc.get(CLIENT);
    }

    static boolean exempt(RoutingContext rc) {
        return rc.get(EXEMPT) != null;
    }

    /**
     * For the steps after this one: the authenticated client; null when the request needs no key (then it has been
     * passed on) or, only if the chain were misordered, has none (then it has been refused: fail closed).
     */
    static GatewayClient clientOrPassExempt(RoutingContext rc, Refusals refusals) {
        if (exempt(rc)) {
            rc.next();
            return null;
        }
        GatewayClient client = client(rc);
        if (client == null) {
            refusals.refuse(rc, 401, Refusals.UNAUTHENTICATED, "Unauthorized", "the request was not authenticated");
        }
        return client;
    }

    /** The credential a request presents: a key, or an access token from {@code /login/oauth/token}. */
    public static Optional<String> presentedKey(HttpServerRequest request) {
        String auth = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) && auth.length() > 7) {
            return Optional.of(auth.substring(7).trim());
        }
        String apiKey = request.getHeader(X_API_KEY);
        return apiKey == null || apiKey.isBlank() ? Optional.empty() : Optional.of(apiKey.trim());
    }
}
