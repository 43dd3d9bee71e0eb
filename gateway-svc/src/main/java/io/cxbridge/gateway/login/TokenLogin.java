package io.cxbridge.gateway.login;

import io.cxbridge.gateway.auth.GatewayClient;
import io.cxbridge.gateway.auth.TokenCredentials;
import io.cxbridge.gateway.context.RequestContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * What {@link io.cxbridge.gateway.auth.Authenticate} asks of the login feature: which path it must leave
 * alone, and which client a gateway-issued access token stands for. Everything else about tokens stays here.
 */
@ApplicationScoped
public class TokenLogin implements TokenCredentials {

    private final TokenEndpoint endpoint;
    private final AccessTokens tokens;

    public TokenLogin(TokenEndpoint endpoint, AccessTokens tokens) {
        this.endpoint = endpoint;
        this.tokens = tokens;
    }

    /** The token endpoint authenticates its callers itself. */
    @Override
    public boolean authenticatesItself(HttpServerRequest request) {
        return endpoint.isTokenEndpoint(request.path());
    }

    @Override
    public boolean isToken(String credential) {
        return AccessTokens.isToken(credential);
    }

    /** The token's client; empty when unknown, expired or revoked; fails with {@link TokensUnavailable}. */
    @Override
    public Uni<Optional<GatewayClient>> clientFor(String token) {
        return tokens.clientFor(token);
    }

    /**
     * An unknown or expired token: 401 in the platform's ErrorBody, the answer on which an SDK (or the application
     * around it) logs in again.
     */
    @Override
    public void refuse(RoutingContext rc) {
        PlatformErrors.api(rc, 401, "bad.credentials", "Invalid login credentials.");
    }

    /** Redis is away: a token cannot be checked (a key can). */
    @Override
    public void unavailable(RoutingContext rc) {
        rc.response().putHeader("Retry-After", "5");
        RequestContext.problem(
                rc,
                503,
                "Service Unavailable",
                "access tokens cannot be checked right now (the token"
                        + " store does not answer); send a gateway client key, or retry");
    }
}
