package io.cxbridge.retry.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.cxbridge.genesys.webhook.WebhookSigner;
import io.cxbridge.model.Headers;
import io.cxbridge.model.Json;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small HTTP receiver for retry-svc's webhook on a free loopback port: it checks each post's
 * {@code X-Cxbridge-Signature} against the test secret and keeps what it got. Answers 204 (401 for a bad
 * signature, 500 for a request id in {@link #FAIL_FOR}).
 */
public class WebhookReceiver implements QuarkusTestResourceLifecycleManager {

    public static final String SECRET = "test-webhook-secret";

    /** One post: its parsed body and whether the signature was valid. */
    public record Received(JsonNode body, boolean signatureValid) {}

    private static final List<Received> RECEIVED = new CopyOnWriteArrayList<>();
    /** Request ids whose posts are answered 500 (a receiver failing). */
    public static final Set<String> FAIL_FOR = ConcurrentHashMap.newKeySet();

    private static HttpServer server;

    public static synchronized String url() {
        if (server == null) {
            try {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            server.createContext("/hooks/retry", exchange -> {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                boolean valid = WebhookSigner.verify(
                        SECRET, exchange.getRequestHeaders().getFirst(Headers.SIGNATURE), body);
                JsonNode json = Json.mapper().readTree(body);
                RECEIVED.add(new Received(json, valid));
                int status =
                        !valid ? 401 : FAIL_FOR.contains(json.path("requestId").asText()) ? 500 : 204;
                exchange.sendResponseHeaders(status, -1);
                exchange.close();
            });
            server.start();
        }
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/retry";
    }

    /** The posts received for {@code requestId}. */
    public static List<Received> receivedFor(String requestId) {
        return RECEIVED.stream()
                .filter(r -> requestId.equals(r.body().path("requestId").asText()))
                .toList();
    }

    @Override
    public Map<String, String> start() {
        return Map.of("cxbridge.retry.webhook-url", url());
    }

    @Override
    public void stop() {
        // shared for the JVM
    }
}
