package io.cxbridge.retention.media;

import java.util.List;

/** The deployment targets a request may name with {@code ?target=} (enabled by {@code cxbridge.retention.targets}). */
public final class MediaTargets {

    /** Genesys Cloud's media retention policies, written synchronously (plan, diff, apply, prune, drift). */
    public static final String MEDIA_RETENTION = "media-retention";
    /** The seed's asynchronous datamanagement contract, deployed by the worker through Kafka. */
    public static final String SEED = "seed";

    public static final List<String> ALL = List.of(MEDIA_RETENTION, SEED);

    private MediaTargets() {}
}
