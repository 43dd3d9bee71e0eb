package io.cxbridge.gateway.routes;

import io.cxbridge.gateway.audit.BodyTap;
import io.cxbridge.gateway.audit.RequestContext;
import io.cxbridge.gateway.audit.Tapped;
import io.cxbridge.gateway.auth.ClientAuthentication;
import io.cxbridge.gateway.auth.GatewayClient;
import io.cxbridge.gateway.config.GatewayConfig;
import io.cxbridge.gateway.proxy.BodyLimit;
import io.cxbridge.gateway.proxy.HopByHop;
import io.cxbridge.genesys.http.StreamPipes;
import io.cxbridge.genesys.url.UpstreamUrl;
import java.net.URI;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * The gateway is the only door to the other services: it forwards their public paths (after the same
 * authentication, grants, limits, audit and logs as everything else), streaming both ways, with the caller's
 * credentials removed and {@code X-Cxbridge-Client-Id}, {@code X-Request-Id} and {@code traceparent} added.
 */
@ApplicationScoped
public class ServiceRoutes {

    private static final Logger LOG = Logger.getLogger(ServiceRoutes.class);

    private final GatewayConfig.Services services;
    private final HttpClient http;
    private final long logLimit;
    private final long maxBodySize;

    public ServiceRoutes(Vertx vertx, GatewayConfig config) {
        this.services = config.services();
        this.logLimit = config.logging().logBodyLimit().asLongValue();
        this.maxBodySize = config.proxy().maxBodySize().asLongValue();
        this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(2000).setMaxPoolSize(50));
    }

    void install(@Observes Router router) {
        route(router, "^/v1/data-actions/(failed-runs/[^/]+|dlq(/.*)?)$", "retry-svc", services.retryUrl());
        route(router, "^/v1/fulfillment/(jobs/[^/]+|dlq(/.*)?)$", "fulfillment-svc", services.fulfillmentUrl());
        // the synchronous Data Action endpoint: fulfillment-svc answers within the action's budget
        route(router, "^/v1/actions/[^/]+(/cache)?$", "fulfillment-svc", services.fulfillmentUrl());
        route(router, "^/v1/retention(/.*)?$", "retention-svc", services.retentionUrl());
        route(router, "^/v1/directories(/.*)?$", "directory-svc", services.directoryUrl());
    }

    private void route(Router router, String regex, String service, String baseUrl) {
        URI base = URI.create(baseUrl);
        router.routeWithRegex(regex).handler(rc -> forward(rc, service, base));
    }

    private void forward(RoutingContext rc, String service, URI base) {
        HttpServerRequest request = rc.request();
        rc.put(ClientAuthentication.BODY_STREAMED, true);
        request.pause();
        String requestId = RequestContext.requestId(rc);
        // Built from the service's base and the guard's normalised target, never from the raw request line.
        UpstreamUrl url = UpstreamUrl.of(base, rc.get(RequestContext.TARGET));
        MultiMap headers = HopByHop.forRequest(request.headers());
        GatewayClient client = RequestContext.client(rc);
        if (client != null) {
            headers.set("X-Cxbridge-Client-Id", client.id());
        }
        headers.set("X-Request-Id", requestId);
        RequestOptions options = url.options(request.method()).setIdleTimeout(services.timeout().toMillis());
        http.request(options)
                .compose(out -> {
                    out.headers().addAll(headers);
                    boolean hasBody = request.headers().contains("Content-Length") || request.headers().contains("Transfer-Encoding");
                    if (hasBody && !out.headers().contains("Content-Length")) {
                        out.setChunked(true);
                    }
                    if (!hasBody) {
                        return out.send();
                    }
                    BodyTap tap = new BodyTap(logLimit);
                    rc.put(RequestContext.REQUEST_BODY, tap);
                    return StreamPipes.sendBody(out, BodyLimit.apply(rc, new Tapped(request, tap), maxBodySize));
                })
                .onSuccess(answer -> relay(rc, answer))
                .onFailure(e -> {
                    LOG.warnf("%s did not answer %s %s: %s", service, request.method(), RequestContext.path(rc), e.getMessage());
                    if (!rc.response().ended()) {
                        rc.response().putHeader("Retry-After", "5");
                        RequestContext.problem(rc, 503, "Service Unavailable", service + " is not reachable; retry shortly");
                    }
                });
    }

    private void relay(RoutingContext rc, HttpClientResponse answer) {
        HttpServerResponse response = rc.response();
        rc.put(RequestContext.UPSTREAM_STATUS, answer.statusCode());
        response.setStatusCode(answer.statusCode());
        response.headers().addAll(HopByHop.forResponse(answer.headers()));
        if (!answer.headers().contains("Content-Length")) {
            response.setChunked(true);
        }
        BodyTap tap = new BodyTap(logLimit);
        rc.put(RequestContext.RESPONSE_BODY, tap);
        StreamPipes.relay(answer, new Tapped(answer, tap), response);
    }

    @PreDestroy
    void close() {
        http.close();
    }
}
