package io.cxbridge.testkit.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.model.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A small client for genesys-sim's control API ({@code /sim/**}). Every method throws
 * {@link IllegalStateException} with the sim's problem detail when the sim refuses the call.
 */
public final class SimControl {

    private final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    public SimControl(String baseUrl) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    /** The whole runtime configuration ({@code tokenExpiresIn, revokeOnRefresh, rateLimitPerMinute, ...}). */
    public JsonNode config() {
        return send("GET", "/sim/config", null);
    }

    /** Changes any subset of the configuration; returns the whole configuration. */
    public JsonNode config(Map<String, ?> changes) {
        return send("POST", "/sim/config", changes);
    }

    /**
     * Adds a fault ({@code method, path, status, count, probability, latencyMs, retryAfter, drop}) and returns
     * its id.
     */
    public String fault(Map<String, ?> spec) {
        return send("POST", "/sim/faults", spec).get("id").asText();
    }

    /** The registered faults with their hits. */
    public JsonNode faults() {
        return send("GET", "/sim/faults", null);
    }

    public void removeFault(String id) {
        send("DELETE", "/sim/faults/" + encode(id), null);
    }

    public void clearFaults() {
        send("DELETE", "/sim/faults", null);
    }

    public SimStats stats() {
        try {
            return Json.mapper().treeToValue(statsJson(), SimStats.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unexpected /sim/stats answer", e);
        }
    }

    /** {@code GET /sim/stats} as the sim sent it. */
    public JsonNode statsJson() {
        return send("GET", "/sim/stats", null);
    }

    /** Revokes every access token the sim issued (counts, faults, configuration stay); answers how many. */
    public int revokeTokens() {
        return send("POST", "/sim/tokens/revoke", null).path("revoked").asInt();
    }

    /** Forgets all state, tokens, faults and counts; configuration back to the sim's defaults. */
    public void reset() {
        send("POST", "/sim/reset", null);
    }

    /**
     * The seeded platform resources: {@code {counts: {users, inactiveUsers, contacts, groups, queues,
     * datatableRows, revision}, groups: [{id, name, members}], queues: [...], datatables: [{id, name, rows}]}}.
     */
    public JsonNode seed() {
        return send("GET", "/sim/seed", null);
    }

    /**
     * Re-seeds with other counts or a new revision ({@code users, contacts, groups, queues, datatableRows,
     * revision}; any subset) until the next reset; answers as {@link #seed()}.
     */
    public JsonNode reseed(Map<String, ?> counts) {
        return send("POST", "/sim/seed", counts);
    }

    /** Makes a new version of a routing directory; returns its new Last-Modified (HTTP date). */
    public String touchDirectory(String directoryId) {
        return send("POST", "/sim/directories/" + encode(directoryId) + "/touch", null)
                .get("lastModified")
                .asText();
    }

    /**
     * What the fulfillment callback receiver got for a fulfillment id ({@code callbacks, duplicateCallbacks,
     * last: {body, fulfillmentToken, idempotencyKey, authorization, receivedAt}}), empty when nothing came.
     */
    public Optional<JsonNode> fulfillment(String fulfillmentId) {
        Answer answer = call("GET", "/sim/fulfillments/" + encode(fulfillmentId), null);
        if (answer.status() == 404) {
            return Optional.empty();
        }
        return Optional.of(answer.orThrow("GET", "/sim/fulfillments/" + fulfillmentId));
    }

    /** Makes the next {@code count} retention jobs end FAILED with {@code errorMessage}. */
    public void failNextRetentionJobs(int count, String errorMessage) {
        send("POST", "/sim/retention/fail-next", Map.of("count", count, "errorMessage", errorMessage));
    }

    /**
     * What {@code POST /sim/actions/run} answered: {@code outcome} success, error or timeout; {@code status}
     * null when no answer came ({@code error} says why); {@code body} the answer (JSON, or a string when not).
     */
    public record ActionRunResult(String outcome, Integer status, long durationMs, JsonNode body, String error) {}

    /**
     * Calls {@code url} the way a Genesys Data Action does (POST, JSON) and gives up after {@code timeoutMs};
     * {@code body} may be null (no body).
     */
    public ActionRunResult runAction(String url, Map<String, String> headers, Object body, long timeoutMs) {
        Map<String, Object> run = new java.util.LinkedHashMap<>();
        run.put("url", url);
        run.put("headers", headers == null ? Map.of() : headers);
        if (body != null) {
            run.put("body", body);
        }
        run.put("timeoutMs", timeoutMs);
        HttpRequest.Builder request = HttpRequest.newBuilder().timeout(Duration.ofMillis(timeoutMs + 10_000));
        try {
            return Json.mapper().treeToValue(send("POST", "/sim/actions/run", run, request), ActionRunResult.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unexpected /sim/actions/run answer", e);
        }
    }

    private record Answer(int status, String body) {
        JsonNode orThrow(String method, String path) {
            if (status / 100 != 2) {
                throw new IllegalStateException(method + " " + path + " answered " + status + ": " + body);
            }
            if (body.isEmpty()) {
                return Json.mapper().nullNode();
            }
            try {
                return Json.mapper().readTree(body);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(method + " " + path + " answered something that is not JSON", e);
            }
        }
    }

    private JsonNode send(String method, String path, Object body) {
        return call(method, path, body).orThrow(method, path);
    }

    private JsonNode send(String method, String path, Object body, HttpRequest.Builder builder) {
        return call(method, path, body, builder).orThrow(method, path);
    }

    private Answer call(String method, String path, Object body) {
        return call(method, path, body, HttpRequest.newBuilder().timeout(Duration.ofSeconds(10)));
    }

    private Answer call(String method, String path, Object body, HttpRequest.Builder builder) {
        HttpRequest.BodyPublisher publisher;
        try {
            publisher = body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(Json.mapper().writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialise " + body, e);
        }
        HttpRequest request = builder.uri(URI.create(baseUrl + path))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .method(method, publisher)
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach genesys-sim at " + baseUrl + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
