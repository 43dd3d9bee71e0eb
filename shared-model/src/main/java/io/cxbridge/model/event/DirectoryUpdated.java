package io.cxbridge.model.event;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.time.Instant;

/** A directory's cached content changed; keyed by {@code directoryId} on {@code cxbridge.directory.updates.v1}. */
public record DirectoryUpdated(
        @NotBlank
        @Size(max = 128)
        @Pattern(regexp = Ids.DIRECTORY_ID_REGEX, message = "must match " + Ids.DIRECTORY_ID_REGEX)
        String directoryId,

        @PositiveOrZero int entryCount,
        @NotNull Instant lastModified,
        @NotBlank @Size(max = 128) String contentHash,
        @Min(30) @Max(3600) int ttlSeconds,
        @Size(max = 128) String traceId) {}
