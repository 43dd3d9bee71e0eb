package io.cxbridge.gateway.auth;

import java.util.List;
import java.util.Set;

/** A client of the gateway: its id, the SHA-256 hashes of its keys (several, for rotation), its routes and limit. */
public record GatewayClient(String id, Set<String> keyHashes, List<RouteGrant> routes, int rateLimitPerMinute) {

    public boolean allows(String method, String path) {
        return routes.stream().anyMatch(r -> r.allows(method, path));
    }
}
