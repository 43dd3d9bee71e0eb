package io.cxbridge.directory.cache;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.genesys.http.GenesysClient;
import io.cxbridge.genesys.http.GenesysRequest;
import io.cxbridge.genesys.http.GenesysResponse;
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
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Reads a whole directory from Genesys: every page ({@code pageSize} from configuration) following
 * {@code nextPage}, each entry validated, the size checked against the bound before anything is kept.
 */
public final class DirectoryFetcher {

    static final int MAX_TEXT = 2048;

    private final GenesysClient genesys;
    private final CacheSettings settings;

    public DirectoryFetcher(GenesysClient genesys, CacheSettings settings) {
        this.genesys = genesys;
        this.settings = settings;
    }

    /** What a cheap check of the directory found: unchanged (304), or its current Last-Modified. */
    public record Probe(boolean unchanged, Optional<Instant> lastModified) {
    }

    public String basePath(String directoryId) {
        return settings.upstreamPath().replace("{id}", directoryId);
    }

    /** The whole directory; fails with {@link InvalidDirectoryException} or {@link DirectoryUnavailableException}. */
    public Uni<CachedDirectory> fetch(String directoryId, Instant loadedAt, int ttlSeconds) {
        String first = basePath(directoryId) + "?pageSize=" + settings.pageSize() + "&pageNumber=1";
        List<DirectoryEntry> entries = new ArrayList<>();
        int maxPages = settings.maxEntries() / settings.pageSize() + 2;
        return page(directoryId, first, entries, 1, maxPages, null)
                .map(lastModified -> new CachedDirectory(directoryId, entries, lastModified, hash(entries),
                        loadedAt, ttlSeconds));
    }

    private Uni<Instant> page(String directoryId, String pathAndQuery, List<DirectoryEntry> into, int n, int maxPages,
                              Instant lastModified) {
        return call(pathAndQuery).onItem().transformToUni(response -> {
            if (response.status() != 200) {
                return Uni.createFrom().failure(new DirectoryUnavailableException("Genesys answered "
                        + response.status() + " for page " + n + " of directory " + directoryId));
            }
            JsonNode body = parse(response, directoryId);
            JsonNode total = body.get("total");
            if (total != null && total.canConvertToLong() && total.asLong() > settings.maxEntries()) {
                return Uni.createFrom().failure(tooLarge(directoryId, total.asLong()));
            }
            JsonNode entities = body.get("entities");
            if (entities == null || !entities.isArray()) {
                return Uni.createFrom().failure(new InvalidDirectoryException(
                        "Genesys answered page " + n + " of directory " + directoryId + " without an entities array"));
            }
            for (JsonNode e : entities) {
                into.add(validate(e, directoryId, into.size()));
                if (into.size() > settings.maxEntries()) {
                    return Uni.createFrom().failure(tooLarge(directoryId, into.size()));
                }
            }
            Instant lm = lastModified != null ? lastModified
                    : httpDate(response.headers().get("Last-Modified")).orElse(null);
            JsonNode next = body.get("nextPage");
            if (next == null || next.isNull() || next.asText().isBlank()) {
                return Uni.createFrom().item(lm != null ? lm : Instant.EPOCH);
            }
            String nextPath = next.asText();
            if (!nextPath.startsWith(basePath(directoryId) + "?")) {
                return Uni.createFrom().failure(new InvalidDirectoryException(
                        "Genesys named a next page outside directory " + directoryId));
            }
            if (n >= maxPages) {
                return Uni.createFrom().failure(new InvalidDirectoryException("directory " + directoryId
                        + " has more pages than its entry bound allows (" + settings.maxEntries() + " entries)"));
            }
            return page(directoryId, nextPath, into, n + 1, maxPages, lm);
        });
    }

