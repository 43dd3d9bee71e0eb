package io.cxbridge.genesys.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxbridge.genesys.FakeGenesys;
import io.cxbridge.genesys.Process;
import io.cxbridge.genesys.SimTestBase;
import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class StreamingTest extends SimTestBase {

    private static final int SIZE = 20 * 1024 * 1024;

    @Test
    void aDownloadStreamsThroughWithItsChecksum() throws Exception {
        Process p = process(config(Map.of()), Clock.systemUTC());
        StreamedResponse r = p.client.stream(
                        HttpMethod.GET,
                        "/api/v2/downloads/blob?size=" + SIZE,
                        MultiMap.caseInsensitiveMultiMap(),
                        null,
                        null,
                        Duration.ofSeconds(10))
                .await()
                .atMost(Duration.ofSeconds(20));
        assertThat(r.status()).isEqualTo(200);
        assertThat(sha256(r)).isEqualTo(r.headers().get("X-Content-SHA256"));
    }

    @Test
    void aStreamedGetIsRetriedOn503BeforeAnyBodyIsPassedOn() throws Exception {
        Process p = process(config(Map.of("cxbridge.genesys.retry.base-delay", "50ms")), Clock.systemUTC());
        control.fault(Map.of("method", "GET", "path", "/api/v2/downloads/blob", "status", 503, "count", 1));
        StreamedResponse r = p.client.stream(
                        HttpMethod.GET,
                        "/api/v2/downloads/blob?size=1000",
                        MultiMap.caseInsensitiveMultiMap(),
                        null,
                        null,
                        Duration.ofSeconds(10))
                .await()
                .atMost(Duration.ofSeconds(20));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.attempts()).isEqualTo(2);
        assertThat(sha256(r)).isEqualTo(r.headers().get("X-Content-SHA256"));
    }

    @Test
    void anUploadFromAStreamGoesOutOnceAndArrivesWhole() throws Exception {
        Process p = process(config(Map.of()), Clock.systemUTC());
        byte[] chunk = new byte[64 * 1024];
        for (int i = 0; i < chunk.length; i++) {
            chunk[i] = (byte) (i * 31);
        }
        MessageDigest expected = MessageDigest.getInstance("SHA-256");
        int chunks = SIZE / chunk.length;
        for (int i = 0; i < chunks; i++) {
            expected.update(chunk);
        }
        ChunkStream body = new ChunkStream(Buffer.buffer(chunk), chunks);
        MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                .add("Content-Type", "application/octet-stream")
                .add("Content-Length", String.valueOf((long) chunks * chunk.length));
        StreamedResponse r = p.client.stream(
                        HttpMethod.POST, "/api/v2/uploads/blob", headers, null, body, Duration.ofSeconds(20))
                .await()
                .atMost(Duration.ofSeconds(30));
        assertThat(r.status()).isEqualTo(200);
        String answer = body(r);
        assertThat(answer).contains("\"size\":" + SIZE).contains(HexFormat.of().formatHex(expected.digest()));
    }

    @Test
    void a401OnAStreamedUploadComesBackAndDropsTheRefusedToken() throws Exception {
        try (FakeGenesys upstream = new FakeGenesys()) {
            upstream.api = req -> req.body()
                    .onComplete(x -> req.response()
                            .setStatusCode(401)
                            .putHeader("Content-Type", "application/json")
                            .end("{\"message\":\"token expired\"}"));
            Process p = process(config(Map.of("cxbridge.genesys.base-url", upstream.baseUrl())), Clock.systemUTC());
            String refused = p.tokens.token().await().atMost(Duration.ofSeconds(10));

            ChunkStream body = new ChunkStream(Buffer.buffer(new byte[16 * 1024]), 4);
            MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                    .add("Content-Type", "application/octet-stream")
                    .add("Content-Length", String.valueOf(4 * 16 * 1024));
            StreamedResponse r = p.client.stream(
                            HttpMethod.POST, "/api/v2/uploads/blob", headers, null, body, Duration.ofSeconds(10))
                    .await()
                    .atMost(Duration.ofSeconds(20));

            assertThat(r.status())
                    .as("the 401 goes back: a streamed body cannot be sent again")
                    .isEqualTo(401);
            assertThat(r.attempts()).isEqualTo(1);
            assertThat(body(r)).contains("token expired");
            assertThat(p.tokens.token().await().atMost(Duration.ofSeconds(10)))
                    .as("the refused token is not used again")
                    .isNotEqualTo(refused);
            assertThat(upstream.tokenRequests).hasValue(2);
        }
    }

    private static String sha256(StreamedResponse r) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        CompletableFuture<String> done = new CompletableFuture<>();
        r.body().handler(b -> digest.update(b.getBytes()));
        r.body().exceptionHandler(done::completeExceptionally);
        r.body().endHandler(v -> done.complete(HexFormat.of().formatHex(digest.digest())));
        r.body().resume();
        return Uni.createFrom().completionStage(done).await().atMost(Duration.ofSeconds(30));
    }

    private static String body(StreamedResponse r) {
        CompletableFuture<String> done = new CompletableFuture<>();
        r.body().body().onSuccess(b -> done.complete(b.toString())).onFailure(done::completeExceptionally);
        r.body().resume();
        return Uni.createFrom().completionStage(done).await().atMost(Duration.ofSeconds(30));
    }

    /** A ReadStream that emits the same chunk n times, honouring pause/resume (back-pressure). */
    static final class ChunkStream implements io.vertx.core.streams.ReadStream<Buffer> {
        private final Buffer chunk;
        private int left;
        private long demand = Long.MAX_VALUE;
        private io.vertx.core.Handler<Buffer> handler;
        private io.vertx.core.Handler<Void> endHandler;
        private boolean emitting;

        ChunkStream(Buffer chunk, int times) {
            this.chunk = chunk;
            this.left = times;
        }

        @Override
        public ChunkStream exceptionHandler(io.vertx.core.Handler<Throwable> h) {
            return this;
        }

        @Override
        public ChunkStream handler(io.vertx.core.Handler<Buffer> h) {
            this.handler = h;
            emit();
            return this;
        }

        @Override
        public ChunkStream pause() {
            demand = 0;
            return this;
        }

        @Override
        public ChunkStream resume() {
            return fetch(Long.MAX_VALUE);
        }

        @Override
        public ChunkStream fetch(long amount) {
            demand = amount == Long.MAX_VALUE ? Long.MAX_VALUE : demand + amount;
            emit();
            return this;
        }

        @Override
        public ChunkStream endHandler(io.vertx.core.Handler<Void> h) {
            this.endHandler = h;
            emit();
            return this;
        }

        private void emit() {
            if (emitting || handler == null) {
                return;
            }
            emitting = true;
            while (left > 0 && demand > 0) {
                left--;
                if (demand != Long.MAX_VALUE) {
                    demand--;
                }
                handler.handle(chunk.copy());
            }
            emitting = false;
            if (left == 0 && endHandler != null) {
                io.vertx.core.Handler<Void> h = endHandler;
                endHandler = null;
                h.handle(null);
            }
        }
    }
}
