package io.cxbridge.fulfillment;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The module's shared resources plus a capture server for the action {@code encoded}: an external API that records
 * the raw request target and the secret header it was sent, and answers {@code {"ok": true}}.
 */
public class ActionTestResource extends FulfillmentTestResource {

    static final String SECRET = "capture-secret-5d1e0a";

    /** What the capture server received: the raw request target and the X-Api-Key header. */
    record Seen(String rawTarget, String apiKey) {}

    static final ConcurrentLinkedQueue<Seen> SEEN = new ConcurrentLinkedQueue<>();
    private static HttpServer capture;

    static synchronized int capturePort() {
        if (capture == null) {
            try {
                capture = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            capture.createContext("/", exchange -> {
                exchange.getRequestBody().readAllBytes();
                SEEN.add(new Seen(
                        exchange.getRequestURI().getRawPath() + "?"
                                + exchange.getRequestURI().getRawQuery(),
                        exchange.getRequestHeaders().getFirst("X-Api-Key")));
                byte[] answer = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, answer.length);
                exchange.getResponseBody().write(answer);
                exchange.close();
            });
            capture.start();
        }
        return capture.getAddress().getPort();
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        int port = capturePort();
        config.put("cxbridge.actions.encoded.url", "http://127.0.0.1:" + port + "/items/{id}?q={q}&fixed=1");
        config.put("cxbridge.actions.encoded.url-policy.test-hosts", "127.0.0.1:" + port);
        config.put("cxbridge.actions.encoded.headers.X-Api-Key", SECRET);
        config.put("cxbridge.actions.encoded.budget", "3s");
        return config;
    }
}
