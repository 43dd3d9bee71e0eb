package io.cxbridge.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fixed-rate generator against a real HTTP server in this JVM: what it sends, counts and measures. */
class OpenLoopTest {

    private static Vertx vertx;
    private static HttpServer server;
    private static final Set<HttpConnection> connections = ConcurrentHashMap.newKeySet();
    private static final Map<String, AtomicInteger> bodies = new ConcurrentHashMap<>();
    private static final AtomicInteger served = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer()
                .connectionHandler(connections::add)
                .requestHandler(req -> req.body().onSuccess(body -> {
                    served.incrementAndGet();
                    String key = req.getHeader("X-API-Key");
                    switch (req.path()) {
                        case "/length" ->
                            req.response()
                                    .putHeader("X-Seen-Key", key == null ? "none" : key)
                                    .end("{\"len\":" + body.length() + "}");
                        case "/chunked" -> {
                            req.response().setChunked(true).write("part one,");
                            req.response().end("part two");
                        }
                        case "/close" ->
                            req.response().putHeader("Connection", "close").end("bye");
                        case "/empty" -> req.response().setStatusCode(204).end();
                        case "/status" -> req.response().setStatusCode(503).end("{}");
                        case "/late" ->
                            vertx.setTimer(
                                    100, t -> req.response().setStatusCode(203).end("late"));
                        default -> {
                            bodies.computeIfAbsent(body.toString(), k -> new AtomicInteger())
                                    .incrementAndGet();
                            req.response().setStatusCode(202).end();
                        }
                    }
                }))
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static int port() {
        return server.actualPort();
    }

    @Test
    void everyRequestIsAnsweredAtTheRateAndItsHeadersAreSeen() {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().set("X-API-Key", "k1");
        Map<String, Integer> seen = new ConcurrentHashMap<>();
        try (OpenLoop loop = new OpenLoop(4)) {
            LatencySummary s = loop.run(
                    "length",
                    500,
                    0.4,
                    0.1,
                    i -> RequestSpec.post(port(), "/length", headers, "x".repeat((int) i % 7)),
                    (status, h) -> seen.merge(h.get("X-Seen-Key"), 1, Integer::sum));
            assertThat(s.sent()).isEqualTo(200);
            assertThat(s.completed()).isEqualTo(200);
            assertThat(s.errors()).isZero();
            assertThat(s.count(200)).isEqualTo(200);
            // onResponse sees the measured phase only, not the warm-up
            assertThat(seen).containsExactly(Map.entry("k1", 200));
            assertThat(s.p(50)).isPositive();
            assertThat(s.seconds()).isGreaterThanOrEqualTo(0.4);
        }
    }

    @Test
    void postBodiesArriveWhole() {
        bodies.clear();
        try (OpenLoop loop = new OpenLoop(8)) {
            LatencySummary s = loop.run(
                    "bodies",
                    1000,
                    0.2,
                    0,
                    i -> RequestSpec.post(port(), "/store", MultiMap.caseInsensitiveMultiMap(), "{\"i\":" + i + "}"),
                    null);
            assertThat(s.count(202)).isEqualTo(200);
        }
        assertThat(bodies).hasSize(200).containsKey("{\"i\":199}");
        assertThat(bodies.values()).allMatch(n -> n.get() == 1);
    }

    @Test
    void chunkedEmptyAndErrorAnswersAreCountedByStatus() {
        try (OpenLoop loop = new OpenLoop(2)) {
            String[] paths = {"/chunked", "/empty", "/status"};
            LatencySummary s =
                    loop.run("mixed", 600, 0.25, 0, i -> RequestSpec.get(port(), paths[(int) (i % 3)], null), null);
            assertThat(s.errors()).isZero();
            assertThat(s.statuses()).containsOnly(Map.entry(200, 50L), Map.entry(204, 50L), Map.entry(503, 50L));
        }
    }

