package io.cxbridge.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Bytes on a plain socket: request lines and framing no HTTP client library would send. */
public final class RawHttp {

    private RawHttp() {}

    /** Sends {@code request} as it is (ISO-8859-1) and returns everything the server answers until it closes. */
    public static String exchange(String host, int port, String request) throws Exception {
        try (Socket socket = new Socket(host, port)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** A request line and extra headers, with Host, the given client key and {@code Connection: close}. */
    public static String send(URL gateway, String requestLine, String key, String headers) throws Exception {
        return exchange(
                gateway.getHost(),
                gateway.getPort(),
                requestLine + "Host: localhost\r\n" + (key == null ? "" : "X-API-Key: " + key + "\r\n")
                        + "Connection: close\r\n" + headers + "\r\n");
    }

    /** The body of a raw answer (after the blank line). */
    public static String body(String answer) {
        int at = answer.indexOf("\r\n\r\n");
        return at < 0 ? "" : answer.substring(at + 4);
    }

    /**
     * Writes {@code methodAndPath} with a chunked body of {@code size} zero bytes (64 KiB chunks) while reading the
     * answer, and returns what came back: a server that answers early and closes cuts the upload short.
     * {@code headers}: extra header lines, each ending in CRLF.
     */
    public static String chunkedUpload(URL gateway, String methodAndPath, String headers, long size) throws Exception {
        return chunkedUpload(gateway, methodAndPath, headers, new byte[0], (byte) 0, size);
    }

    /**
     * As {@link #chunkedUpload(URL, String, String, long)}, the body starting with {@code head} (its own chunk) and
     * padded with spaces: a JSON document that stays valid however much of it the server reads.
     */
    public static String chunkedUpload(URL gateway, String methodAndPath, String headers, byte[] head, long size)
            throws Exception {
        return chunkedUpload(gateway, methodAndPath, headers, head, (byte) ' ', size);
    }

    private static String chunkedUpload(
            URL gateway, String methodAndPath, String headers, byte[] head, byte fill, long size) throws Exception {
        try (Socket socket = new Socket(gateway.getHost(), gateway.getPort())) {
            socket.setSoTimeout(10_000);
            InputStream in = socket.getInputStream();
            CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> {
                ByteArrayOutputStream read = new ByteArrayOutputStream();
                byte[] buf = new byte[8192];
                try {
                    for (int n; (n = in.read(buf)) > 0; ) {
                        read.write(buf, 0, n);
                    }
                } catch (IOException e) {
                    // a reset after the answer: what was read is the answer
                }
                return read.toString(StandardCharsets.ISO_8859_1);
            });
            OutputStream out = socket.getOutputStream();
            byte[] chunk = new byte[64 * 1024];
            Arrays.fill(chunk, fill);
            try {
                out.write((methodAndPath + " HTTP/1.1\r\nHost: localhost\r\n" + headers
                                + "Transfer-Encoding: chunked\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                if (head.length > 0) {
                    out.write((Integer.toHexString(head.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.write(head);
                    out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                }
                for (long sent = head.length; sent < size; sent += chunk.length) {
                    out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.write(chunk);
                    out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } catch (IOException closed) {
                // the server closed after its answer and a short drain: expected for a body this large
            }
            return answer.get(15, TimeUnit.SECONDS);
        }
    }
}
