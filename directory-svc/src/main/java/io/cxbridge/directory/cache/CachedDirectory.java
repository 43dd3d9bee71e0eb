package io.cxbridge.directory.cache;

import io.cxbridge.directory.entry.DirectoryEntry;
import java.time.Instant;
import java.util.List;

/**
 * A whole directory as cached: every entry in upstream order, the upstream {@code Last-Modified}, a content
 * hash, when its load started ({@code loadedAt}, compared with an invalidation's {@code issuedAt}) and its TTL.
 * Immutable, and written to Redis as one value, so no reader ever sees half a directory.
 */
public record CachedDirectory(
        String directoryId,
        List<DirectoryEntry> entries,
        Instant lastModified,
        String contentHash,
        Instant loadedAt,
        int ttlSeconds) {

    public CachedDirectory {
        entries = List.copyOf(entries);
    }

    public Instant expiresAt() {
        return loadedAt.plusSeconds(ttlSeconds);
    }

    public boolean fresh(Instant now) {
        return now.isBefore(expiresAt());
    }

    /** Still servable as STALE: within {@code staleFactor} x TTL past expiry. */
    public boolean servableStale(Instant now, double staleFactor) {
        long boundMs = Math.round(ttlSeconds * 1000L * staleFactor);
        return now.isBefore(expiresAt().plusMillis(boundMs));
    }
}