    @Test
    void noMoreConnectionsThanAllowedAndAClosedOneIsReplaced() {
        connections.clear();
        try (OpenLoop loop = new OpenLoop(3)) {
            LatencySummary s = loop.run("close", 400, 0.25, 0, i -> RequestSpec.get(port(), "/close", null), null);
            assertThat(s.count(200)).isEqualTo(100);
            assertThat(s.errors()).isZero();
        }
        // each answer closed its connection: one connection per request, never more than three at once
        assertThat(connections).hasSize(100);
        connections.clear();
        try (OpenLoop loop = new OpenLoop(3)) {
            LatencySummary s = loop.run("burst", 5000, 0.1, 0, i -> RequestSpec.get(port(), "/length", null), null);
            assertThat(s.count(200)).isEqualTo(500);
        }
        assertThat(connections).hasSizeLessThanOrEqualTo(3);
    }

    @Test
    void aPortThatRefusesCountsEveryRequestAsAnError() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        int before = served.get();
        try (OpenLoop loop = new OpenLoop(4)) {
            LatencySummary s = loop.run("refused", 1000, 0.05, 0, i -> RequestSpec.get(closedPort, "/", null), null);
            assertThat(s.sent()).isEqualTo(50);
            assertThat(s.errors()).isEqualTo(50);
            assertThat(s.completed()).isZero();
            assertThat(s.statuses()).isEqualTo(Collections.emptyMap());
        }
        assertThat(served.get()).isEqualTo(before);
    }

    @Test
    void theSlowLogHoldsEveryMeasuredSlowRequestAndNoWarmUpOne(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("slow.tsv");
        // every fifth request answered after 100 ms (status 203); the rest at once
        try (OpenLoop loop = new OpenLoop(4, new SlowLog(50, file))) {
            LatencySummary s = loop.run(
                    "late", 100, 0.5, 0.1, i -> RequestSpec.get(port(), i % 5 == 0 ? "/late" : "/length", null), null);
            assertThat(s.count(203)).isEqualTo(10);
        }
        List<String> lines = Files.readAllLines(file);
        assertThat(lines.get(0)).isEqualTo(SlowLog.HEADER);
        List<String[]> late = lines.stream()
                .skip(1)
                .map(l -> l.split("\t"))
                .filter(f -> f[8].equals("203"))
                .toList();
        // the measured phase's ten late answers, not the warm-up's two
        assertThat(late).hasSize(10);
        for (String[] f : late) {
            assertThat(f[0]).isEqualTo("late");
            assertThat(Instant.parse(f[1])).isBetween(Instant.now().minusSeconds(60), Instant.now());
            // the monotonic due time is System.nanoTime()'s clock, in seconds
            assertThat(Double.parseDouble(f[2])).isBetween(System.nanoTime() / 1e9 - 60, System.nanoTime() / 1e9);
            double total = Double.parseDouble(f[3]);
            double answer = Double.parseDouble(f[6]);
            assertThat(answer).isGreaterThanOrEqualTo(99.0);
            assertThat(total).isGreaterThanOrEqualTo(answer);
            assertThat(Double.parseDouble(f[4]) + Double.parseDouble(f[5]) + answer)
                    .isCloseTo(total, org.assertj.core.data.Offset.offset(0.01));
        }
    }

    @Test
    void theSlowLogKeepsAThousandLinesAPhaseAndCountsTheRest(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> new SlowLog(0, dir.resolve("x"))).isInstanceOf(IllegalArgumentException.class);
        SlowLog log = new SlowLog(1, dir.resolve("slow.tsv"));
        SlowLog.Recording r = log.start("p");
        long t = System.nanoTime();
        for (int i = 0; i < 1005; i++) {
            r.offer(t, t, t, t + 2_000_000, 1, 200);
        }
        r.offer(t, t, t, t + 500_000, 1, 200);
        r.finish();
        assertThat(r.slow()).isEqualTo(1005);
        assertThat(Files.readAllLines(dir.resolve("slow.tsv"))).hasSize(1 + SlowLog.MAX_PER_PHASE);
    }

    @Test
    void theRequestCarriesHostHeadersAndLength() {
        String text = new String(
                OpenLoop.encode(RequestSpec.post(
                                8080,
                                "/v1/x?a=b",
                                MultiMap.caseInsensitiveMultiMap().set("X-API-Key", "k"),
                                "{\"é\":1}"))
                        .array(),
                java.nio.charset.StandardCharsets.UTF_8);
        assertThat(text)
                .startsWith("POST /v1/x?a=b HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n")
                .contains("X-API-Key: k\r\n", "Content-Type: application/json\r\n", "Content-Length: 8\r\n")
                .endsWith("\r\n\r\n{\"é\":1}");
    }
}
