package io.cxbridge.model.event;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;

/**
 * Drop a directory from every replica's cache, keyed by {@code directoryId} on
 * {@code cxbridge.directory.invalidations.v1}. An entry loaded after {@code issuedAt} ignores it.
 */
public record DirectoryInvalidation(
        @NotBlank
        @Size(max = 128)
        @Pattern(regexp = Ids.DIRECTORY_ID_REGEX, message = "must match " + Ids.DIRECTORY_ID_REGEX)
        String directoryId,

        @Size(max = 512) String reason,
        @NotNull Instant issuedAt,
        @Size(max = 256) String origin,
        @Size(max = 128) String traceId) {

    /** Whether a cache entry loaded at {@code loadedAt} must be dropped. */
    public boolean appliesTo(Instant loadedAt) {
        return !loadedAt.isAfter(issuedAt);
    }
}
