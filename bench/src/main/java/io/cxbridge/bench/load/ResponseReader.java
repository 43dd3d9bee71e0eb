package io.cxbridge.bench.load;

import io.vertx.core.MultiMap;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Locale;

/**
 * Reads one HTTP/1.1 response at a time from the bytes a connection delivers, in whatever pieces they come: the
 * status, the headers (kept only when asked for) and the body, which is skipped by its {@code Content-Length}, its
 * chunks, or up to the end of the connection. What {@link OpenLoop} needs and nothing more: no body is kept.
 */
final class ResponseReader {

    /** A status line or header longer than this is not a response we sent a request for. */
    static final int MAX_LINE = 16 * 1024;

    private enum State {
        STATUS,
        HEADERS,
        BODY,
        CHUNK_SIZE,
        CHUNK_DATA,
        CHUNK_END,
        TRAILERS,
        UNTIL_CLOSE,
        DONE
    }

    private final StringBuilder line = new StringBuilder(128);
    private State state = State.DONE;
    private boolean head;
    private MultiMap headers;
    private int status;
    private long remaining;
    private long contentLength;
    private boolean chunked;
    private boolean close;

    /** Ready for the response to the next request ({@code head}: a HEAD request, which gets no body). */
    void reset(boolean head, boolean keepHeaders) {
        this.head = head;
        this.headers = keepHeaders ? MultiMap.caseInsensitiveMultiMap() : null;
        this.state = State.STATUS;
        this.line.setLength(0);
        this.status = 0;
        this.remaining = 0;
        this.contentLength = -1;
        this.chunked = false;
        this.close = false;
    }

    /**
     * Consumes bytes from {@code in} up to the end of the response at most; true once the whole response has been
     * read. Bytes after it stay in {@code in}.
     */
    boolean feed(ByteBuffer in) throws IOException {
        while (in.hasRemaining() && state != State.DONE) {
            switch (state) {
                case BODY, CHUNK_DATA -> {
                    int n = (int) Math.min(remaining, in.remaining());
                    in.position(in.position() + n);
                    remaining -= n;
                    if (remaining == 0) {
                        state = state == State.BODY ? State.DONE : State.CHUNK_END;
                    }
                }
                case UNTIL_CLOSE -> in.position(in.limit());
                default -> {
                    if (readLine(in)) {
                        onLine(line.toString());
                        line.setLength(0);
                    }
                }
            }
        }
        return state == State.DONE;
    }

    /** The connection ended: true if that ends the response (a body delimited by the connection's end). */
    boolean endOfInput() {
        if (state == State.UNTIL_CLOSE) {
            state = State.DONE;
            return true;
        }
        return false;
    }

    int status() {
        return status;
    }

    /** The headers, or null when they were not asked for. */
    MultiMap headers() {
        return headers;
    }

    /** The server closes the connection after this response. */
    boolean closes() {
        return close;
    }

    /** Appends bytes up to the end of a line; true once a whole line (without CR LF) is in {@link #line}. */
    private boolean readLine(ByteBuffer in) throws IOException {
        while (in.hasRemaining()) {
            char c = (char) (in.get() & 0xff);
            if (c == '\n') {
                int end = line.length();
                if (end > 0 && line.charAt(end - 1) == '\r') {
                    line.setLength(end - 1);
                }
                return true;
            }
            if (line.length() >= MAX_LINE) {
                throw new IOException("response line longer than " + MAX_LINE + " bytes");
            }
            line.append(c);
        }
        return false;
    }

    private void onLine(String l) throws IOException {
        switch (state) {
            case STATUS -> status(l);
            case HEADERS -> {
                if (l.isEmpty()) {
                    endOfHead();
                } else {
                    header(l);
                }
            }
            case CHUNK_SIZE -> {
                int semicolon = l.indexOf(';');
                String hex = (semicolon < 0 ? l : l.substring(0, semicolon)).trim();
                try {
                    remaining = Long.parseLong(hex, 16);
                } catch (NumberFormatException e) {
                    throw new IOException("bad chunk size '" + hex + "'");
                }
                if (remaining < 0) {
                    throw new IOException("bad chunk size '" + hex + "'");
                }
                state = remaining == 0 ? State.TRAILERS : State.CHUNK_DATA;
            }
            case CHUNK_END -> {
                if (!l.isEmpty()) {
                    throw new IOException("chunk not followed by CR LF");
                }
                state = State.CHUNK_SIZE;
            }
            case TRAILERS -> {
                if (l.isEmpty()) {
                    state = State.DONE;
                }
            }
            default -> throw new IllegalStateException("no line expected in " + state);
        }
    }

    private void status(String l) throws IOException {
        // HTTP/1.1 200 OK
        if (!l.startsWith("HTTP/1.") || l.length() < 12 || l.charAt(8) != ' ') {
            throw new IOException("not an HTTP/1.x status line: '" + l + "'");
        }
        try {
            status = Integer.parseInt(l.substring(9, 12));
        } catch (NumberFormatException e) {
            throw new IOException("bad status in '" + l + "'");
        }
        if (l.startsWith("HTTP/1.0")) {
            close = true;
        }
        state = State.HEADERS;
    }

    private void header(String l) throws IOException {
        int colon = l.indexOf(':');
        if (colon <= 0) {
            throw new IOException("bad header line '" + l + "'");
        }
        String name = l.substring(0, colon).trim();
        String value = l.substring(colon + 1).trim();
        if (name.equalsIgnoreCase("content-length")) {
            try {
                contentLength = Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new IOException("bad content-length '" + value + "'");
            }
        } else if (name.equalsIgnoreCase("transfer-encoding")) {
            chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
        } else if (name.equalsIgnoreCase("connection")) {
            String v = value.toLowerCase(Locale.ROOT);
            if (v.contains("close")) {
                close = true;
            } else if (v.contains("keep-alive")) {
                close = false;
            }
        }
        if (headers != null) {
            headers.add(name, value);
        }
    }

    private void endOfHead() {
        if (status >= 100 && status < 200) {
            // an interim answer (100 Continue): the real one follows
            reset(head, headers != null);
            return;
        }
        if (head || status == 204 || status == 304) {
            state = State.DONE;
        } else if (chunked) {
            state = State.CHUNK_SIZE;
        } else if (contentLength >= 0) {
            remaining = contentLength;
            state = remaining == 0 ? State.DONE : State.BODY;
        } else {
            close = true;
            state = State.UNTIL_CLOSE;
        }
    }
}
