package io.cxbridge.sim.blob;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxbridge.model.Json;
import io.cxbridge.sim.config.RuntimeConfig;
import io.cxbridge.sim.http.GenesysErrors;
import io.cxbridge.sim.http.JsonAnswers;
import io.cxbridge.sim.stats.SimStats;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Streaming test endpoints. {@code GET /api/v2/downloads/blob?size=N} streams N deterministic bytes
 * ({@code Content-Length}, {@code X-Content-SHA256}) in 64 KiB chunks, honouring back-pressure.
 * {@code POST /api/v2/uploads/blob} hashes the body as it arrives and answers {@code {size, sha256}}.
 */
@ApplicationScoped
public class BlobEndpoint {

    public static final String SHA_HEADER = "X-Content-SHA256";

    private final BlobContent content;
    private final RuntimeConfig config;
    private final Vertx vertx;
    private final SimStats stats;

    public BlobEndpoint(BlobContent content, RuntimeConfig config, Vertx vertx, SimStats stats) {
        this.content = content;
        this.config = config;
        this.vertx = vertx;
        this.stats = stats;
    }

    public void download(RoutingContext ctx) {
        String raw = ctx.request().getParam("size");
        long size;
        try {
            size = raw == null ? -1 : Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            size = -1;
        }
        long max = config.settings().maxBlobSize();
        if (size < 0 || size > max) {
            GenesysErrors.error(
                    ctx, 400, GenesysErrors.codeFor(400), "size is required: a whole number of bytes from 0 to " + max);
            return;
        }
        long length = size;
        // counted once: completed when the last byte was handed to the connection, cancelled when it closed first
        AtomicBoolean counted = new AtomicBoolean();
        Runnable completed = () -> {
            if (counted.compareAndSet(false, true)) {
                stats.downloadCompleted();
            }
        };
        ctx.addEndHandler(ended -> {
            if (ended.failed() && counted.compareAndSet(false, true)) {
                stats.downloadCancelled();
            }
        });
        vertx.executeBlocking(() -> content.sha256Hex(length), false).onComplete(ar -> {
            HttpServerResponse response = ctx.response();
            if (response.closed()) {
                if (counted.compareAndSet(false, true)) {
                    stats.downloadCancelled();
                }
                return;
            }
            if (ar.failed()) {
                GenesysErrors.error(ctx, 500, GenesysErrors.codeFor(500), "could not compute the checksum");
                return;
            }
            response.setStatusCode(200)
                    .putHeader("Content-Type", "application/octet-stream")
                    .putHeader("Content-Length", String.valueOf(length))
                    .putHeader(SHA_HEADER, ar.result());
            if (length == 0) {
                response.end().onSuccess(v -> completed.run());
                return;
            }
            new Writer(response, length, completed).pump();
        });
    }

    /** Writes chunks until the write queue is full, then waits for it to drain. */
    private static final class Writer {
        private final HttpServerResponse response;
        private final long length;
        private final Runnable completed;
        private long written;

        Writer(HttpServerResponse response, long length, Runnable completed) {
            this.response = response;
            this.length = length;
            this.completed = completed;
        }

        void pump() {
            byte[] block = BlobContent.block();
            while (written < length && !response.writeQueueFull()) {
                if (response.closed()) {
                    return;
                }
                int n = (int) Math.min(block.length, length - written);
                Buffer chunk =
                        n == block.length ? Buffer.buffer(block) : Buffer.buffer(java.util.Arrays.copyOf(block, n));
                written += n;
                if (written == length) {
                    response.end(chunk).onSuccess(v -> completed.run());
                    return;
                }
                response.write(chunk);
            }
            if (written < length && !response.closed()) {
                response.drainHandler(v -> pump());
            }
        }
    }

    public void upload(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        MessageDigest digest = BlobContent.sha256();
        AtomicLong size = new AtomicLong();
        // counted once: completed when the body ended normally, aborted when the connection went first
        AtomicBoolean counted = new AtomicBoolean();
        if (request.isEnded()) {
            counted.set(true);
            stats.uploadCompleted();
            answerUpload(ctx, 0, digest);
            return;
        }
        ctx.addEndHandler(ended -> {
            if (ended.failed() && counted.compareAndSet(false, true)) {
                stats.uploadAborted();
            }
        });
        request.handler(chunk -> {
            digest.update(chunk.getByteBuf().nioBuffer());
            size.addAndGet(chunk.length());
        });
        request.exceptionHandler(e -> {
            if (counted.compareAndSet(false, true)) {
                stats.uploadAborted();
            }
            if (!ctx.response().closed()) {
                ctx.response().reset();
            }
        });
        request.endHandler(v -> {
            if (counted.compareAndSet(false, true)) {
                stats.uploadCompleted();
            }
            answerUpload(ctx, size.get(), digest);
        });
        request.resume();
    }

    private static void answerUpload(RoutingContext ctx, long size, MessageDigest digest) {
        ObjectNode answer = Json.mapper().createObjectNode();
        answer.put("size", size);
        answer.put("sha256", HexFormat.of().formatHex(digest.digest()));
        JsonAnswers.json(ctx, 200, answer);
    }
}
