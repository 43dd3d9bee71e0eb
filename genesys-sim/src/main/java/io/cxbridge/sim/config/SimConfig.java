package io.cxbridge.sim.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** The runtime configuration, exactly the JSON of {@code GET /sim/config}. */
@JsonPropertyOrder({
    "tokenExpiresIn",
    "revokeOnRefresh",
    "rateLimitPerMinute",
    "directorySize",
    "externalLatencyMs",
    "jobCompletionMs"
})
public record SimConfig(
        int tokenExpiresIn,
        boolean revokeOnRefresh,
        int rateLimitPerMinute,
        int directorySize,
        long externalLatencyMs,
        long jobCompletionMs) {

    public static final int MAX_TOKEN_EXPIRES_IN = 172_800;
    public static final int MAX_DIRECTORY_SIZE = 1_000_000;
    public static final long MAX_EXTERNAL_LATENCY_MS = 600_000;
    public static final long MAX_JOB_COMPLETION_MS = 86_400_000;

    public static SimConfig of(SimSettings settings) {
        return new SimConfig(
                settings.tokenExpiresIn(),
                settings.revokeOnRefresh(),
                settings.rateLimitPerMinute(),
                settings.directorySize(),
                settings.externalLatencyMs(),
                settings.jobCompletionMs());
    }

    public boolean rateLimited() {
        return rateLimitPerMinute > 0;
    }
}
