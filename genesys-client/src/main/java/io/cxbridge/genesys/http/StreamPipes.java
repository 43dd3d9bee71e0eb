package io.cxbridge.genesys.http;

import io.vertx.core.Future;
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
        Pipe<Buffer> pipe = body.pipe().endOnFailure(false);
        pipe.to(request).onFailure(e -> request.reset(0, e));
        return request.response();
    }

    /**
     * Relays an upstream answer's body ({@code body}: the answer itself or a view of it) to the client. Either side
     * failing resets both: an upstream cut mid-way resets the client's connection (never a clean end), a client
     * that goes away resets the upstream request (its answer is not read to the end).
     */
    public static Future<Void> relay(HttpClientResponse upstream, ReadStream<Buffer> body, HttpServerResponse client) {
        Pipe<Buffer> pipe = body.pipe().endOnFailure(false);
        return pipe.to(client).onFailure(e -> {
            upstream.request().reset(0, e);
            if (!client.closed()) {
                client.reset();
            }
        });
    }
}
