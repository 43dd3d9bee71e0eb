package io.cxbridge.genesys.paging;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A small HTTP server a test controls: a token endpoint, and every other request answered by the test's
 * {@link #answer} function. Each request's path and query is recorded, so a test counts page calls.
 */
final class ListingServer implements AutoCloseable {

    record Answer(int status, String json) {}

    record Request(String path, Map<String, List<String>> query) {
        String param(String name) {
            List<String> v = query.get(name);
            return v == null || v.isEmpty() ? null : v.get(0);
        }
    }

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    final List<String> requests = new CopyOnWriteArrayList<>();
    volatile Function<Request, Answer> answer = r -> new Answer(404, "{\"message\":\"no handler\"}");
    private int correlation;

    ListingServer() throws Exception {
        server = vertx.createHttpServer()
                .requestHandler(req -> {
                    if (req.path().equals("/oauth/token")) {
                        req.response()
                                .putHeader("Content-Type", "application/json")
                                .end(
                                        "{\"access_token\":\"test-token\",\"token_type\":\"bearer\",\"expires_in\":86400}");
                        return;
                    }
                    requests.add(req.uri());
                    QueryStringDecoder q = new QueryStringDecoder(req.uri());
                    Answer a;
                    try {
                        a = answer.apply(new Request(q.path(), q.parameters()));
                    } catch (RuntimeException e) {
                        a = new Answer(500, "{\"message\":\"" + e.getMessage() + "\"}");
                    }
                    String id;
                    synchronized (this) {
                        id = "corr-" + (++correlation);
                    }
                    req.response()
                            .setStatusCode(a.status())
                            .putHeader("Content-Type", "application/json")
                            .putHeader("ININ-Correlation-Id", id)
                            .end(a.json());
                })
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    long count(String path) {
        return requests.stream()
                .filter(u -> new QueryStringDecoder(u).path().equals(path))
                .count();
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
