package io.cxbridge.genesys.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each event loop calls upstream through its own pool, so no connection is shared by two event loops. */
class LoopLocalHttpClientsTest {

    Vertx vertx;
    LoopLocalHttpClients clients;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        clients = new LoopLocalHttpClients(() -> vertx.createHttpClient());
    }

    @AfterEach
    void stop() throws Exception {
        clients.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Two event-loop contexts on different threads (verticle instances take the event loops in turn). */
    Context[] twoLoops() throws Exception {
        Queue<Context> contexts = new ConcurrentLinkedQueue<>();
        vertx.deployVerticle(
                        () -> new AbstractVerticle() {
                            @Override
                            public void start() {
                                contexts.add(context);
                            }
                        },
                        new DeploymentOptions().setInstances(4))
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        Context a = contexts.poll();
        Thread ta = on(a, Thread::currentThread);
        for (Context b : contexts) {
            if (on(b, Thread::currentThread) != ta) {
                return new Context[] {a, b};
            }
        }
        throw new AssertionError("no second event loop");
    }

    static <T> T on(Context context, Supplier<T> work) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        context.runOnContext(x -> result.complete(work.get()));
        return result.get(10, TimeUnit.SECONDS);
    }

    @Test
    void anEventLoopAlwaysGetsItsOwnClientAndOtherThreadsTheSharedOne() throws Exception {
        Context[] loops = twoLoops();
        HttpClient a = on(loops[0], clients::current);
        HttpClient b = on(loops[1], clients::current);

        assertThat(a).isNotSameAs(b);
        assertThat(on(loops[0], clients::current)).isSameAs(a);
        assertThat(clients.current()).as("off an event loop").isNotIn(a, b).isSameAs(clients.current());
        assertThat(clients.size()).isEqualTo(3);
    }

    @Test
    void requestsFromTwoEventLoopsNeverShareAnUpstreamConnection() throws Exception {
        // the server notes which client connection (its remote port) each caller's requests came on
        Map<String, Set<Integer>> portsByCaller = new ConcurrentHashMap<>();
        HttpServer server = vertx.createHttpServer()
                .requestHandler(req -> {
                    portsByCaller
                            .computeIfAbsent(req.getHeader("X-Caller"), k -> ConcurrentHashMap.newKeySet())
                            .add(req.connection().remoteAddress().port());
                    req.response().end("ok");
                })
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        Context[] loops = twoLoops();

        // one after the other, so a single shared pool would hand each caller the connection the other just freed
        for (int i = 0; i < 20; i++) {
            for (int caller = 0; caller < 2; caller++) {
                String name = "loop-" + caller;
                CompletableFuture<Integer> done = new CompletableFuture<>();
                loops[caller].runOnContext(x -> clients.current()
                        .request(new RequestOptions()
                                .setMethod(HttpMethod.GET)
                                .setHost("127.0.0.1")
                                .setPort(server.actualPort())
                                .setURI("/")
                                .putHeader("X-Caller", name))
                        .compose(req -> req.send())
                        .compose(resp -> resp.body().map(body -> resp.statusCode()))
                        .onComplete(r -> {
                            if (r.succeeded()) {
                                done.complete(r.result());
                            } else {
                                done.completeExceptionally(r.cause());
                            }
                        }));
                assertThat(done.get(10, TimeUnit.SECONDS)).isEqualTo(200);
            }
        }

        assertThat(portsByCaller.get("loop-0")).isNotEmpty().doesNotContainAnyElementsOf(portsByCaller.get("loop-1"));
    }
}
