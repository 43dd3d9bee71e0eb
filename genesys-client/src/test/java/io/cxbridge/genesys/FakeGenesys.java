package io.cxbridge.genesys;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small HTTP server a test controls, for answers genesys-sim will not give (an absurd {@code expires_in} or
 * {@code Retry-After}, an oversized body): {@code /oauth/token} answered by {@link #token} (a valid token by default),
 * every other request by {@link #api}. A process whose {@code base-url} is {@link #baseUrl()} logs in here too.
 */
public final class FakeGenesys implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    public final AtomicInteger tokenRequests = new AtomicInteger();
    public final AtomicInteger apiRequests = new AtomicInteger();
    private final AtomicInteger issued = new AtomicInteger();

    public volatile Handler<HttpServerRequest> token = req -> tokenAnswer(req, 3600);
    public volatile Handler<HttpServerRequest> api =
            req -> req.response().setStatusCode(404).end();

    public FakeGenesys() throws Exception {
        server = vertx.createHttpServer()
                .requestHandler(req -> {
                    if (req.path().equals("/oauth/token")) {
                        tokenRequests.incrementAndGet();
                        req.body().onComplete(ignored -> token.handle(req));
                        return;
                    }
                    apiRequests.incrementAndGet();
                    api.handle(req);
                })
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    /** A token answer with a fresh token and {@code expiresIn} as written (any JSON number). */
    public void tokenAnswer(HttpServerRequest req, Object expiresIn) {
        req.response()
                .putHeader("Content-Type", "application/json")
                .end("{\"access_token\":\"fake-token-" + issued.incrementAndGet()
                        + "\",\"token_type\":\"bearer\",\"expires_in\":" + expiresIn + "}");
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
