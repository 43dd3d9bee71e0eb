package io.cxbridge.sim.http;

import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.impl.HttpServerRequestInternal;
import io.vertx.ext.web.RoutingContext;

/** What the HTTP server metrics record about a route. */
public final class RouteMetrics {

    /**
     * Names the request's URI template for the HTTP server metrics ({@code uri} tag of
     * {@code http_server_requests_seconds}), so ids in paths do not make one time series each.
     */
    @SuppressWarnings("deprecation")
    public static void uriTemplate(RoutingContext ctx, String template) {
        Context context = ctx.request() instanceof HttpServerRequestInternal internal
                ? internal.context()
                : Vertx.currentContext();
        if (context != null && VertxContext.isDuplicatedContext(context)) {
            context.putLocal("UrlPathTemplate", template);
        }
    }

    private RouteMetrics() {}
}
