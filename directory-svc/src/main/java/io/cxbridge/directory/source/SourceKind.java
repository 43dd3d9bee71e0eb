package io.cxbridge.directory.source;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * What a directory is read from ({@code cxbridge.directory.sources.<id>.kind}). Each kind knows the page sizes its
 * platform listing accepts, the one used when none is configured, and the JSON Pointer of a record's identity (used
 * to drop a record read twice).
 */
public enum SourceKind {
    USERS("users", 500, "/id"),
    GROUP_MEMBERS("group-members", 100, "/id"),
    QUEUE_MEMBERS("queue-members", 100, "/id"),
    EXTERNAL_CONTACTS("external-contacts", 100, "/id"),
    DATATABLE_ROWS("datatable-rows", 100, "/key"),
    /** cxbridge's own seed endpoint (not the platform's): the behaviour of every id without a configured source. */
    SEED("seed", 10_000, "/id");

    /** The external-contacts scan's {@code limit}: "must be between 10 and 200, default is 100" (the SDK's docs). */
    public static final int SCAN_MIN_LIMIT = 10;

    public static final int SCAN_MAX_LIMIT = 200;

    private final String configName;
    private final int maxPageSize;
    private final String idPointer;

    SourceKind(String configName, int maxPageSize, String idPointer) {
        this.configName = configName;
        this.maxPageSize = maxPageSize;
        this.idPointer = idPointer;
    }

    public String configName() {
        return configName;
    }

    /**
     * The page size when none is configured: the listing's cap (users 500, the others 100; for external-contacts the
     * search's cap, which is also the scan's default {@code limit}).
     */
    public int defaultPageSize() {
        return maxPageSize;
    }

    /**
     * The smallest page size the kind's endpoint accepts; {@code search}: external-contacts with {@code q} (the
     * search endpoint), else the scan.
     */
    public int minPageSize(boolean search) {
        return this == EXTERNAL_CONTACTS && !search ? SCAN_MIN_LIMIT : 1;
    }

    /** The largest page size the kind's endpoint accepts; {@code search} as in {@link #minPageSize(boolean)}. */
    public int maxPageSize(boolean search) {
        return this == EXTERNAL_CONTACTS && !search ? SCAN_MAX_LIMIT : maxPageSize;
    }

    public String idPointer() {
        return idPointer;
    }

    public static SourceKind parse(String value, String key) {
        return Arrays.stream(values())
                .filter(k -> k.configName.equals(value))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(key + " is '" + value + "'; one of "
                        + Arrays.stream(values()).map(SourceKind::configName).collect(Collectors.joining(", "))));
    }
}
