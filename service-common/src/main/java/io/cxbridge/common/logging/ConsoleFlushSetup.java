package io.cxbridge.common.logging;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import org.jboss.logging.Logger;
import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.handlers.ConsoleHandler;

/**
 * Puts Quarkus' console handler under {@link LoopPassFlush} at start-up, unless {@code cxbridge.logs.console-flush}
 * is {@code every-line}. Quarkus has no setting for the console handler's flush, and its asynchronous handler lost
 * the last lines at shutdown (docs/decisions.md, issue #20).
 */
@ApplicationScoped
public class ConsoleFlushSetup {

    private static final Logger LOG = Logger.getLogger(ConsoleFlushSetup.class);

    private final LogsConfig config;
    private final List<LoopPassFlush> installed = new ArrayList<>();

    public ConsoleFlushSetup(LogsConfig config) {
        this.config = config;
    }

    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) {
        if (config.consoleFlush() == LogsConfig.ConsoleFlush.EVENT_LOOP_PASS) {
            for (Handler root : LogContext.getLogContext().getLogger("").getHandlers()) {
                installed.addAll(install(root));
            }
        }
        LOG.info(line(config.consoleFlush(), !installed.isEmpty()));
    }

    static String line(LogsConfig.ConsoleFlush flush, boolean installed) {
        if (installed) {
            return "Console log: lines logged on an event loop are flushed once per loop pass"
                    + " (cxbridge.logs.console-flush=event-loop-pass)";
        }
        if (flush == LogsConfig.ConsoleFlush.EVERY_LINE) {
            return "Console log: every line is flushed at once (cxbridge.logs.console-flush=every-line)";
        }
        // dev and test mode: Quarkus wraps its console handler in one of its own, which keeps the handler to itself
        return "Console log: every line is flushed at once (no console handler of Quarkus' own to put under a"
                + " per-pass flush)";
    }

    /** Whatever is still buffered leaves before Quarkus' own shutdown lines. */
    void onStop(@Observes ShutdownEvent event) {
        installed.forEach(Handler::flush);
    }

    /**
     * Puts every console handler found under {@code parent} (an {@link ExtHandler} holds its children) under a
     * {@link LoopPassFlush} in its place, and returns the new handlers.
     */
    static List<LoopPassFlush> install(Handler parent) {
        List<LoopPassFlush> found = new ArrayList<>();
        if (!(parent instanceof ExtHandler holder) || parent instanceof LoopPassFlush) {
            return found;
        }
        Handler[] children = holder.getHandlers();
        List<LoopPassFlush> here = new ArrayList<>();
        for (int i = 0; i < children.length; i++) {
            if (children[i] instanceof ConsoleHandler console) {
                LoopPassFlush flushing = new LoopPassFlush(console);
                children[i] = flushing;
                here.add(flushing);
            } else {
                found.addAll(install(children[i]));
            }
        }
        if (!here.isEmpty()) {
            // one swap, so no line goes to both handlers or to neither; then out with what came in meanwhile
            holder.setHandlers(children);
            here.forEach(Handler::flush);
            found.addAll(here);
        }
        return found;
    }
}
