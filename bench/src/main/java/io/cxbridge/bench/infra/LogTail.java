package io.cxbridge.bench.infra;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Counts the JSON log lines of one logger that a process appends to its log file from a given moment on: each
 * {@link #poll()} reads only what was appended since the last one, and a line counts once it is complete (ends
 * with a newline). A line counts when its top-level {@code loggerName} is the logger; other loggers, lines that
 * are not JSON (a banner, a stack trace) and a message that merely mentions the logger do not.
 */
public final class LogTail {

    private static final JsonFactory JSON = new JsonFactory();
    private static final int CHUNK = 1 << 20;

    private final Path file;
    private final String logger;
    private final byte[] needle;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private long position;
    private long count;

    /** Starts at the file's current end: only lines appended from now on count. */
    public static LogTail fromEnd(Path file, String logger) throws IOException {
        return new LogTail(file, logger, Files.exists(file) ? Files.size(file) : 0);
    }

    LogTail(Path file, String logger, long position) {
        this.file = file;
        this.logger = logger;
        this.needle = logger.getBytes(StandardCharsets.UTF_8);
        this.position = position;
    }

    /** Reads what was appended since the last poll; answers the lines of the logger counted so far. */
    public long poll() throws IOException {
        if (!Files.exists(file)) {
            return count;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (ch.size() < position) {
                throw new IOException(file + " shrank from " + position + " to " + ch.size() + " bytes while counted");
            }
            ByteBuffer buf = ByteBuffer.allocate(CHUNK);
            int n;
            while ((n = ch.read(buf, position)) > 0) {
                position += n;
                consume(buf.array(), n);
                buf.clear();
            }
        }
        return count;
    }

    public long count() {
        return count;
    }

    private void consume(byte[] bytes, int length) throws IOException {
        int start = 0;
        for (int i = 0; i < length; i++) {
            if (bytes[i] != '\n') {
                continue;
            }
            if (partial.size() > 0) {
                partial.write(bytes, start, i - start);
                byte[] line = partial.toByteArray();
                partial.reset();
                countLine(line, 0, line.length);
            } else {
                countLine(bytes, start, i - start);
            }
            start = i + 1;
        }
        // the rest is a line still being written: kept until its newline arrives
        partial.write(bytes, start, length - start);
    }

    private void countLine(byte[] b, int off, int len) {
        if (len == 0 || b[off] != '{' || indexOf(b, off, len, needle) < 0) {
            return; // cheap filter: most lines of other loggers never reach the parser
        }
        if (logger.equals(loggerName(b, off, len))) {
            count++;
        }
    }

    /** The top-level {@code loggerName} of a whole JSON object, or null (not one JSON object, or no such field). */
    static String loggerName(byte[] b, int off, int len) {
        try (JsonParser p = JSON.createParser(b, off, len)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String name = null;
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if ("loggerName".equals(field) && value == JsonToken.VALUE_STRING) {
                    name = p.getText();
                }
                p.skipChildren();
            }
            // the whole object must parse: a line cut short (a crash mid-write) is not a request logged
            return t == JsonToken.END_OBJECT ? name : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static int indexOf(byte[] b, int off, int len, byte[] n) {
        outer:
        for (int i = off; i <= off + len - n.length; i++) {
            for (int j = 0; j < n.length; j++) {
                if (b[i + j] != n[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
