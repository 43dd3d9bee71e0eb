package io.cxbridge.directory.source;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * What a directory is read from ({@code cxbridge.directory.sources.<id>.kind}). Each kind knows its platform
 * listing's page-size cap and the JSON Pointer of a record's identity (used to drop a record read twice).
 */
public enum SourceKind {
    USERS("users", 500, "/id"),
    GROUP_MEMBERS("group-members", 100, "/id"),
    QUEUE_MEMBERS("queue-members", 100, "/id"),
    EXTERNAL_CONTACTS("external-contacts", 100, "/id"),
    DATATABLE_ROWS("datatable-rows", 100, "/key"),
    /** cxbridge's own seed endpoint (not the platform's): the behaviour of every id without a configured source. */
    SEED("seed", 10_000, "/id");

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

    public int maxPageSize() {
        return maxPageSize;
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
