package io.cxbridge.gateway.routes;

import io.cxbridge.gateway.config.GatewayConfig;
import io.cxbridge.gateway.context.RequestContext;
import io.cxbridge.gateway.proxy.ProxyCore;
import io.cxbridge.genesys.GenesysProducers;
import io.cxbridge.genesys.http.LoopLocalHttpClients;
import io.cxbridge.genesys.http.StreamPipes;
import io.cxbridge.genesys.url.UpstreamUrl;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;

/**
 * The gateway is the only door to the other services: it forwards their public paths (after the same
 * authentication, grants, limits, audit and logs as everything else) through the proxy core the Genesys proxy uses
 * (streaming both ways, body limit, hop-by-hop and credentials removed, failures mapped), with
 * {@code X-Cxbridge-Client-Id}, {@code X-Request-Id} and {@code traceparent} added.
 */
@ApplicationScoped
public class ServiceRoutes {

    private final GatewayConfig.Services services;
    private final ProxyCore core;
    /** One pool per event loop, as the Genesys proxy's: an answer is read and relayed on the request's own loop. */
    private final LoopLocalHttpClients http;

    public ServiceRoutes(Vertx vertx, GatewayConfig config, ProxyCore core) {
        this.services = config.services();
        this.core = core;
        HttpClientOptions options = new HttpClientOptions()
                .setConnectTimeout(2000)
                .setMaxPoolSize(50)
                .setMaxChunkSize(GenesysProducers.RELAYED_CHUNK_SIZE);
        this.http = new LoopLocalHttpClients(() -> vertx.createHttpClient(options));
    }

    /** Installed by {@code chain.GatewayChain}. */
    public void install(Router router) {
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
        if (core.refusedAsTooLarge(rc)) {
            return;
        }
        ProxyCore.takeBodyOver(rc);
        String requestId = RequestContext.requestId(rc);
        // Built from the service's base and the guard's normalised target, never from the raw request line.
        UpstreamUrl url = UpstreamUrl.of(base, rc.get(RequestContext.TARGET));
        MultiMap headers = ProxyCore.requestHeaders(request, requestId);
        String clientId = RequestContext.clientId(rc);
        if (clientId != null) {
            headers.set("X-Cxbridge-Client-Id", clientId);
        }
        RequestOptions options =
                url.options(request.method()).setIdleTimeout(services.timeout().toMillis());
        http.current()
                .request(options)
                .compose(out -> {
                    out.headers().addAll(headers);
                    boolean hasBody = request.headers().contains("Content-Length")
                            || request.headers().contains("Transfer-Encoding");
                    if (hasBody && !out.headers().contains("Content-Length")) {
                        out.setChunked(true);
                    }
                    return hasBody ? StreamPipes.sendBody(out, core.streamedBody(rc)) : out.send();
                })
                .onSuccess(answer -> core.relay(rc, answer.statusCode(), answer.headers(), answer, 0, requestId))
                .onFailure(e -> ProxyCore.fail(rc, e, requestId, service));
    }

    @PreDestroy
    void close() {
        http.close();
    }
}
