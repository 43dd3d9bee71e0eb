package io.cxbridge.gateway.auth;

import io.cxbridge.gateway.context.RequestContext;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Step "grant": the authenticated client may use the route (method and normalised path) only when one of its
 * grants allows it, else 403. Whatever the grants, {@code /api/v2/tokens} and everything under it (and the alias
 * {@code /genesys-api/tokens/**}) is 403: there the platform manages the token the call carries, which is the
 * organisation's one token every service shares ({@code DELETE /api/v2/tokens/me} would revoke it for all).
 */
@ApplicationScoped
public class Grant implements Handler<RoutingContext> {

    private static final String[] SHARED_TOKEN_PATHS = {"/api/v2/tokens", "/genesys-api/tokens"};

    private final Refusals refusals;

    public Grant(Refusals refusals) {
        this.refusals = refusals;
    }

    @Override
    public void handle(RoutingContext rc) {
        GatewayClient client = Authenticate.clientOrPassExempt(rc, refusals);
        if (client == null) {
            return;
        }
        String method = rc.request().method().name();
        String path = RequestContext.path(rc);
        if (sharedTokenPath(path)) {
            refusals.refuse(
                    rc,
                    403,
                    Refusals.NOT_GRANTED,
                    "Forbidden",
                    path + " manages the organisation's shared Genesys token;" + " no gateway client may call it");
        } else if (!client.allows(method, path)) {
            refusals.refuse(
                    rc,
                    403,
                    Refusals.NOT_GRANTED,
                    "Forbidden",
                    "client '" + client.id() + "' may not " + method + " " + path);
        } else {
            rc.next();
        }
    }

    /** {@code /api/v2/tokens}, {@code /api/v2/tokens/**} and the alias, in any letter case (the path is normalised). */
    static boolean sharedTokenPath(String path) {
        for (String prefix : SHARED_TOKEN_PATHS) {
            if (path.regionMatches(true, 0, prefix, 0, prefix.length())
                    && (path.length() == prefix.length() || path.charAt(prefix.length()) == '/')) {
                return true;
            }
        }
        return false;
    }
}
