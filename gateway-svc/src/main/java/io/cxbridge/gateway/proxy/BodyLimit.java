package io.cxbridge.gateway.proxy;

import io.cxbridge.gateway.audit.Tapped;
import io.cxbridge.gateway.context.RequestContext;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * The body limit for a body that streams through (chunked, or announced within the limit and lying): once more than
 * the limit has come, the client gets 413 problem+json, the stream fails (the pipe resets the upstream request, so
 * the upstream never takes a cut body as whole), and what the client still sends is read and discarded for up to
 * {@link #DRAIN_MILLIS} or {@link #DRAIN_BYTES} before the connection is closed, so an ordinary client reads the 413
 * instead of a connection reset.
 */
public final class BodyLimit {

    static final long DRAIN_MILLIS = 1000;
    static final long DRAIN_BYTES = 4L * 1024 * 1024;

    private BodyLimit() {}

    /** What the pipe sees when the body goes over the limit. */
    public static final class TooLarge extends RuntimeException {
        TooLarge(long limit) {
            super("the request body is larger than " + limit + " bytes");
        }
    }

    /** {@code body} (the request's, tapped) with the limit applied. */
    public static Tapped apply(RoutingContext rc, Tapped body, long limit) {
        return body.limit(limit, pipe -> {
            TooLarge tooLarge = new TooLarge(limit);
            // First the answer, so whoever sees the upstream reset finds the request answered; then the pipe
            // resets the upstream request; last the drain, once the pipe has let go of the request's handlers.
            RequestContext.problem(rc, 413, "Payload Too Large", tooLarge.getMessage());
            pipe.handle(tooLarge);
            drain(rc);
        });
    }

    /**
     * Reads and discards the client's remaining bytes for a short while, then closes the connection: for a request
     * already answered (refused) while its body still comes.
     */
    public static void drain(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        long[] drained = {0};
        long timer = rc.vertx().setTimer(DRAIN_MILLIS, t -> request.connection().close());
        request.handler(b -> {
            drained[0] += b.length();
            if (drained[0] > DRAIN_BYTES) {
                rc.vertx().cancelTimer(timer);
                request.connection().close();
            }
        });
        request.exceptionHandler(e -> rc.vertx().cancelTimer(timer));
        request.endHandler(v -> {
            rc.vertx().cancelTimer(timer);
            request.connection().close();
        });
        request.resume();
    }
}
