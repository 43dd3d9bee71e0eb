package io.cxbridge.gateway.routes;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stands in for retry-, fulfillment- and retention-svc: one HTTP server that answers every request with what
 * it received (method, path, headers, body size). directory-svc points at a closed port, to see the gateway
 * answer for a service that is down.
 */
public class EchoBackendResource implements QuarkusTestResourceLifecycleManager {

    /** Requests the backend has received (tests that expect none compare it before and after). */
    public static final AtomicLong HITS = new AtomicLong();

    private Vertx vertx;
    private HttpServer server;

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        try {
            server = vertx.createHttpServer()
                    .requestHandler(req -> req.body().onSuccess(body -> {
                        HITS.incrementAndGet();
                        JsonObject headers = new JsonObject();
                        req.headers().forEach(h -> headers.put(h.getKey().toLowerCase(), h.getValue()));
                        req.response()
                                .setStatusCode(req.path().endsWith("/missing") ? 404 : 200)
                                .putHeader("Content-Type", "application/json")
                                .end(new JsonObject()
                                        .put("method", req.method().name())
                                        .put("path", req.uri())
                                        .put("headers", headers)
                                        .put("bodySize", body.length())
                                        .encode());
                    }))
                    .listen(0, "127.0.0.1")
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("echo backend did not start", e);
        }
        String base = "http://127.0.0.1:" + server.actualPort();
        return Map.of(
                "cxbridge.gateway.services.retry-url",
                base + "/retry",
                "cxbridge.gateway.services.fulfillment-url",
                base + "/fulfillment",
                "cxbridge.gateway.services.retention-url",
                base + "/retention",
                "cxbridge.gateway.services.directory-url",
                "http://127.0.0.1:1");
    }

    @Override
    public void stop() {
        if (vertx != null) {
            vertx.close();
        }
    }
}
