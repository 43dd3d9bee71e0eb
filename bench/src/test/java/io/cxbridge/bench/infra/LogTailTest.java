package io.cxbridge.bench.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogTailTest {

    static final String LOGGER = "io.cxbridge.gateway.requests";

    @TempDir
    Path dir;

    static String line(String logger, String message) {
        return "{\"timestamp\":\"2026-12-02T05:00:00Z\",\"sequence\":1,\"loggerClassName\":\"org.jboss.logging.Logger\","
                + "\"loggerName\":\"" + logger + "\",\"level\":\"INFO\",\"message\":\"" + message + "\","
                + "\"mdc\":{\"traceId\":\"abc\"}}\n";
    }

    static void append(Path f, String s) throws IOException {
        Files.writeString(f, s, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Test
    void onlyLinesAppendedAfterTheStartCount() throws IOException {
        Path f = dir.resolve("gateway-svc.log");
        append(f, line(LOGGER, "GET /before 200"));
        LogTail tail = LogTail.fromEnd(f, LOGGER);
        append(f, line(LOGGER, "GET /a 200") + line(LOGGER, "GET /b 200"));
        assertThat(tail.poll()).isEqualTo(2);
    }

    @Test
    void otherLoggersNonJsonLinesAndMentionsOfTheLoggerDoNotCount() throws IOException {
        Path f = dir.resolve("gateway-svc.log");
        LogTail tail = LogTail.fromEnd(f, LOGGER);
        append(
                f,
                line("io.cxbridge.gateway.proxy", "mentions " + LOGGER)
                        + "__  ____  __  _____   ___  __ ____  ______ " + LOGGER + "\n"
                        + line(LOGGER + ".sub", "a child logger is another logger")
                        + "{\"loggerName\":\"" + LOGGER + "\", broken json\n"
                        + "{\"nested\":{\"loggerName\":\"" + LOGGER + "\"},\"loggerName\":\"other\"}\n"
                        + line(LOGGER, "GET /counted 200"));
        assertThat(tail.poll()).isEqualTo(1);
    }

    @Test
    void aLineCountsOnceItsNewlineArrivesAndNeverTwice() throws IOException {
        Path f = dir.resolve("gateway-svc.log");
        LogTail tail = LogTail.fromEnd(f, LOGGER);
        String l = line(LOGGER, "GET /slow 200");
        append(f, line(LOGGER, "GET /one 200") + l.substring(0, 40));
        assertThat(tail.poll()).isEqualTo(1);
        assertThat(tail.poll()).isEqualTo(1);
        append(f, l.substring(40));
        assertThat(tail.poll()).isEqualTo(2);
        assertThat(tail.poll()).isEqualTo(2);
        assertThat(tail.count()).isEqualTo(2);
    }

    @Test
    void countsLinesAcrossChunksOfAMegabyte() throws IOException {
        Path f = dir.resolve("gateway-svc.log");
        LogTail tail = LogTail.fromEnd(f, LOGGER);
        StringBuilder sb = new StringBuilder();
        int n = 20_000; // ~4 MiB: lines are cut at chunk boundaries
        for (int i = 0; i < n; i++) {
            sb.append(line(i % 4 == 0 ? "other" : LOGGER, "GET /r/" + i + " 200"));
        }
        append(f, sb.toString());
        assertThat(tail.poll()).isEqualTo(n - n / 4);
    }

    @Test
    void aMissingFileCountsNothingUntilItAppears() throws IOException {
        Path f = dir.resolve("later.log");
        LogTail tail = LogTail.fromEnd(f, LOGGER);
        assertThat(tail.poll()).isZero();
        append(f, line(LOGGER, "GET /x 200"));
        assertThat(tail.poll()).isEqualTo(1);
    }

    @Test
    void aTruncatedLogIsAnErrorNotAWrongCount() throws IOException {
        Path f = dir.resolve("gateway-svc.log");
        append(f, line(LOGGER, "GET /a 200"));
        LogTail tail = LogTail.fromEnd(f, LOGGER);
        Files.writeString(f, "");
        assertThatThrownBy(tail::poll).isInstanceOf(IOException.class).hasMessageContaining("shrank");
    }

    @Test
    void loggerNameIsReadFromTheTopLevelOnly() {
        byte[] b = "{\"mdc\":{\"loggerName\":\"x\"},\"loggerName\":\"y\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(LogTail.loggerName(b, 0, b.length)).isEqualTo("y");
        byte[] none = "[1,2]".getBytes(StandardCharsets.UTF_8);
        assertThat(LogTail.loggerName(none, 0, none.length)).isNull();
    }
}
