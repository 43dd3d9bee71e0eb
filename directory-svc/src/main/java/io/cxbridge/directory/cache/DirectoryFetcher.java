package io.cxbridge.directory.cache;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.directory.entry.DirectoryEntry;
import io.cxbridge.directory.entry.InvalidDirectoryException;
import io.cxbridge.directory.source.DirectorySource;
import io.cxbridge.genesys.http.GenesysClient;
import io.cxbridge.genesys.paging.ListingException;
import io.cxbridge.genesys.paging.ListingRequest;
import io.cxbridge.genesys.paging.PageLimits;
import io.cxbridge.genesys.paging.Pager;
import io.cxbridge.genesys.redaction.Redactor;
import io.cxbridge.model.Json;
import io.smallrye.mutiny.Uni;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Reads a whole directory from its source (genesys-client's {@link Pager}: every page, the listing's total
 * checked), maps each record onto an entry with the source's mapping, and bounds the result before anything is
 * kept. A listing that cannot be read whole is refused ({@link InvalidDirectoryException}, 502); a 404 from the
 * source means there is no such directory ({@link DirectoryNotFoundException}, 404); Genesys failing otherwise makes
 * it unavailable ({@link DirectoryUnavailableException}, 503).
 */
public final class DirectoryFetcher {

    private static final Logger LOG = Logger.getLogger(DirectoryFetcher.class);
    /** Page bodies of a whole directory may take this many bytes per allowed entry (records are larger than entries). */
    private static final long BYTES_PER_ENTRY = 16 * 1024;

    private final Pager pager;
    private final CacheSettings settings;
    private final Redactor redactor;

    public DirectoryFetcher(GenesysClient genesys, CacheSettings settings, Redactor redactor) {
        this.pager = new Pager(genesys);
        this.settings = settings;
        this.redactor = redactor;
    }

    /** The pages a full read of a directory of {@code entries} takes (what a consistency check spends). */
    public int pages(String directoryId, int entries) {
        int pageSize = settings.sources().of(directoryId).pageSize();
        return Math.max(1, (entries + pageSize - 1) / pageSize);
    }

    /**
     * The whole directory; fails with {@link InvalidDirectoryException}, {@link DirectoryNotFoundException} or
     * {@link DirectoryUnavailableException}.
     */
    public Uni<CachedDirectory> fetch(String directoryId, Instant loadedAt, int ttlSeconds) {
        DirectorySource source = settings.sources().of(directoryId);
        int maxEntities = source.maxEntities(settings.maxEntries());
        PageLimits limits = new PageLimits(
                maxEntities / source.pageSize() + 2,
                BYTES_PER_ENTRY * maxEntities + 1024 * 1024,
                maxEntities,
                settings.pageDeadline());
        ListingRequest request = new ListingRequest(
                "directory " + directoryId, source.firstPage(), source.kind().idPointer(), limits);
        return pager.readAll(request)
                .onFailure()
                .transform(e -> refused(directoryId, e))
                .map(listing -> {
                    List<DirectoryEntry> entries =
                            new ArrayList<>(listing.entities().size());
                    Map<String, Integer> indexById = new HashMap<>();
                    for (JsonNode record : listing.entities()) {
                        String where = "entry " + entries.size() + " of directory " + directoryId;
                        DirectoryEntry entry = source.mapping().map(record, where);
                        Integer earlier = indexById.putIfAbsent(entry.id(), entries.size());
                        if (earlier != null) {
                            throw duplicateId(source, where, entry.id(), earlier);
                        }
                        entries.add(entry);
                    }
                    LOG.debugf(
                            "directory %s: %d entries in %d pages (ININ-Correlation-Ids %s)",
                            directoryId, entries.size(), listing.pages(), listing.correlationIds());
                    Instant lastModified = httpDate(listing.lastModified()).orElse(loadedAt);
                    return new CachedDirectory(directoryId, entries, lastModified, hash(entries), loadedAt, ttlSeconds);
                });
    }

    /**
     * Two records mapped onto one id (a {@code mapping.id} override such as {@code /email}; the pager deduplicates by
     * the platform's own id only): a reader could not tell the entries apart, so the directory is refused like an
     * invalid entry. The id is named redacted: mapped from a sensitive field (e-mail, phone, name...) it is masked
     * whole, else as a log line is.
     */
    private InvalidDirectoryException duplicateId(DirectorySource source, String where, String id, int earlier) {
        Optional<String> pointer = source.mapping().override("id");
        String shown = pointer.map(p -> p.substring(p.lastIndexOf('/') + 1))
                        .filter(redactor::isSensitiveField)
                        .isPresent()
                ? Redactor.MASK
                : redactor.text(id);
        return new InvalidDirectoryException(
                where + " has the id '" + shown + "' of entry " + earlier + "; entry ids must be unique"
                        + pointer.map(p -> " (id mapped from " + p + ")").orElse(""));
    }

    private Throwable refused(String directoryId, Throwable e) {
        if (e instanceof ListingException le) {
            return switch (le.kind()) {
                case UPSTREAM_STATUS ->
                    le.status() == 404
                            ? new DirectoryNotFoundException(
                                    "directory " + directoryId + " was not found: " + le.getMessage(), le)
                            : new DirectoryUnavailableException(le.getMessage(), le);
                case TOO_LARGE ->
                    new InvalidDirectoryException(
                            le.expected() > settings.maxEntries()
                                    ? "directory " + directoryId + " has " + le.expected()
                                            + " entries, more than the configured bound of " + settings.maxEntries()
                                            + " (cxbridge.directory.max-entries); it was not cached"
                                    : le.getMessage());
                default -> new InvalidDirectoryException(le.getMessage());
            };
        }
        if (e instanceof InvalidDirectoryException
                || e instanceof DirectoryUnavailableException
                || e instanceof DirectoryNotFoundException) {
            return e;
        }
        return new DirectoryUnavailableException(
                "Genesys could not be reached for directory " + directoryId + ": "
                        + e.getClass().getSimpleName(),
                e);
    }

    static Optional<Instant> httpDate(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** SHA-256 of the entries' JSON, in order: equal content, equal hash. */
    public static String hash(List<DirectoryEntry> entries) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return "sha256:"
                    + HexFormat.of()
                            .formatHex(sha.digest(
                                    Json.mapper().writeValueAsString(entries).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
