package io.cxbridge.directory.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** directory-svc's own settings ({@code cxbridge.directory.*}). */
@ConfigMapping(prefix = "cxbridge.directory")
public interface DirectoryConfig {

    /**
     * TTL in seconds per directory class (the directory id is its class); {@code default} for every other id.
     * Defaults live in application.properties; each must be within 30..3600 (checked at start-up).
     */
    Map<String, Integer> ttl();

    /** How long past its TTL an entry may still be served (STALE) while a refresh runs, as a fraction of the TTL. */
    @WithDefault("1.0")
    double staleFactor();

    /** A directory with more entries is refused rather than cached in part. */
    @WithDefault("10000")
    int maxEntries();

    /** Directories kept in the in-process cache (least recently used evicted). */
    @WithDefault("100")
    int maxDirectories();

    Upstream upstream();

    Redis redis();

    Consistency consistency();

    Webhook webhook();

    /** Names this replica (origin of its invalidations, its consumer group). */
    @WithDefault("${HOSTNAME:local}")
    String instanceId();

    /** How long DELETE waits for the broker to take the invalidation. */
    @WithDefault("5s")
    Duration ackTimeout();

    interface Upstream {
        /** {id} is replaced by the directory id. */
        @WithDefault("/api/v2/routing/directories/{id}/entries")
        String path();

        @WithDefault("250")
        int pageSize();

        /** Deadline of each page request (genesys-client retries inside it). */
        @WithDefault("20s")
        Duration pageDeadline();
    }

    interface Redis {
        @WithDefault("cxbridge:directory")
        String keyPrefix();

        /** Lease of the cross-replica load lock. */
        @WithDefault("60s")
        Duration lockLease();

        /** How often a replica waiting for another's load looks for the stored entry. */
        @WithDefault("50ms")
        Duration pollInterval();

        /** How long a replica waits for another's load before it gives up. */
        @WithDefault("90s")
        Duration waitTimeout();
    }

    interface Consistency {
        @WithDefault("true")
        boolean enabled();

        @WithDefault("60s")
        Duration interval();
    }

    interface Webhook {
        /** Optional: DirectoryUpdated is also POSTed here, signed. */
        Optional<String> url();

        Optional<String> secret();

        @WithDefault("5s")
        Duration timeout();
    }
}
