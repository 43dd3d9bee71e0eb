package io.cxbridge.retention.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.cxbridge.model.Json;
import java.util.Locale;

/** Reads a request body as JSON, or as YAML when the Content-Type says so. */
final class PolicyBodies {

    private static final YAMLMapper YAML = new YAMLMapper();

    static boolean yaml(String contentType) {
        if (contentType == null) {
            return false;
        }
        String t = contentType.toLowerCase(Locale.ROOT);
        return t.startsWith("application/yaml") || t.startsWith("application/x-yaml") || t.startsWith("text/yaml");
    }

    /** The parsed body; throws {@link IllegalArgumentException} with a client-facing message when it does not parse. */
    static JsonNode parse(String body, String contentType) {
        if (body == null || body.isBlank()) {
            throw new IllegalArgumentException("the body is empty");
        }
        boolean yaml = yaml(contentType);
        try {
            return yaml ? YAML.readTree(body) : Json.mapper().readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(yaml ? "the body is not valid YAML" : "the body is not valid JSON");
        }
    }

    private PolicyBodies() {}
}
