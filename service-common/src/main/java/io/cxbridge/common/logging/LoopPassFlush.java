package io.cxbridge.common.logging;

import io.netty.util.concurrent.FastThreadLocal;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.logging.Handler;
import java.util.logging.Level;
import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.ExtLogRecord;

/**
 * Holds a console handler whose own flush is off, and flushes it once per event loop pass instead of once per line.
 *
 * <p>A line logged on a Vert.x event loop is written into the handler's buffer, and the first such line of a pass
 * queues one flush on that loop. Netty runs queued tasks after the pass's I/O, so every line the pass logged (one
 * per request the pass finished) leaves in one {@code write(2)} instead of one each. The line waits only for the
 * rest of the pass, never for a timer, and no thread is woken for it. A line logged on any other thread is flushed
 * at once, as before. Issue #20: the per-line flush was 5-8 % of the gateway's event loop time (docs/benchmarks.md,
 * session 26).
 */
final class LoopPassFlush extends ExtHandler {

    /** Whether this thread's loop already has a flush of this handler queued for its current pass. */
    private final FastThreadLocal<boolean[]> queued = new FastThreadLocal<>() {
        @Override
        protected boolean[] initialValue() {
            return new boolean[1];
        }
    };

    LoopPassFlush(ExtHandler console) {
        console.setAutoFlush(false);
        setLevel(Level.ALL);
        setAutoFlush(false);
        setCloseChildren(true);
        addHandler(console);
    }

    /** The handler this one flushes (its one child). */
    Handler console() {
        return getHandlers()[0];
    }

    @Override
    protected void doPublish(ExtLogRecord record) {
        publishToNestedHandlers(record);
        flushSoon();
    }

    private void flushSoon() {
        if (!Context.isOnEventLoopThread()) {
            flush();
            return;
        }
        boolean[] pending = queued.get();
        if (pending[0]) {
            return;
        }
        Context context = Vertx.currentContext();
        if (context == null) {
            flush();
            return;
        }
        pending[0] = true;
        // A loop that has shut down drops the task: the shutdown flush (ConsoleFlushSetup), and any line written
        // from another thread, take out what is left.
        context.runOnContext(v -> {
            // cleared before the flush: a line logged from here on queues a flush of its own
            pending[0] = false;
            flush();
        });
    }
}
