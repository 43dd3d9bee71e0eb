package io.cxbridge.gateway;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;

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
}
