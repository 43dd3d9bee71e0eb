package io.cxbridge.common.logging;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How the console log handler (JSON lines on standard output) writes. */
@ConfigMapping(prefix = "cxbridge.logs")
public interface LogsConfig {

    /**
     * When a line logged on a Vert.x event loop reaches standard output. {@code event-loop-pass}: at the end of the
     * event loop's current pass, together with every other line that pass logged (one {@code write(2)} for them
     * all). {@code every-line}: at once, one {@code write(2)} per line, as Quarkus' console handler does. Lines
     * logged on any other thread are written at once either way.
     */
    @WithDefault("event-loop-pass")
    ConsoleFlush consoleFlush();

    enum ConsoleFlush {
        EVENT_LOOP_PASS,
        EVERY_LINE
    }
}
