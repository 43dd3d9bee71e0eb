package io.cxbridge.gateway.auth;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A client of the gateway: its id, the SHA-256 hashes of its keys (several, for rotation), its routes and limit,
 * and how long an access token issued to it at {@code /login/oauth/token} lives (empty: the configured default).
 */
public record GatewayClient(
        String id,
        Set<String> keyHashes,
        List<RouteGrant> routes,
        int rateLimitPerMinute,
        Optional<Duration> tokenLifetime) {

    public GatewayClient(String id, Set<String> keyHashes, List<RouteGrant> routes, int rateLimitPerMinute) {
        this(id, keyHashes, routes, rateLimitPerMinute, Optional.empty());
    }

    public boolean allows(String method, String path) {
        return routes.stream().anyMatch(r -> r.allows(method, path));
    }
}
