package io.cxbridge.gateway.audit;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.util.function.Consumer;

/**
 * A body stream that shows every chunk to a {@link BodyTap} on its way through (back-pressure untouched), and
 * optionally stops at a size limit.
 */
public final class Tapped implements ReadStream<Buffer> {

    private final ReadStream<Buffer> in;
    private final BodyTap tap;
    private long limit = Long.MAX_VALUE;
    private long seen;
    private boolean exceeded;
    private Consumer<Handler<Throwable>> onExceeded;
    private Handler<Throwable> exceptionHandler;

    public Tapped(ReadStream<Buffer> in, BodyTap tap) {
        this.in = in;
        this.tap = tap;
    }

    /**
     * Once more than {@code bytes} have come, no chunk passes any more and {@code onExceeded} is called with the
     * stream's exception handler (a pipe's), to fail it when it chooses.
     */
    public Tapped limit(long bytes, Consumer<Handler<Throwable>> onExceeded) {
        this.limit = bytes;
        this.onExceeded = onExceeded;
        return this;
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        this.exceptionHandler = handler;
        in.exceptionHandler(handler);
        return this;
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> handler) {
        in.handler(
                handler == null
                        ? null
                        : chunk -> {
                            if (exceeded) {
                                return;
                            }
                            seen += chunk.length();
                            if (seen > limit) {
                                exceeded = true;
                                onExceeded.accept(exceptionHandler != null ? exceptionHandler : e -> {});
                                return;
                            }
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
        if (!exceeded) {
            in.resume();
        }
        return this;
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
        if (!exceeded) {
            in.fetch(amount);
        }
        return this;
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
        in.endHandler(endHandler);
        return this;
    }
}
