package io.cxbridge.gateway.login;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * An SDK with {@code path_params_api} set (e.g. {@code genesys}) calls {@code /genesys/api/v2/**}: with
 * {@code cxbridge.gateway.sdk.api-prefix=/genesys} that is rerouted, before anything else sees it, to
 * {@code /api/v2/**}, so grants, limits, logs, audit and the proxy all see the one path the platform has.
 * Only the literal prefix followed by {@code /api/v2} is stripped; the rest is checked like any path.
 */
@ApplicationScoped
public class ApiPrefixAlias implements Handler<RoutingContext> {

    private static final String API = "/api/v2";

    /** The prefix (null when none is set). */
    private final String prefix;
    /** The prefix followed by {@code /api/v2}, built once: the check runs on every request. */
    private final String prefixedApi;

    public ApiPrefixAlias(SdkGatewayConfig config) {
        this.prefix = config.apiPrefix()
                .map(String::trim)
                .map(p -> p.replaceAll("/+$", ""))
                .filter(p -> !p.isEmpty())
                .map(p -> p.startsWith("/") ? p : "/" + p)
                .orElse(null);
        this.prefixedApi = prefix == null ? null : prefix + API;
    }

    /** First step, before the request id, so the rerouted request is logged and audited (once) under its real path. */
    @Override
    public void handle(RoutingContext rc) {
        String target = prefix == null ? null : strip(rc.request().uri(), prefix, prefixedApi);
        if (target != null) {
            rc.reroute(target);
        } else {
            rc.next();
        }
    }

    /** The request target without the prefix, when it is the prefix followed by {@code /api/v2}. */
    static Optional<String> target(String uri, String prefix) {
        return Optional.ofNullable(strip(uri, prefix, prefix + API));
    }

    /** The request target without {@code prefix} when it starts with {@code prefixedApi} as a whole segment, else null. */
    private static String strip(String uri, String prefix, String prefixedApi) {
        if (!uri.startsWith(prefixedApi)) {
            return null;
        }
        int end = prefixedApi.length();
        boolean api = uri.length() == end || "/?#".indexOf(uri.charAt(end)) >= 0;
        return api ? uri.substring(prefix.length()) : null;
    }
}
