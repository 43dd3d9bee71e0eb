package io.cxbridge.retention.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

/**
 * The flat policy body of {@code POST /v1/retention/policies} (SPEC retention-svc). Bean Validation covers the
 * required fields; {@link PolicyValidator} adds the licence, schedule and timezone rules. {@code resolve}
 * ({@code {replace: <policyId>}}) is read by the media-retention target only.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RetentionPolicy(
        @NotBlank @Size(max = 256) String name,
        @Size(max = 1024) String description,
        @NotBlank String objectType,
        @NotNull @Positive Integer retentionPeriod,
        @NotNull Boolean enabled,
        @NotNull @Valid Schedule schedule,
        JsonNode filters,
        JsonNode tags,
        String licenseTier,
        @PositiveOrZero Double dailyVolumeGB,
        JsonNode resolve) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Schedule(@NotBlank String frequency, String dayOfWeek, Integer dayOfMonth, String timezone) {}
}
