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

    private final Optional<String> prefix;

    public ApiPrefixAlias(SdkGatewayConfig config) {
        this.prefix = config.apiPrefix()
                .map(String::trim)
                .map(p -> p.replaceAll("/+$", ""))
                .filter(p -> !p.isEmpty())
                .map(p -> p.startsWith("/") ? p : "/" + p);
    }

    /** First step, before the request id, so the rerouted request is logged and audited (once) under its real path. */
    @Override
    public void handle(RoutingContext rc) {
        Optional<String> target = prefix.isPresent() ? target(rc.request().uri(), prefix.get()) : Optional.empty();
        if (target.isPresent()) {
            rc.reroute(target.get());
        } else {
            rc.next();
        }
    }

    /** The request target without the prefix, when it is the prefix followed by {@code /api/v2}. */
    static Optional<String> target(String uri, String prefix) {
        if (!uri.startsWith(prefix + API)) {
            return Optional.empty();
        }
        String rest = uri.substring(prefix.length());
        boolean api = rest.length() == API.length() || "/?#".indexOf(rest.charAt(API.length())) >= 0;
        return api ? Optional.of(rest) : Optional.empty();
    }
}
