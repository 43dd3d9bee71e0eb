package io.cxbridge.genesys.http;

import io.netty.util.concurrent.FastThreadLocal;
import io.vertx.core.Context;
import io.vertx.core.http.HttpClient;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;

/**
 * One pooled {@link HttpClient} per Vert.x event loop, and one for callers off an event loop, so that an upstream
 * connection always lives on the event loop of the request that uses it.
 *
 * <p>With one client for the whole process, a request on event loop A took whatever idle connection the pool had,
 * often one opened by loop B: the answer was then read on B and every part of it handed over to A as a task, and
 * the gateway's writes to its client went the same way back (issue #20: half of the proxied answers crossed threads
 * in the 64-connection profile). This is what nginx does with a connection pool per worker. The number of clients is
 * bounded by the event-loop threads, a fixed pool; each has its own {@code max-pool-size} connections per host.
 */
public final class LoopLocalHttpClients implements AutoCloseable {

    private final Supplier<HttpClient> factory;
    private final HttpClient offLoop;
    private final Queue<HttpClient> made = new ConcurrentLinkedQueue<>();
    private final FastThreadLocal<HttpClient> perLoop = new FastThreadLocal<>() {
        @Override
        protected HttpClient initialValue() {
            return make();
        }
    };

    public LoopLocalHttpClients(Supplier<HttpClient> factory) {
        this.factory = factory;
        this.offLoop = make();
    }

    /** The client of the calling event loop, or the shared one off an event loop (a worker or a test thread). */
    public HttpClient current() {
        return Context.isOnEventLoopThread() ? perLoop.get() : offLoop;
    }

    /** How many clients exist: one per event loop that has called, plus the shared one. */
    public int size() {
        return made.size();
    }

    private HttpClient make() {
        HttpClient client = factory.get();
        made.add(client);
        return client;
    }

    @Override
    public void close() {
        made.forEach(HttpClient::close);
    }
}
