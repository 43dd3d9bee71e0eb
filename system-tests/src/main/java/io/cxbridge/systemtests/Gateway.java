package io.cxbridge.systemtests;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.model.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A client of the gateway as any caller would be: a client key in {@code X-API-Key}, JSON in and out, and the
 * flow's {@code traceparent} on every request.
 */
public final class Gateway {

    /** The local stack's keys (SPEC "The local stack"). */
    public static final String DEMO_KEY = "cxb_demo_key";

    public static final String READONLY_KEY = "cxb_readonly_key";

    private final String baseUrl;
    private final String apiKey;
    private final HttpClient http;

    public Gateway(String baseUrl, String apiKey) {
        this(
                baseUrl,
                apiKey,
                HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(5))
                        .build());
    }

    private Gateway(String baseUrl, String apiKey, HttpClient http) {
        this.baseUrl = baseUrl.replaceAll("/+$", "");
        this.apiKey = apiKey;
        this.http = http;
    }

    /** The same gateway with another client key. */
    public Gateway as(String key) {
        return new Gateway(baseUrl, key, http);
    }

    /** An HTTP answer; {@code json()} parses the body. */
    public record Reply(String method, String path, int status, Map<String, String> headers, String body) {

        public JsonNode json() {
            if (body == null || body.isBlank()) {
                return Json.mapper().missingNode();
            }
            try {
                return Json.mapper().readTree(body);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(
                        method + " " + path + " answered " + status + " with a body that is not JSON: "
                                + abbreviate(body),
                        e);
            }
        }

        /** A header, case-insensitively. */
        public Optional<String> header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(Map.Entry::getValue)
                    .findFirst();
        }

        @Override
        public String toString() {
            return method + " " + path + " -> " + status
                    + (body == null || body.isBlank() ? "" : " " + abbreviate(body));
        }
    }

    public Reply get(String path, Trace trace) {
        return send("GET", path, null, trace, Map.of());
    }

    public Reply post(String path, Object body, Trace trace) {
        return send("POST", path, body, trace, Map.of());
    }

    public Reply delete(String path, Trace trace) {
        return send("DELETE", path, null, trace, Map.of());
    }

    /** Sends one request; a connection failure answers status 0 (a caller sees the gateway away). */
    public Reply send(String method, String path, Object body, Trace trace, Map<String, String> headers) {
        HttpRequest.BodyPublisher publisher;
        try {
            publisher = body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(
                            body instanceof String s
                                    ? s.getBytes(java.nio.charset.StandardCharsets.UTF_8)
                                    : Json.mapper().writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialise " + body, e);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json")
                .header("X-API-Key", apiKey)
                .method(method, publisher);
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (trace != null) {
            request.header("traceparent", trace.traceparent());
        }
        headers.forEach(request::header);
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            Map<String, String> h = new LinkedHashMap<>();
            response.headers().map().forEach((k, v) -> h.put(k, String.join(",", v)));
            return new Reply(method, path, response.statusCode(), h, response.body());
        } catch (IOException e) {
            return new Reply(method, path, 0, Map.of(), "no answer: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static String abbreviate(String s) {
        String one = s.replaceAll("\\s+", " ");
        return one.length() > 300 ? one.substring(0, 300) + "..." : one;
    }
}
