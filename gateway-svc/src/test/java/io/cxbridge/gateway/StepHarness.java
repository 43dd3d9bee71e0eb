package io.cxbridge.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One gateway step (or a few) on a plain Vert.x router and HTTP server on a free port, without Quarkus: the unit
 * tier's way to send real requests through a handler. A request that passes every step the test installs gets
 * 200 {@value #PASSED}.
 */
public final class StepHarness implements AutoCloseable {

    public static final String PASSED = "passed";

    private final Vertx vertx;
    private final HttpServer server;
    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private StepHarness(Vertx vertx, HttpServer server) {
        this.vertx = vertx;
        this.server = server;
    }

    /** Starts a server whose router has the test's routes, then one last route answering {@value #PASSED}. */
    public static StepHarness start(Consumer<Router> routes) throws Exception {
        Vertx vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        routes.accept(router);
        router.route().order(Integer.MAX_VALUE).handler(rc -> rc.response().end(PASSED));
        HttpServer server = vertx.createHttpServer()
                .requestHandler(router)
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        return new StepHarness(vertx, server);
    }

    public Vertx vertx() {
        return vertx;
    }

    public int port() {
        return server.actualPort();
    }

    /** Sends a request without a body; {@code headers} are name, value pairs. */
    public HttpResponse<String> send(String method, String path, String... headers) throws Exception {
        return sendBody(method, path, null, headers);
    }

    /** Sends a request with {@code body} (none when null). */
    public HttpResponse<String> sendBody(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path))
                .timeout(Duration.ofSeconds(10))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
