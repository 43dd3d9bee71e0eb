package io.cxbridge.directory.cache;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cxbridge.directory.entry.DirectoryEntry;
import io.cxbridge.model.Json;
import java.time.Instant;
import java.util.List;

/**
 * The body of {@code GET /v1/directories/{id}/entries}: {@code entries} in upstream order (a slice of them when
 * paged). The whole-directory answer is written once per cache fill ({@link #bytes}) and kept beside the directory
 * in L1, so an L1 hit is a copy of those bytes.
 */
public record DirectoryAnswer(String directoryId, List<DirectoryEntry> entries, Instant lastModified, int ttlSeconds) {

    public static DirectoryAnswer of(CachedDirectory d, List<DirectoryEntry> entries) {
        return new DirectoryAnswer(d.directoryId(), entries, d.lastModified(), d.ttlSeconds());
    }

    /**
     * The whole directory's answer as JSON bytes, written by the contract's mapper ({@link Json}); byte for byte what
     * the REST layer's Jackson writes for a page holding every entry ({@code DirectoryApiTest} compares them).
     */
    public static byte[] bytes(CachedDirectory d) {
        try {
            return Json.mapper().writeValueAsBytes(of(d, d.entries()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("directory " + d.directoryId() + " cannot be written as JSON", e);
        }
    }
}
