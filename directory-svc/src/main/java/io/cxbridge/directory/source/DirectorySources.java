package io.cxbridge.directory.source;

import io.cxbridge.directory.config.DirectoryConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The configured sources by directory id ({@code cxbridge.directory.sources.<id>.*}), checked at start-up; an id
 * without one reads cxbridge's seed endpoint, as before sources existed, when {@code seed.allowed-ids} allows it.
 */
public final class DirectorySources {

    public static final String KEY_PREFIX = "cxbridge.directory.sources.";

    private final Map<String, DirectorySource> configured;
    private final String seedPath;
    private final int seedPageSize;
    private final AllowedSeedIds allowedSeedIds;

    /** Every unconfigured id may read the seed endpoint. */
    public DirectorySources(Map<String, DirectorySource> configured, String seedPath, int seedPageSize) {
        this(configured, seedPath, seedPageSize, AllowedSeedIds.ALL);
    }

    public DirectorySources(
            Map<String, DirectorySource> configured, String seedPath, int seedPageSize, AllowedSeedIds allowedSeedIds) {
        this.configured = Map.copyOf(configured);
        this.seedPath = seedPath;
        this.seedPageSize = seedPageSize;
        this.allowedSeedIds = allowedSeedIds;
    }

    /** Only the seed endpoint: what tests of the cache mechanics use. */
    public static DirectorySources seedOnly(String seedPath, int seedPageSize) {
        return new DirectorySources(Map.of(), seedPath, seedPageSize);
    }

    public static DirectorySources from(DirectoryConfig config) {
        Map<String, DirectorySource> sources = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        new TreeMap<>(config.sources()).forEach((id, c) -> {
            String key = KEY_PREFIX + id + ".";
            try {
                sources.put(
                        id,
                        source(
                                id,
                                c,
                                key,
                                config.upstream().path(),
                                config.upstream().pageSize()));
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        });
        AllowedSeedIds allowed = null;
        try {
            allowed = AllowedSeedIds.parse(config.seed().allowedIds());
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return new DirectorySources(
                sources, config.upstream().path(), config.upstream().pageSize(), allowed);
    }

    static DirectorySource source(String id, DirectoryConfig.Source c, String key, String seedPath, int seedPageSize) {
        SourceKind kind = SourceKind.parse(c.kind(), key + "kind");
        String upstreamId = switch (kind) {
            case GROUP_MEMBERS -> required(c.groupId(), key + "group-id", kind);
            case QUEUE_MEMBERS -> required(c.queueId(), key + "queue-id", kind);
            case DATATABLE_ROWS -> required(c.datatableId(), key + "datatable-id", kind);
            default -> null;
        };
        if (c.q().isPresent() && kind != SourceKind.EXTERNAL_CONTACTS) {
            throw new IllegalArgumentException(key + "q is only for kind external-contacts");
        }
        String q = c.q().filter(s -> !s.isBlank()).orElse(null);
        int pageSize = c.pageSize().orElse(kind == SourceKind.SEED ? seedPageSize : kind.defaultPageSize());
        boolean search = q != null;
        int min = kind.minPageSize(search);
        int max = kind.maxPageSize(search);
        if (pageSize < min || pageSize > max) {
            String endpoint = kind != SourceKind.EXTERNAL_CONTACTS
                    ? ""
                    : search ? " with q (the contacts search's pageSize)" : " without q (the contacts scan's limit)";
            throw new IllegalArgumentException(key + "page-size is " + pageSize + "; the platform allows " + min
                    + " to " + max + " for " + kind.configName() + endpoint);
        }
        return new DirectorySource(
                id,
                kind,
                upstreamId,
                c.state(),
                q,
                c.ttlClass().orElse(id),
                pageSize,
                EntryMapping.of(kind, c.mapping().asMap(), key + "mapping."),
                seedPath);
    }

    private static String required(Optional<String> value, String key, SourceKind kind) {
        return value.filter(v -> !v.isBlank())
                .orElseThrow(() -> new IllegalArgumentException(key + " is required for kind " + kind.configName()));
    }

    /**
     * Whether this service reads {@code directoryId} at all: a configured source, or an id {@code seed.allowed-ids}
     * allows to read the seed endpoint. Any other id is answered 404 without a Genesys call, so a client naming made-up
     * ids spends none of the org's shared budget.
     */
    public boolean readable(String directoryId) {
        return configured.containsKey(directoryId) || allowedSeedIds.allows(directoryId);
    }

    /** Why {@code directoryId} is not {@link #readable}: the detail of its 404. */
    public static String notReadable(String directoryId) {
        return "directory " + directoryId + " has no configured source and is not among the ids that may read the seed"
                + " endpoint (" + AllowedSeedIds.KEY + ")";
    }

    public AllowedSeedIds allowedSeedIds() {
        return allowedSeedIds;
    }

    /** The configured source, or the seed endpoint with the id as its TTL class. */
    public DirectorySource of(String directoryId) {
        DirectorySource s = configured.get(directoryId);
        return s != null
                ? s
                : new DirectorySource(
                        directoryId,
                        SourceKind.SEED,
                        null,
                        null,
                        null,
                        directoryId,
                        seedPageSize,
                        EntryMapping.of(SourceKind.SEED, Map.of(), KEY_PREFIX),
                        seedPath);
    }

    /** The configured sources, by id. */
    public Map<String, DirectorySource> configured() {
        return configured;
    }
}
