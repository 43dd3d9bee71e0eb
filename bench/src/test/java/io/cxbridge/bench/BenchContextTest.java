package io.cxbridge.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmarks' blocking control calls against a sim stand-in that leaves some calls without an answer. */
class BenchContextTest {

    private static Vertx vertx;
    private static HttpServer server;
    private static final AtomicInteger received = new AtomicInteger();
    /** How many of the next requests get no answer at all. */
    private static final AtomicInteger unanswered = new AtomicInteger();
    /** How many of the next requests get a head and part of a body, and never its end. */
    private static final AtomicInteger unfinished = new AtomicInteger();

    @TempDir
    static Path state;

    private BenchContext ctx;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer()
                .requestHandler(BenchContextTest::handle)
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    private static void handle(HttpServerRequest req) {
        received.incrementAndGet();
        if (unanswered.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return; // the request is read and never answered
        }
        if (unfinished.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            req.response().setStatusCode(200).setChunked(true).write("{\"ok\":"); // and never ended
            return;
        }
        req.response().setStatusCode(200).end("{\"ok\":true}");
    }

    @AfterAll
    static void stop() {
        server.close();
        vertx.close();
    }

    @BeforeEach
    void context() {
        received.set(0);
        unanswered.set(0);
        unfinished.set(0);
        ctx = new BenchContext(Map.of(
                "SIM_PORT", String.valueOf(server.actualPort()),
                "STACK_STATE", state.toString(),
                "BENCH_CONTROL_TIMEOUT_MS", "300"));
    }

    @AfterEach
    void close() {
        ctx.close();
    }

    @Test
    void anIdempotentControlCallLeftWithoutAnAnswerIsMadeOnceMore() {
        unanswered.set(1);

        ctx.simClearFaults();
        BenchContext.Response stats = ctx.get(server.actualPort(), "/sim/stats", null);

        assertThat(stats.status()).isEqualTo(200);
        assertThat(received).hasValue(3);
    }

    @Test
    void aPostLeftWithoutAnAnswerFailsWithItsPathAndIsNotRepeated() {
        unanswered.set(1);

        assertThatThrownBy(() -> ctx.simConfig("{\"externalLatencyMs\":0}"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("POST 127.0.0.1:" + server.actualPort() + "/sim/config")
                .hasMessageContaining("Timeout");
        assertThat(received).hasValue(1);
    }

    @Test
    void aBodyThatStopsComingEndsTheCallOnItsTimerAndSaysHowFarItGot() {
        unfinished.set(1);

        assertThatThrownBy(() -> ctx.simConfig("{\"externalLatencyMs\":0}"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("POST 127.0.0.1:" + server.actualPort() + "/sim/config")
                .hasMessageContaining("the body did not end within 300 ms")
                .hasMessageContaining("head 200 after")
                .hasMessageContaining("6 body bytes, no end");
        assertThat(received).hasValue(1);

        // A GET whose body stops coming is made once more, on a connection of its own.
        unfinished.set(1);
        assertThat(ctx.get(server.actualPort(), "/sim/stats", null).text()).isEqualTo("{\"ok\":true}");
        assertThat(received).hasValue(3);
    }

    @Test
    void aCallWithoutAHeadSaysItWasSentOnAConnection() {
        unanswered.set(1);

        assertThatThrownBy(() -> ctx.simConfig("{}"))
                .hasMessageContaining("no response head within 300 ms")
                .hasMessageMatching(
                        "(?s).*connection from local port \\d+ after \\d+ ms, request sent, no response head.*");
    }

    @Test
    void theSocketsOfAConnectionAreShownFromBothEnds() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.actualPort())) {
            String shown = BenchContext.sockets(s.getLocalPort());
            // Both ends are on this machine; without ss the line says so instead.
            if (shown.startsWith("ss:")) {
                assertThat(shown).contains(":" + s.getLocalPort()).contains(":" + server.actualPort());
            } else {
                assertThat(shown).startsWith("ss not run");
            }
        }
        assertThat(BenchContext.sockets(-1)).isEqualTo("no connection");
    }

    @Test
    void aCallThatFailsTwiceFailsAndCallsGivenUpOnLeaveThePoolFree() {
        // More unanswered calls than the pool's 16 connections: each must give its connection back.
        unanswered.set(34);
        for (int i = 0; i < 17; i++) {
            assertThatThrownBy(ctx::simClearFaults).isInstanceOf(IllegalStateException.class);
        }
        assertThat(received).hasValue(34);

        assertThat(ctx.get(server.actualPort(), "/sim/stats", null).status()).isEqualTo(200);
    }

    @Test
    void aThreadDumpNamesTheSelectedThreadsWithTheirFrames() throws Exception {
        java.util.concurrent.CountDownLatch parked = new java.util.concurrent.CountDownLatch(1);
        Thread t = new Thread(
                () -> {
                    parked.countDown();
                    java.util.concurrent.locks.LockSupport.park();
                },
                "vert.x-eventloop-thread-test");
        t.setDaemon(true);
        t.start();
        parked.await();
        String dump = BenchContext.threadDump(th -> th.getName().startsWith("vert.x-eventloop-thread-test"));
        java.util.concurrent.locks.LockSupport.unpark(t);
        assertThat(dump)
                .startsWith("\"vert.x-eventloop-thread-test\" ")
                .contains("\tat ")
                .doesNotContain("\"main\"");
    }
}
