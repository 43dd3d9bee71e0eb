package io.cxbridge.genesys.body;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.predicate.ErrorConverter;
import io.vertx.ext.web.client.predicate.ResponsePredicate;
import io.vertx.ext.web.client.predicate.ResponsePredicateResult;
import io.vertx.ext.web.codec.BodyCodec;
import io.vertx.ext.web.codec.spi.BodyStream;
import io.vertx.mutiny.ext.web.client.HttpRequest;

/**
 * Reads a WebClient answer whole, but never more than a bound: an answer whose {@code Content-Length} is over it is
 * refused before a byte of its body is read, and a chunked (or lying) body fails at the first piece past the bound; the
 * WebClient then resets the request, so nothing more is read. Either way the call fails with a
 * {@link ResponseTooLargeException}. {@code WebClient}'s own buffer codec keeps an answer of any size.
 */
public final class BoundedBody implements BodyCodec<Buffer> {

    private final long limit;

    private BoundedBody(long limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("a body bound cannot be negative, was " + limit);
        }
        this.limit = limit;
    }

    /**
     * {@code request} reading at most {@code limit} bytes of its answer's body. The {@code Content-Length} check is an
     * expectation, the one hook WebClient 4.5 runs on the answer's head before it reads the body (deprecated there in
     * favour of checks that run after the body; to revisit with Vert.x 5).
     */
    @SuppressWarnings("deprecation")
    public static HttpRequest<io.vertx.mutiny.core.buffer.Buffer> bound(HttpRequest<?> request, long limit) {
        HttpRequest<io.vertx.mutiny.core.buffer.Buffer> bounded = request.as(codec(limit));
        bounded.getDelegate()
                .expect(ResponsePredicate.create(
                        response -> declaredWithin(response.getHeader("Content-Length"), limit)
                                ? ResponsePredicateResult.success()
                                : ResponsePredicateResult.failure(
                                        "Content-Length " + response.getHeader("Content-Length")),
                        ErrorConverter.create(result -> new ResponseTooLargeException(limit, result.message()))));
        return bounded;
    }

    /** The Mutiny codec (for {@code HttpRequest.as}). */
    static io.vertx.mutiny.ext.web.codec.BodyCodec<io.vertx.mutiny.core.buffer.Buffer> codec(long limit) {
        return io.vertx.mutiny.ext.web.codec.BodyCodec.newInstance(
                new BoundedBody(limit),
                new io.smallrye.mutiny.vertx.TypeArg<>(
                        o -> io.vertx.mutiny.core.buffer.Buffer.newInstance((Buffer) o),
                        o -> ((io.vertx.mutiny.core.buffer.Buffer) o).getDelegate()));
    }

    /** False when {@code contentLength} declares more than {@code limit} (an unreadable one is left to the reading). */
    static boolean declaredWithin(String contentLength, long limit) {
        if (contentLength == null) {
            return true;
        }
        String v = contentLength.trim();
        if (v.isEmpty()) {
            return true;
        }
        for (int i = 0; i < v.length(); i++) {
            if (v.charAt(i) < '0' || v.charAt(i) > '9') {
                return true; // not a length: Vert.x refuses the answer itself
            }
        }
        // More digits than a long holds is more than any bound.
        return v.length() <= 18 && Long.parseLong(v) <= limit;
    }

    @Override
    public void create(Handler<AsyncResult<BodyStream<Buffer>>> handler) {
        handler.handle(Future.succeededFuture(new Stream(limit)));
    }

    private static final class Stream implements BodyStream<Buffer> {
        private final long limit;
        private final Buffer body = Buffer.buffer();
        private final Promise<Buffer> result = Promise.promise();
        private boolean over;

        Stream(long limit) {
            this.limit = limit;
        }

        @Override
        public Future<Buffer> result() {
            return result.future();
        }

        @Override
        public void handle(Throwable failure) {
            result.tryFail(failure);
        }

        @Override
        public Stream exceptionHandler(Handler<Throwable> handler) {
            return this;
        }

        @Override
        public Future<Void> write(Buffer data) {
            if (over || (long) body.length() + data.length() > limit) {
                // dropped, not kept: the failed write ends the pipe, and the WebClient resets the request
                over = true;
                ResponseTooLargeException tooLarge = new ResponseTooLargeException(limit, null);
                result.tryFail(tooLarge);
                return Future.failedFuture(tooLarge);
            }
            body.appendBuffer(data);
            return Future.succeededFuture();
        }

        @Override
        public void write(Buffer data, Handler<AsyncResult<Void>> handler) {
            Future<Void> done = write(data);
            if (handler != null) {
                handler.handle(done);
            }
        }

        @Override
        public void end(Handler<AsyncResult<Void>> handler) {
            if (!over) {
                result.tryComplete(body);
            }
            if (handler != null) {
                handler.handle(Future.succeededFuture());
            }
        }

        @Override
        public Stream setWriteQueueMaxSize(int maxSize) {
            return this;
        }

        @Override
        public boolean writeQueueFull() {
            return false;
        }

        @Override
        public Stream drainHandler(Handler<Void> handler) {
            return this;
        }
    }
}
