package io.cxbridge.retention.worker;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.genesys.http.GenesysClient;
import io.cxbridge.genesys.http.GenesysRequest;
import io.cxbridge.genesys.http.GenesysResponse;
import io.cxbridge.genesys.redaction.Redactor;
import io.cxbridge.model.Json;
import io.cxbridge.retention.config.RetentionConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The retention endpoints upstream (paths from {@code cxbridge.retention.upstream.*}), through genesys-client. */
@ApplicationScoped
public class RetentionUpstream {

    static final int PAGE_SIZE = 100;
    static final int MAX_PAGES = 50;

    private final GenesysClient client;
    private final RetentionConfig config;

    public RetentionUpstream(GenesysClient client, RetentionConfig config) {
        this.client = client;
        this.config = config;
    }

    public Uni<GenesysResponse> submit(JsonNode payload) {
        return client.send(
                GenesysRequest.json(HttpMethod.POST, config.upstream().policiesPath(), payload.toString()));
    }

    public Uni<GenesysResponse> job(String jobId) {
        return client.send(GenesysRequest.get(
                config.upstream().jobPath().replace("{jobId}", URLEncoder.encode(jobId, StandardCharsets.UTF_8))));
    }

    /** Every existing policy (all pages); fails when Genesys does not answer 2xx. */
    public Uni<List<JsonNode>> policies() {
        return page(1, new ArrayList<>());
    }

    private Uni<List<JsonNode>> page(int number, List<JsonNode> acc) {
        String path = config.upstream().policiesPath() + "?pageSize=" + PAGE_SIZE + "&pageNumber=" + number;
        return client.send(GenesysRequest.get(path)).chain(r -> {
            if (!r.ok()) {
                return Uni.createFrom()
                        .failure(new IllegalStateException("listing existing policies answered HTTP " + r.status()));
            }
            JsonNode body = readTree(r.bodyAsString());
            body.path("entities").forEach(acc::add);
            int pageCount = body.path("pageCount").asInt(1);
            return number < pageCount && number < MAX_PAGES
                    ? page(number + 1, acc)
                    : Uni.createFrom().item(acc);
        });
    }

    /** The most of Genesys's wording a request's error keeps. */
    static final int MAX_MESSAGE = 500;

    /**
     * Genesys's {@code message} of a refusal, for a request's error (its status, log line, audit event and webhook):
     * redacted as a log line is, since Genesys quotes the values it refused, then cut at {@link #MAX_MESSAGE}.
     */
    public static String message(GenesysResponse r, Redactor redactor) {
        return redacted(readTree(r.bodyAsString()).path("message").asText(""), redactor);
    }

    /** Text from Genesys (a message, a job's {@code errorMessage}) redacted and cut at {@link #MAX_MESSAGE}. */
    public static String redacted(String text, Redactor redactor) {
        String out = redactor.text(text);
        return out.length() > MAX_MESSAGE ? out.substring(0, MAX_MESSAGE) : out;
    }

    public static JsonNode readTree(String json) {
        try {
            return json == null || json.isBlank()
                    ? Json.mapper().createObjectNode()
                    : Json.mapper().readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return Json.mapper().createObjectNode();
        }
    }

    /** Existing policies of the same objectType whose retention is within {@code windowDays} (inclusive). */
    public static List<JsonNode> overlaps(
            List<JsonNode> existing, String objectType, int retentionPeriod, int windowDays) {
        return existing.stream()
                .filter(p -> p.path("objectType")
                        .asText("")
                        .toLowerCase(Locale.ROOT)
                        .equals(objectType.toLowerCase(Locale.ROOT)))
                .filter(p -> p.path("retentionPeriod").isNumber()
                        && Math.abs(p.path("retentionPeriod").asInt() - retentionPeriod) <= windowDays)
                .toList();
    }
}
