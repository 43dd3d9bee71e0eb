package io.cxbridge.fulfillment.worker;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.codec.BodyCodec;
import io.vertx.ext.web.codec.spi.BodyStream;

/**
 * A WebClient body codec that keeps at most {@code limit} bytes of an answer: the first chunk past it fails the
 * answer with {@link TooLarge} (the client then resets the request), so a huge answer is never buffered whole.
 * {@code WebClient}'s own buffer codec keeps any size.
 */
public final class BoundedBody implements BodyCodec<Buffer> {

    /** The answer was longer than the bound; the message names the bound only (never the body). */
    public static final class TooLarge extends RuntimeException {
        TooLarge(long limit) {
            super("the answer is larger than " + limit + " bytes", null, false, false);
        }
    }

    private final int limit;

    public BoundedBody(int limit) {
        this.limit = limit;
    }

    /** The mutiny wrapper for {@code HttpRequest.as}. */
    public static io.vertx.mutiny.ext.web.codec.BodyCodec<io.vertx.mutiny.core.buffer.Buffer> of(int limit) {
        return io.vertx.mutiny.ext.web.codec.BodyCodec.newInstance(
                new BoundedBody(limit),
                new io.smallrye.mutiny.vertx.TypeArg<>(
                        o -> io.vertx.mutiny.core.buffer.Buffer.newInstance((Buffer) o),
                        o -> ((io.vertx.mutiny.core.buffer.Buffer) o).getDelegate()));
    }

    /** True when {@code e} (or a cause of it) says the answer was over the bound. */
    public static boolean tooLarge(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TooLarge) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void create(Handler<AsyncResult<BodyStream<Buffer>>> handler) {
        handler.handle(Future.succeededFuture(new Stream(limit)));
    }

    private static final class Stream implements BodyStream<Buffer> {
        private final int limit;
        private final Buffer body = Buffer.buffer();
        private final Promise<Buffer> result = Promise.promise();
        private boolean over;

        Stream(int limit) {
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
                // dropped, not kept: failing the write ends the pipe, and the client resets the request
                over = true;
                TooLarge tooLarge = new TooLarge(limit);
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
