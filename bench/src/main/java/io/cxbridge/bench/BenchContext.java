package io.cxbridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cxbridge.bench.infra.Redis;
import io.cxbridge.bench.infra.ServiceJvm;
import io.cxbridge.bench.load.OpenLoop;
import io.cxbridge.bench.load.SlowLog;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * Where the bench stack runs (ports and state from bench/run's environment) and the helpers every benchmark uses:
 * blocking control calls, the sim's control API, the gateway's bench client key, process ids.
 */
public final class BenchContext implements AutoCloseable {

    public record Response(int status, MultiMap headers, Buffer body) {
        public String text() {
            return body == null ? "" : body.toString(StandardCharsets.UTF_8);
        }
    }

    public static final ObjectMapper JSON = new ObjectMapper();
    public static final String SIM_CLIENT = "cxbridge-local";
    public static final String SIM_SECRET = "cxbridge-local-secret";
    private static final Set<HttpMethod> IDEMPOTENT =
            Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.PUT, HttpMethod.DELETE);

    private final Map<String, String> env;
    private final Vertx vertx;
    private final HttpClient control;
    private final Path root;
    private final Path state;
    private final long controlTimeoutMs;

    public BenchContext(Map<String, String> env) {
        this.env = env;
        this.root =
                Path.of(env.getOrDefault("BENCH_ROOT", ".")).toAbsolutePath().normalize();
        this.state = Path.of(env.getOrDefault(
                "STACK_STATE", root.resolve("bench/target/stack").toString()));
        this.controlTimeoutMs = Long.parseLong(env.getOrDefault("BENCH_CONTROL_TIMEOUT_MS", "20000"));
        // Two event loops: the load generator shares two cores with everything it measures.
        this.vertx = Vertx.vertx(
                new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(4).setBlockedThreadCheckInterval(10_000));
        this.control = vertx.createHttpClient(
                new HttpClientOptions().setKeepAlive(true).setConnectTimeout(5000),
                new PoolOptions().setHttp1MaxSize(16));
    }

    public Vertx vertx() {
        return vertx;
    }

    public Path root() {
        return root;
    }

    /** The JVM options ./stack starts {@code part} with ({@link ServiceJvm}), for a process a benchmark starts itself. */
    public List<String> serviceJavaOptions(String part) {
        return ServiceJvm.options(env, part);
    }

    public Path state() {
        return state;
    }

    public Path work() {
        return state.resolve("bench-work");
    }

    public String env(String name, String def) {
        return env.getOrDefault(name, def);
    }

    public int port(String var, int def) {
        return Integer.parseInt(env.getOrDefault(var, String.valueOf(def)));
    }

    public int gateway() {
        return port("GATEWAY_PORT", 8080);
    }

    public int sim() {
        return port("SIM_PORT", 8090);
    }

    public int directory() {
        return port("DIRECTORY_PORT", 8084);
    }

    public int redisPort() {
        return port("REDIS_PORT", 6379);
    }

    public String kafka() {
        return "127.0.0.1:" + port("KAFKA_PORT", 9092);
    }

    /** Seconds each measured phase lasts (BENCH_SECONDS, default 10). */
    public double seconds() {
        return Double.parseDouble(env.getOrDefault("BENCH_SECONDS", "10"));
    }

    /** Seconds of unrecorded warm-up before each measured phase (BENCH_WARMUP, default 2). */
    public double warmup() {
        return Double.parseDouble(env.getOrDefault("BENCH_WARMUP", "2"));
    }

    public String benchKey() {
        return env.getOrDefault("BENCH_KEY", "cxb_bench_key");
    }

    public MultiMap gatewayHeaders() {
        return MultiMap.caseInsensitiveMultiMap().set("X-API-Key", benchKey());
    }

    /**
     * A fixed-rate load generator. With {@code BENCH_SLOW_MS} set, each measured request slower than that is written
     * to {@code slow-requests.tsv} in {@link #work()} ({@link SlowLog}).
     */
    public OpenLoop openLoop(int maxConnections) {
        String slowMs = env("BENCH_SLOW_MS", "");
        if (slowMs.isBlank()) {
            return new OpenLoop(maxConnections);
        }
        return new OpenLoop(
                maxConnections, new SlowLog(Double.parseDouble(slowMs), work().resolve("slow-requests.tsv")));
    }

    /**
     * One blocking call. A control call that fails without an answer (no connection, a timeout, a closed connection)
     * and is idempotent (GET, HEAD, PUT, DELETE) is made once more, with a line on stderr naming the first failure:
     * one lost call must not end a benchmark that runs for minutes, and the line shows it happened.
     */
    public Response call(HttpMethod method, int port, String uri, MultiMap headers, String body) {
        try {
            return callOnce(method, port, uri, headers, body);
        } catch (IllegalStateException first) {
            if (!IDEMPOTENT.contains(method)) {
                throw first;
            }
            System.err.println("bench: " + first.getMessage() + "; calling once more");
            return callOnce(method, port, uri, headers, body);
        }
    }

    private Response callOnce(HttpMethod method, int port, String uri, MultiMap headers, String body) {
        long timeout = timeoutMs(uri);
        RequestOptions o = new RequestOptions()
                .setMethod(method)
                .setHost("127.0.0.1")
                .setPort(port)
                .setURI(uri)
                // Bounds the wait for a pooled connection.
                .setConnectTimeout(controlTimeoutMs);
        if (headers != null) {
            o.setHeaders(headers);
        }
        CallProgress progress = new CallProgress();
        AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
        // The head and body timers only fail the call; the reset comes after the socket's state is read (below).
        Promise<Response> result = Promise.promise();
        control.request(o).onComplete(connected -> {
            if (connected.failed()) {
                result.tryFail(connected.cause());
                return;
            }
            HttpClientRequest req = connected.result();
            sent.set(req);
            progress.connected(req.connection().localAddress().port());
            long headTimer = vertx.setTimer(
                    timeout, id -> result.tryFail(new TimeoutException("no response head within " + timeout + " ms")));
            (body == null ? req.send() : req.send(body)).onComplete(answered -> {
                vertx.cancelTimer(headTimer);
                if (answered.failed()) {
                    result.tryFail(answered.cause());
                    return;
                }
                HttpClientResponse resp = answered.result();
                progress.head(resp.statusCode());
                body(resp, timeout, progress)
                        .onSuccess(b -> result.tryComplete(new Response(resp.statusCode(), resp.headers(), b)))
                        .onFailure(result::tryFail);
            });
        });
        try {
            return result.future()
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(controlTimeoutMs + 2 * timeout + 5000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            String call = method + " 127.0.0.1:" + port + uri;
            if (cause instanceof TimeoutException) {
                // Where the call stood and its socket's queues on both ends, before the reset closes it: a Send-Q
                // the server has not read, a Recv-Q this client has not read, or both empty (no answer written).
                System.err.println("bench: " + call + " timed out " + progress + "; " + sockets(progress.localPort));
            }
            // A call given up on here still holds its pooled connection until it is reset.
            HttpClientRequest req = sent.get();
            if (req != null) {
                req.reset();
            }
            if (e instanceof TimeoutException) {
                // The pool's wait and the head and body timers should have ended the call first; they did not fire,
                // so show what the bench's Vert.x threads were doing (a stuck event loop would be named here).
                System.err.println("bench: " + call + " outlived its own timeouts; the bench JVM's Vert.x threads:\n"
                        + threadDump(t -> t.getName().startsWith("vert.x")));
            }
            throw new IllegalStateException(call + ": " + cause + " " + progress, cause);
        }
    }

    /**
     * The response's body, failed with a {@link TimeoutException} when it has not ended {@code timeoutMs} after its
     * head. Vert.x's request idle timeout would not do: it stops at the response head (4.5: {@code
     * HttpClientRequestBase.handleResponse} cancels it), and it resets the connection before its state can be read.
     */
    private Future<Buffer> body(HttpClientResponse resp, long timeoutMs, CallProgress progress) {
        Promise<Buffer> done = Promise.promise();
        Buffer received = Buffer.buffer();
        long timer = vertx.setTimer(
                timeoutMs,
                id -> done.tryFail(
                        new TimeoutException("the body did not end within " + timeoutMs + " ms of the head")));
        resp.handler(chunk -> {
            received.appendBuffer(chunk);
            progress.bodyBytes = received.length();
        });
        resp.exceptionHandler(done::tryFail);
        resp.endHandler(v -> done.tryComplete(received));
        return done.future().onComplete(ignored -> vertx.cancelTimer(timer));
    }

    /** {@code ss}'s view of the TCP connection from a local port (both ends are on this machine), best effort. */
    static String sockets(int localPort) {
        if (localPort <= 0) {
            return "no connection";
        }
        try {
            Process p = new ProcessBuilder(
                            "ss", "-tn", "state", "all", "( sport = :" + localPort + " or dport = :" + localPort + " )")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor(5, TimeUnit.SECONDS);
            return "ss:\n" + out;
        } catch (IOException e) {
            return "ss not run: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "ss interrupted";
        }
    }

    /** How far one control call got, for the message of a call that failed. */
    static final class CallProgress {
        private final long start = System.nanoTime();
        private volatile long connectedAt = -1;
        private volatile int localPort = -1;
        private volatile long headAt = -1;
        private volatile int status = -1;
        volatile long bodyBytes;

        void connected(int port) {
            connectedAt = System.nanoTime();
            localPort = port;
        }

        void head(int statusCode) {
            headAt = System.nanoTime();
            status = statusCode;
        }

        @Override
        public String toString() {
            if (connectedAt < 0) {
                return "(no connection after " + ms(System.nanoTime()) + ")";
            }
            String conn = "(connection from local port " + localPort + " after " + ms(connectedAt);
            if (headAt < 0) {
                return conn + ", request sent, no response head after " + ms(System.nanoTime()) + ")";
            }
            return conn + ", head " + status + " after " + ms(headAt) + ", " + bodyBytes + " body bytes, no end after "
                    + ms(System.nanoTime()) + ")";
        }

        private String ms(long at) {
            return (at - start) / 1_000_000 + " ms";
        }
    }

    /** The stacks of this JVM's threads that {@code which} selects, as {@code jstack} would print them. */
    static String threadDump(Predicate<Thread> which) {
        StringBuilder sb = new StringBuilder();
        Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> which.test(e.getKey()))
                .sorted(Comparator.comparing(e -> e.getKey().getName()))
                .forEach(e -> {
                    sb.append('"')
                            .append(e.getKey().getName())
                            .append("\" ")
                            .append(e.getKey().getState())
                            .append('\n');
                    for (StackTraceElement f : e.getValue()) {
                        sb.append("\tat ").append(f).append('\n');
                    }
                });
        return sb.toString();
    }

    /** Control calls answer at once; a directory load or a 100 MiB body may take a while. */
    private long timeoutMs(String uri) {
        return uri.startsWith("/sim/") || uri.startsWith("/oauth/") ? controlTimeoutMs : 120_000;
    }

    public Response get(int port, String uri, MultiMap headers) {
        return call(HttpMethod.GET, port, uri, headers, null);
    }

    public JsonNode json(Response r) {
        try {
            return JSON.readTree(r.text());
        } catch (IOException e) {
            throw new IllegalStateException("not JSON (" + r.status() + "): " + r.text(), e);
        }
    }

    private MultiMap jsonHeaders() {
        return MultiMap.caseInsensitiveMultiMap().set("Content-Type", "application/json");
    }

    /** A sim access token, for calls straight to the sim (and through nginx). */
    public String simToken() {
        MultiMap h = MultiMap.caseInsensitiveMultiMap()
                .set(
                        "Authorization",
                        "Basic "
                                + Base64.getEncoder()
                                        .encodeToString(
                                                (SIM_CLIENT + ":" + SIM_SECRET).getBytes(StandardCharsets.UTF_8)))
                .set("Content-Type", "application/x-www-form-urlencoded");
        Response r = call(HttpMethod.POST, sim(), "/oauth/token", h, "grant_type=client_credentials");
        require(r, 200, "sim token");
        return json(r).get("access_token").asText();
    }

    public void simConfig(String json) {
        require(call(HttpMethod.POST, sim(), "/sim/config", jsonHeaders(), json), 200, "sim config " + json);
    }

    public void simReset() {
        Response r = call(HttpMethod.POST, sim(), "/sim/reset", null, null);
        if (r.status() >= 300) {
            throw new IllegalStateException("sim reset: " + r.status() + " " + r.text());
        }
    }

    public void simClearFaults() {
        call(HttpMethod.DELETE, sim(), "/sim/faults", null, null);
    }

    public void simFault(String json) {
        Response r = call(HttpMethod.POST, sim(), "/sim/faults", jsonHeaders(), json);
        if (r.status() >= 300) {
            throw new IllegalStateException("sim fault: " + r.status() + " " + r.text());
        }
    }

    public JsonNode simStats() {
        Response r = get(sim(), "/sim/stats", null);
        require(r, 200, "sim stats");
        return json(r);
    }

    /** Sum of the sim's request counts for one method and exact path (every status). */
    public static long requests(JsonNode stats, String method, String path) {
        long n = 0;
        for (JsonNode r : stats.get("requests")) {
            if (r.get("method").asText().equals(method)
                    && r.get("path").asText().equals(path)) {
                n += r.get("count").asLong();
            }
        }
        return n;
    }

    public static void require(Response r, int status, String what) {
        if (r.status() != status) {
            throw new IllegalStateException(what + ": expected " + status + ", got " + r.status() + " " + r.text());
        }
    }

    public Redis redis() throws IOException {
        return new Redis(redisPort());
    }

    /** The pid `./stack` recorded for a part of the stack. */
    public OptionalLong pid(String part) {
        try {
            Path f = state.resolve("pids").resolve(part + ".pid");
            return Files.exists(f)
                    ? OptionalLong.of(Long.parseLong(Files.readString(f).trim()))
                    : OptionalLong.empty();
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    public long requirePid(String part) {
        return pid(part).orElseThrow(() -> new IllegalStateException("no pid for " + part + " in " + state));
    }

    public static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        control.close();
        vertx.close();
    }
}
