package io.cxbridge.sim.directory;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxbridge.model.Json;
import io.cxbridge.sim.config.RuntimeConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Routing directories: every directory id has {@code directorySize} entries computed from (directory id, entry
 * index, version), so nothing is stored but a version and its Last-Modified time. A directory is created at
 * version 1 the first time it is read or touched; {@code touch} makes a new version whose entry names carry it,
 * and moves Last-Modified forward by at least one second (HTTP dates have second precision).
 */
@ApplicationScoped
public class DirectoryService {

    public static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    private static final String[] DEPARTMENTS = {"Sales", "Support", "Billing", "Operations", "Security"};
    private static final String[] STREETS = {
        "Main Street", "Harbour Road", "Station Avenue", "Mill Lane", "Church Street", "Park Row"
    };
    private static final String[] CITIES = {"Dublin", "Cork", "Galway", "Limerick", "Sligo"};

    /** A directory's current version. */
    public record Version(String directoryId, long version, Instant lastModified) {
        public String lastModifiedHttp() {
            return HTTP_DATE.format(lastModified);
        }
    }

    private final RuntimeConfig config;
    private final Clock clock;
    private final Map<String, Version> versions = new ConcurrentHashMap<>();

    public DirectoryService(RuntimeConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    public Version current(String directoryId) {
        return versions.computeIfAbsent(
                directoryId, id -> new Version(id, 1, clock.instant().truncatedTo(ChronoUnit.SECONDS)));
    }

    public Version touch(String directoryId) {
        return versions.compute(directoryId, (id, v) -> {
            Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
            if (v == null) {
                v = new Version(id, 1, now.minusSeconds(1));
            }
            Instant next =
                    now.isAfter(v.lastModified()) ? now : v.lastModified().plusSeconds(1);
            return new Version(id, v.version() + 1, next);
        });
    }

    public int size() {
        return config.get().directorySize();
    }

    /** Entry {@code index} (0-based) of the directory at {@code version}. */
    public ObjectNode entry(String directoryId, long version, int index) {
        int n = index + 1;
        ObjectNode entry = Json.mapper().createObjectNode();
        entry.put(
                "id",
                UUID.nameUUIDFromBytes((directoryId + "/" + n).getBytes(StandardCharsets.UTF_8))
                        .toString());
        entry.put("name", "Contact " + n + " v" + version);
        entry.put("address", (n % 200 + 1) + " " + STREETS[n % STREETS.length] + ", " + CITIES[n % CITIES.length]);
        entry.put("email", "contact" + n + "@" + slug(directoryId) + ".example.com");
        entry.put("phone", String.format("+353-1-555-%04d", n % 10_000));
        ObjectNode custom = entry.putObject("customAttributes");
        custom.put("department", DEPARTMENTS[n % DEPARTMENTS.length]);
        custom.put("priority", n % 3 + 1);
        custom.put("directoryVersion", version);
        return entry;
    }

    public void reset() {
        versions.clear();
    }

    private static String slug(String id) {
        String s = id.toLowerCase(java.util.Locale.ROOT)
                .replaceAll("[^a-z0-9]+", "-")
                .replaceAll("(^-|-$)", "");
        return s.isEmpty() ? "directory" : s;
    }
}
