package io.cxbridge.gateway.auth;

import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * What authentication asks of the login feature (gateway-issued access tokens), as an interface so that the
 * dependency runs one way: login depends on auth, never the reverse.
 */
public interface TokenCredentials {

    /** The token endpoint authenticates its callers itself (Basic or the token), not with a client key. */
    boolean authenticatesItself(HttpServerRequest request);

    boolean isToken(String credential);

    /** The token's client; empty when unknown, expired or revoked; fails when the token store does not answer. */
    Uni<Optional<GatewayClient>> clientFor(String token);

    /** Answers an unknown or expired token. */
    void refuse(RoutingContext rc);

    /** Answers when tokens cannot be checked (the store does not answer). */
    void unavailable(RoutingContext rc);
}
