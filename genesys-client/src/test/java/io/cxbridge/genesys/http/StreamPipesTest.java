package io.cxbridge.genesys.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Streams fail loudly (issue #15): a front server relays to an upstream server through {@link StreamPipes}, the
 * way the gateway does, and a raw socket plays the client.
 */
class StreamPipesTest {

    private static final int MIB = 1024 * 1024;

    private Vertx vertx;
    private HttpClient client;
    private final AtomicLong upstreamBytes = new AtomicLong();
    private final AtomicBoolean upstreamEnded = new AtomicBoolean();
    private final AtomicBoolean upstreamFailed = new AtomicBoolean();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        client = vertx.createHttpClient(new HttpClientOptions());
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private int listen(io.vertx.core.Handler<HttpServerRequest> handler) throws Exception {
        HttpServer server = vertx.createHttpServer().requestHandler(handler);
        return server.listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS)
                .actualPort();
    }

    /** A front server that forwards every request to {@code upstreamPort} through the pipes. */
    private int front(int upstreamPort) throws Exception {
        return listen(req -> {
            req.pause();
            client.request(new RequestOptions()
                            .setMethod(req.method())
                            .setHost("127.0.0.1")
                            .setPort(upstreamPort)
                            .setURI(req.uri()))
                    .compose(out -> {
                        if (req.method() == HttpMethod.POST) {
                            out.setChunked(true);
                            return StreamPipes.sendBody(out, req);
                        }
                        return out.send();
                    })
                    .onSuccess(answer -> {
                        req.response().setChunked(true);
                        StreamPipes.relay(answer, answer, req.response());
                    })
                    .onFailure(e -> {
                        if (!req.response().closed()) {
                            req.response().reset();
                        }
                    });
        });
    }

    /** An upstream that counts what it reads and whether the body ended or failed. */
    private void counting(HttpServerRequest req) {
        req.handler(b -> upstreamBytes.addAndGet(b.length()));
        req.exceptionHandler(e -> upstreamFailed.set(true));
        req.endHandler(v -> {
            upstreamEnded.set(true);
            req.response().end("{}");
        });
    }

    @Test
    void aClientThatAbortsAnUploadResetsTheUpstreamRequest() throws Exception {
        int port = front(listen(this::counting));
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v2/uploads/blob HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            byte[] chunk = new byte[64 * 1024];
            for (int sent = 0; sent < 5 * MIB; sent += chunk.length) {
                out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(chunk);
                out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            out.flush();
            await().atMost(Duration.ofSeconds(5)).until(() -> upstreamBytes.get() >= MIB);
        } // closed after 5 MiB of what was announced as more
        await().atMost(Duration.ofSeconds(5)).untilTrue(upstreamFailed);
        assertThat(upstreamEnded)
                .as("the upstream never saw the cut body end as if whole")
                .isFalse();
    }

    @Test
    void anUpstreamThatFailsMidDownloadResetsTheClientNeverACleanEnd() throws Exception {
        int port = front(listen(req -> {
            req.response().setChunked(true);
            Buffer block = Buffer.buffer(new byte[64 * 1024]);
            for (int i = 0; i < 80; i++) { // 5 MiB
                req.response().write(block);
            }
            req.response().drainHandler(null);
            vertx.setTimer(200, t -> req.connection().close());
        }));
        String tail = readAll(port, "GET /api/v2/downloads/blob HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(tail).as("no chunked terminator reached the client").doesNotEndWith("0\r\n\r\n");
    }

    @Test
    void aClientThatLeavesMidDownloadCancelsTheUpstreamResponse() throws Exception {
        AtomicBoolean upstreamClosed = new AtomicBoolean();
        AtomicLong written = new AtomicLong();
        int port = front(listen(req -> {
            req.response().setChunked(true);
            req.response().closeHandler(v -> upstreamClosed.set(true));
            Buffer block = Buffer.buffer(new byte[64 * 1024]);
            // 100 MiB, written only as fast as it is read.
            vertx.setPeriodic(1, id -> {
                while (!req.response().writeQueueFull() && written.get() < 100L * MIB && !upstreamClosed.get()) {
                    req.response().write(block);
                    written.addAndGet(block.length());
                }
                if (written.get() >= 100L * MIB || upstreamClosed.get()) {
                    vertx.cancelTimer(id);
                }
            });
        }));
        readAll(port, "GET /api/v2/downloads/blob HTTP/1.1\r\nHost: x\r\n\r\n");
        await().atMost(Duration.ofSeconds(5)).untilTrue(upstreamClosed);
        assertThat(written.get()).as("the upstream was not read to the end").isLessThan(100L * MIB);
    }

    @Test
    void aClientWhoseWriteFailedIsNotResetOntoItsClosedChannel() throws Exception {
        // Netty logs a WARN (and an IllegalReferenceCountException) when something writes to a channel it closed.
        List<LogRecord> nettyWarnings = new CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                    nettyWarnings.add(record);
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger netty = Logger.getLogger("io.netty");
        netty.addHandler(capture);
        AtomicBoolean upstreamClosed = new AtomicBoolean();
        CompletableFuture<Throwable> relayed = new CompletableFuture<>();
        try {
            int upstream = listen(req -> {
                req.response().setChunked(true);
                req.response().closeHandler(v -> upstreamClosed.set(true));
                req.response().write(Buffer.buffer(new byte[1024])); // an answer that has begun and not ended
            });
            int port = listen(req -> client.request(new RequestOptions()
                            .setHost("127.0.0.1")
                            .setPort(upstream)
                            .setURI(req.uri()))
                    .compose(HttpClientRequest::send)
                    .onSuccess(answer -> {
                        req.response().setChunked(true);
                        // The client's channel closes now; Vert.x sees it closed only a turn of the event loop later,
                        // as when a client leaves while its answer is on the way: the relay's first write fails.
                        req.connection().close();
                        StreamPipes.relay(answer, answer, req.response())
                                .onComplete(done -> relayed.complete(done.cause()));
                    }));
            readAll(port, "GET /api/v2/downloads/blob HTTP/1.1\r\nHost: x\r\n\r\n");

            assertThat(relayed.get(5, TimeUnit.SECONDS))
                    .as("the relay failed on its write")
                    .isNotNull();
            await().atMost(Duration.ofSeconds(5)).untilTrue(upstreamClosed);
            // The relay's failure handler ran before the completion above, so a reset's WARN would be here already.
            assertThat(nettyWarnings).extracting(LogRecord::getMessage).isEmpty();
        } finally {
            netty.removeHandler(capture);
        }
    }

    /** Reads until the server closes, or, for a long answer, closes itself after 5 MiB; returns the last bytes. */
    private static String readAll(int port, String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream last = new ByteArrayOutputStream();
            byte[] buf = new byte[64 * 1024];
            long total = 0;
            try {
                for (int n; (n = in.read(buf)) > 0 && total < 5L * MIB + 4096; ) {
                    total += n;
                    last.reset();
                    last.write(buf, 0, n);
                }
            } catch (java.net.SocketException reset) {
                return "(reset)";
            }
            return last.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
