package io.cxbridge.common.logging;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.formatters.PatternFormatter;
import org.jboss.logmanager.handlers.ConsoleHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The console handler flushed once per event loop pass: when a line reaches the stream, and in how many writes. */
class LoopPassFlushUnitTest {

    private final Stream out = new Stream();
    private final ExtHandler root = new Forwarding();
    private final ConsoleHandler console = new ConsoleHandler(new PatternFormatter("%s%n"));
    private Vertx vertx;

    @BeforeEach
    void setUp() {
        console.setOutputStream(out);
        root.addHandler(console);
        vertx = Vertx.vertx();
    }

    @AfterEach
    void tearDown() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void takesTheConsoleHandlersPlaceOnceAndTurnsItsOwnFlushOff() {
        List<LoopPassFlush> installed = ConsoleFlushSetup.install(root);

        assertThat(installed).hasSize(1);
        assertThat(root.getHandlers()).containsExactly(installed.get(0));
        assertThat(installed.get(0).console()).isSameAs(console);
        assertThat(console.isAutoFlush()).isFalse();
        assertThat(ConsoleFlushSetup.install(root)).as("installed again").isEmpty();
        assertThat(root.getHandlers()).containsExactly(installed.get(0));
    }

    @Test
    void leavesATreeWithoutAConsoleHandlerAsItIs() {
        ExtHandler other = new ExtHandler() {};
        ExtHandler tree = new ExtHandler() {};
        tree.addHandler(other);

        assertThat(ConsoleFlushSetup.install(tree)).isEmpty();
        assertThat(tree.getHandlers()).containsExactly(other);
    }

    @Test
    void theLinesOfOneLoopPassLeaveTogetherInOneWriteWhenThePassEnds() throws Exception {
        ConsoleFlushSetup.install(root);

        int duringThePass = onTheLoop(() -> {
            for (int i = 0; i < 10; i++) {
                log("line " + i);
            }
            return out.text().length();
        });

        assertThat(duringThePass)
                .as("bytes on the stream before the pass ended")
                .isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> out.text().lines().count() == 10);
        assertThat(out.text()).startsWith("line 0\nline 1\n").endsWith("line 9\n");
        assertThat(out.writes.get()).isEqualTo(1);
    }

    @Test
    void eachPassQueuesAFlushOfItsOwn() throws Exception {
        ConsoleFlushSetup.install(root);

        onTheLoop(() -> {
            log("first pass a");
            log("first pass b");
            return null;
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> out.text().lines().count() == 2);
        onTheLoop(() -> {
            log("second pass");
            return null;
        });

        await().atMost(Duration.ofSeconds(10)).until(() -> out.text().lines().count() == 3);
        assertThat(out.text()).isEqualTo("first pass a\nfirst pass b\nsecond pass\n");
        assertThat(out.writes.get()).isEqualTo(2);
    }

    @Test
    void twoConsolesLoggedToInOnePassAreEachFlushed() throws Exception {
        Stream otherOut = new Stream();
        ExtHandler otherRoot = new Forwarding();
        ConsoleHandler otherConsole = new ConsoleHandler(new PatternFormatter("%s%n"));
        otherConsole.setOutputStream(otherOut);
        otherRoot.addHandler(otherConsole);
        ConsoleFlushSetup.install(root);
        ConsoleFlushSetup.install(otherRoot);

        onTheLoop(() -> {
            log("to the first");
            otherRoot.publish(record("to the second"));
            return null;
        });

        await().atMost(Duration.ofSeconds(10))
                .until(() -> !out.text().isEmpty() && !otherOut.text().isEmpty());
        assertThat(out.text()).isEqualTo("to the first\n");
        assertThat(otherOut.text()).isEqualTo("to the second\n");
    }

    @Test
    void aLineLoggedOffTheEventLoopsIsOnTheStreamWhenTheCallReturns() {
        ConsoleFlushSetup.install(root);

        log("from a plain thread");
        assertThat(out.text()).isEqualTo("from a plain thread\n");
        log("and another");

        assertThat(out.text()).isEqualTo("from a plain thread\nand another\n");
        assertThat(out.writes.get()).isEqualTo(2);
    }

    @Test
    void withoutItEveryLineIsWrittenAtOnceOnTheLoopToo() throws Exception {
        int duringThePass = onTheLoop(() -> {
            log("a");
            log("b");
            return out.writes.get();
        });

        assertThat(duringThePass).as("writes before the pass ended").isEqualTo(2);
    }

    @Test
    void theShutdownFlushTakesOutWhatAPassLeftBuffered() throws Exception {
        LoopPassFlush installed = ConsoleFlushSetup.install(root).get(0);

        String seen = onTheLoop(() -> {
            log("last words");
            // what the shutdown hook does, before the loop's queued flush has run
            installed.flush();
            return out.text();
        });

        assertThat(seen).isEqualTo("last words\n");
    }

    @Test
    void theStartUpLineSaysWhichFlushTheConsoleGot() {
        assertThat(ConsoleFlushSetup.line(LogsConfig.ConsoleFlush.EVENT_LOOP_PASS, true))
                .contains("flushed once per loop pass");
        assertThat(ConsoleFlushSetup.line(LogsConfig.ConsoleFlush.EVENT_LOOP_PASS, false))
                .contains("every line is flushed at once (no console handler");
        assertThat(ConsoleFlushSetup.line(LogsConfig.ConsoleFlush.EVERY_LINE, false))
                .contains("every line is flushed at once (cxbridge.logs.console-flush=every-line)");
    }

    private void log(String message) {
        root.publish(record(message));
    }

    private static ExtLogRecord record(String message) {
        ExtLogRecord record = new ExtLogRecord(Level.INFO, message, ExtLogRecord.FormatStyle.NO_FORMAT, "test");
        record.setLoggerName("io.cxbridge.test");
        return record;
    }

    private <T> T onTheLoop(Callable<T> work) throws Exception {
        CompletableFuture<T> done = new CompletableFuture<>();
        Context context = vertx.getOrCreateContext();
        context.runOnContext(v -> {
            try {
                assertThat(Context.isOnEventLoopThread()).isTrue();
                done.complete(work.call());
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        });
        return done.get(10, TimeUnit.SECONDS);
    }

    /** Hands each record to its children, as Quarkus' root handler does once start-up is over. */
    private static final class Forwarding extends ExtHandler {
        @Override
        protected void doPublish(ExtLogRecord record) {
            publishToNestedHandlers(record);
        }
    }

    /** Counts the writes that reach it, as the process's standard output would see them. */
    private static final class Stream extends OutputStream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final AtomicInteger writes = new AtomicInteger();

        @Override
        public synchronized void write(int b) {
            writes.incrementAndGet();
            bytes.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            writes.incrementAndGet();
            bytes.write(b, off, len);
        }

        synchronized String text() {
            return bytes.toString(UTF_8);
        }
    }
}
