package io.cxbridge.gateway.chain;

import io.cxbridge.gateway.audit.AccessLog;
import io.cxbridge.gateway.audit.RequestIds;
import io.cxbridge.gateway.auth.Authenticate;
import io.cxbridge.gateway.auth.ClientRateLimit;
import io.cxbridge.gateway.auth.Grant;
import io.cxbridge.gateway.errors.GatewayErrors;
import io.cxbridge.gateway.login.ApiPrefixAlias;
import io.cxbridge.gateway.login.TokenEndpoint;
import io.cxbridge.gateway.proxy.GenesysProxy;
import io.cxbridge.gateway.proxy.PathGuard;
import io.cxbridge.gateway.routes.ServiceRoutes;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;

/**
 * The gateway's request path, in order, in one place. Each step is a Vert.x handler with one responsibility that
 * either answers the request (and stops it) or hands it on with {@code rc.next()}:
 *
 * <ol>
 * <li>{@code sdk-prefix} ({@link ApiPrefixAlias}): an SDK's {@code <prefix>/api/v2/**} rerouted to {@code /api/v2/**};</li>
 * <li>{@code request-id} ({@link RequestIds}): trace id and request id fixed, {@code X-Request-Id} on every answer;</li>
 * <li>{@code log-and-audit} ({@link AccessLog}): one log line and one audit event when the response ends; placed
 *     here, before any step that may refuse, so refused requests are recorded too;</li>
 * <li>{@code guard} ({@link PathGuard}): the request target checked and normalised (400), chunked framing;</li>
 * <li>{@code authenticate} ({@link Authenticate}): key or access token (401), the body paused;</li>
 * <li>{@code grant} ({@link Grant}): the client's grants, and never the shared token's {@code /api/v2/tokens/**} (403);</li>
 * <li>{@code client-rate-limit} ({@link ClientRateLimit}): the client's bucket (429), the body resumed;</li>
 * <li>route: {@code proxy} ({@link GenesysProxy}, {@code /api/v2/**}: the <em>idempotency</em> step
 *     ({@code idempotency.KeyedWrite}) and the <em>async-retry hand-over</em> ({@code proxy.AsyncRetryHandOver})
 *     run inside it, around the call), {@code service routes} ({@link ServiceRoutes}, same proxy core),
 *     the token endpoint ({@link TokenEndpoint}), and the ingest endpoints (JAX-RS resources in {@code ingest},
 *     routed by Quarkus REST after these steps).</li>
 * </ol>
 *
 * Errors of any step or route are answered by {@link GatewayErrors}, whose failure handler comes before the steps.
 */
@ApplicationScoped
public class GatewayChain {

    /** The order of the first step; Quarkus' own routes (REST, management) come after every step. */
    static final int FIRST = -2_000_000;

    /** The steps' names, in the order they run (the constructor lists the handlers in the same order). */
    static final List<String> STEPS =
            List.of("sdk-prefix", "request-id", "log-and-audit", "guard", "authenticate", "grant", "client-rate-limit");

    private final GatewayErrors errors;
    private final List<Handler<RoutingContext>> steps;
    private final GenesysProxy proxy;
    private final ServiceRoutes serviceRoutes;
    private final TokenEndpoint tokenEndpoint;

    public GatewayChain(
            GatewayErrors errors,
            ApiPrefixAlias sdkPrefix,
            RequestIds requestIds,
            AccessLog accessLog,
            PathGuard guard,
            Authenticate authenticate,
            Grant grant,
            ClientRateLimit rateLimit,
            GenesysProxy proxy,
            ServiceRoutes serviceRoutes,
            TokenEndpoint tokenEndpoint) {
        this.errors = errors;
        this.steps = List.of(sdkPrefix, requestIds, accessLog, guard, authenticate, grant, rateLimit);
        this.proxy = proxy;
        this.serviceRoutes = serviceRoutes;
        this.tokenEndpoint = tokenEndpoint;
    }

    /** The steps every request passes before its route, by name, in order. */
    public static List<String> stepNames() {
        return STEPS;
    }

    void install(@Observes Router router) {
        errors.install(router, FIRST - 1);
        installSteps(router, steps);
        router.routeWithRegex(GenesysProxy.PATHS).handler(proxy);
        serviceRoutes.install(router);
        tokenEndpoint.install(router);
    }

    /** Each step a route matching every request, ordered before any route Quarkus or the features add. */
    static void installSteps(Router router, List<Handler<RoutingContext>> steps) {
        for (int i = 0; i < steps.size(); i++) {
            router.route().order(FIRST + i).handler(steps.get(i));
        }
    }
}
