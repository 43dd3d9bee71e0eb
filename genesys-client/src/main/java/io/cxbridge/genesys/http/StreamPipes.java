package io.cxbridge.genesys.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.streams.Pipe;
import io.vertx.core.streams.ReadStream;

/**
 * Streams that fail loudly. Vert.x's plain {@code pipeTo} ends the destination when the source fails, which turns
 * a cut body into a complete one (a truncated upload sent to Genesys as whole, a clean end of a chunked answer the
 * upstream never finished). These pipes reset the other side instead.
 */
public final class StreamPipes {

    private StreamPipes() {}

    /** Sends {@code body} as the request's body; a body that fails mid-way (the client went away) resets the request. */
    public static Future<HttpClientResponse> sendBody(HttpClientRequest request, ReadStream<Buffer> body) {
        return sendBody(request, body, () -> {});
    }

    /**
     * As {@link #sendBody(HttpClientRequest, ReadStream)}; {@code sent} runs once the whole body is written. When the
     * body itself failed (not the upstream), the answer fails with a {@link RequestBodyException}: the caller's
     * failure, which must not count against the upstream.
     */
    public static Future<HttpClientResponse> sendBody(
            HttpClientRequest request, ReadStream<Buffer> body, Runnable sent) {
        WatchedSource source = new WatchedSource(body);
        Pipe<Buffer> pipe = source.pipe().endOnFailure(false);
        pipe.to(request).onSuccess(v -> sent.run()).onFailure(e -> request.reset(0, e));
        // The source's failure is noted before the pipe fails, so before the reset fails the answer.
        return request.response()
                .recover(e -> Future.failedFuture(
                        source.failed && !(e instanceof RequestBodyException) ? new RequestBodyException(e) : e));
    }

    /**
     * Relays an upstream answer's body ({@code body}: the answer itself or a view of it) to the client. Either side
     * failing resets both: an upstream cut mid-way resets the client's connection (never a clean end), a client
     * that goes away resets the upstream request (its answer is not read to the end).
     */
    public static Future<Void> relay(HttpClientResponse upstream, ReadStream<Buffer> body, HttpServerResponse client) {
        WatchedSource source = new WatchedSource(body);
        Pipe<Buffer> pipe = source.pipe().endOnFailure(false);
        return pipe.to(client).onFailure(e -> {
            upstream.request().reset(0, e);
            // Only an upstream failure resets the client. When the write to the client failed, Netty has closed its
            // channel already, though Vert.x reports the response closed only a turn of the event loop later: a
            // reset then writes to the closed channel, and Netty logs a WARN and an IllegalReferenceCountException
            // for every client that left mid-answer.
            if (source.failed && !client.closed()) {
                client.reset();
            }
        });
    }

    /** The relayed body, noting whether it failed (rather than the write to the client). */
    private static final class WatchedSource implements ReadStream<Buffer> {
        private final ReadStream<Buffer> source;
        // Set and read on the connection's event loop: the pipe's handlers and its completion run there.
        private boolean failed;

        WatchedSource(ReadStream<Buffer> source) {
            this.source = source;
        }

        @Override
        public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
            source.exceptionHandler(
                    handler == null
                            ? null
                            : e -> {
                                failed = true;
                                handler.handle(e);
                            });
            return this;
        }

        @Override
        public ReadStream<Buffer> handler(Handler<Buffer> handler) {
            source.handler(handler);
            return this;
        }

        @Override
        public ReadStream<Buffer> pause() {
            source.pause();
            return this;
        }

        @Override
        public ReadStream<Buffer> resume() {
            source.resume();
            return this;
        }

        @Override
        public ReadStream<Buffer> fetch(long amount) {
            source.fetch(amount);
            return this;
        }

        @Override
        public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
            source.endHandler(endHandler);
            return this;
        }
    }
}
