package io.cxbridge.retention.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

/**
 * The flat policy body of {@code POST /v1/retention/policies} (SPEC retention-svc). Bean Validation covers the
 * required fields; {@link PolicyValidator} adds the licence, schedule and timezone rules. {@code resolve}
 * ({@code {replace: <policyId>}}) is read by the media-retention target only. {@code dailyVolumeGB} is a finite
 * number from 0 to {@link #MAX_DAILY_VOLUME_GB}: Jackson reads {@code 1e400} or {@code "Infinity"} as infinity, which
 * {@code @PositiveOrZero} lets through, so {@link PolicyValidator} checks it itself.
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

        @PositiveOrZero @DecimalMax(MAX_DAILY_VOLUME_GB_TEXT)
        Double dailyVolumeGB,

        JsonNode resolve) {

    /**
     * cxbridge's bound on {@code dailyVolumeGB}, GB a day: about 1 PB a day, far above any contact centre's
     * recordings, and small enough that the estimate stays an ordinary number (× 36,500 days × 1.5 is below 1e11).
     */
    public static final double MAX_DAILY_VOLUME_GB = 1_000_000;

    static final String MAX_DAILY_VOLUME_GB_TEXT = "1000000";

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Schedule(@NotBlank String frequency, String dayOfWeek, Integer dayOfMonth, String timezone) {}
}
