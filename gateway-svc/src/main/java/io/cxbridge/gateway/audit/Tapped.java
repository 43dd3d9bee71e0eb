package io.cxbridge.gateway.audit;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/** A body stream that shows every chunk to a {@link BodyTap} on its way through (back-pressure untouched). */
public final class Tapped implements ReadStream<Buffer> {

    private final ReadStream<Buffer> in;
    private final BodyTap tap;

    public Tapped(ReadStream<Buffer> in, BodyTap tap) {
        this.in = in;
        this.tap = tap;
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        in.exceptionHandler(handler);
        return this;
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> handler) {
        in.handler(handler == null ? null : chunk -> {
            tap.accept(chunk);
            handler.handle(chunk);
        });
        return this;
    }

    @Override
    public ReadStream<Buffer> pause() {
        in.pause();
        return this;
    }

    @Override
    public ReadStream<Buffer> resume() {
        in.resume();
        return this;
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
        in.fetch(amount);
        return this;
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
        in.endHandler(endHandler);
        return this;
    }
}
