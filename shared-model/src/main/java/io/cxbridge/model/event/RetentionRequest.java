package io.cxbridge.model.event;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.model.validation.JsonObjectValue;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * A retention policy to deploy, keyed by {@code requestId} on {@code cxbridge.retention.requests.v1}.
 * {@code policy} is the flat body of {@code POST /v1/retention/policies}, already validated by the API.
 */
public record RetentionRequest(
        @NotBlank @Pattern(regexp = Ids.UUID_REGEX, message = "must be a UUID")
        String requestId,

        @NotNull @JsonObjectValue JsonNode policy,
        boolean dryRun,
        @Size(max = 128) String traceId) {}