    /** A one-entry page with If-Modified-Since: 304 when nothing changed, else the current Last-Modified. */
    public Uni<Probe> probe(String directoryId, Instant lastModified) {
        GenesysRequest request = GenesysRequest.get(basePath(directoryId) + "?pageSize=1&pageNumber=1")
                .withDeadline(settings.pageDeadline())
                .withHeader("If-Modified-Since", DateTimeFormatter.RFC_1123_DATE_TIME.format(
                        lastModified.atZone(java.time.ZoneOffset.UTC)));
        return genesys.send(request).map(r -> {
            if (r.status() == 304) {
                return new Probe(true, Optional.of(lastModified));
            }
            if (r.status() != 200) {
                throw new DirectoryUnavailableException("Genesys answered " + r.status()
                        + " to the consistency check of directory " + directoryId);
            }
            return new Probe(false, httpDate(r.headers().get("Last-Modified")));
        });
    }

    private Uni<GenesysResponse> call(String pathAndQuery) {
        return genesys.send(GenesysRequest.get(pathAndQuery).withDeadline(settings.pageDeadline()))
                .onFailure(e -> !(e instanceof InvalidDirectoryException || e instanceof DirectoryUnavailableException))
                .transform(e -> new DirectoryUnavailableException("Genesys could not be reached: "
                        + e.getClass().getSimpleName(), e));
    }

    private InvalidDirectoryException tooLarge(String directoryId, long count) {
        return new InvalidDirectoryException("directory " + directoryId + " has " + count
                + " entries, more than the configured bound of " + settings.maxEntries()
                + " (cxbridge.directory.max-entries); it was not cached");
    }

    private static JsonNode parse(GenesysResponse response, String directoryId) {
        try {
            JsonNode body = Json.mapper().readTree(response.bodyAsString());
            if (body == null || !body.isObject()) {
                throw new InvalidDirectoryException("Genesys answered directory " + directoryId + " with no JSON object");
            }
            return body;
        } catch (JsonProcessingException e) {
            throw new InvalidDirectoryException("Genesys answered directory " + directoryId + " with a body that is not JSON");
        }
    }

    /** Schema check of one entry: {@code id} a non-blank string, the others strings (or absent), attributes an object. */
    static DirectoryEntry validate(JsonNode e, String directoryId, int index) {
        String where = "entry " + index + " of directory " + directoryId;
        if (e == null || !e.isObject()) {
            throw new InvalidDirectoryException(where + " is not a JSON object");
        }
        String id = text(e, "id", where, true);
        if (id.isBlank()) {
            throw new InvalidDirectoryException(where + " has a blank id");
        }
        JsonNode attrs = e.get("customAttributes");
        if (attrs != null && !attrs.isNull() && !attrs.isObject()) {
            throw new InvalidDirectoryException(where + ": customAttributes must be an object");
        }
        if (attrs != null && attrs.toString().length() > 16 * MAX_TEXT) {
            throw new InvalidDirectoryException(where + ": customAttributes are larger than " + 16 * MAX_TEXT + " bytes");
        }
        return new DirectoryEntry(id, text(e, "name", where, false), text(e, "address", where, false),
                text(e, "email", where, false), text(e, "phone", where, false),
                attrs == null || attrs.isNull() ? null : attrs);
    }

    private static String text(JsonNode e, String field, String where, boolean required) {
        JsonNode v = e.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new InvalidDirectoryException(where + " has no " + field);
            }
            return null;
        }
        if (!v.isTextual()) {
            throw new InvalidDirectoryException(where + ": " + field + " must be a string");
        }
        if (v.asText().length() > MAX_TEXT) {
            throw new InvalidDirectoryException(where + ": " + field + " is longer than " + MAX_TEXT + " characters");
        }
        return v.asText();
    }

    static Optional<Instant> httpDate(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** SHA-256 of the entries' JSON, in order: equal content, equal hash. */
    public static String hash(List<DirectoryEntry> entries) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return "sha256:" + HexFormat.of().formatHex(sha.digest(
                    Json.mapper().writeValueAsString(entries).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
