package io.cxbridge.directory.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
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

    /**
     * How long a replica answers 404 for a directory its source answered 404 for, without asking the source again
     * ({@code DELETE .../cache} forgets it at once); 0 asks every time; at most 1 h.
     */
    @WithDefault("30s")
    Duration notFoundTtl();

    /**
     * Estimated bytes the in-process cache may hold (e.g. {@code 32M}); 25 % of the maximum heap when unset.
     * Start-up refuses more than 50 % of the maximum heap.
     */
    Optional<MemorySize> maxBytes();

    /**
     * Where each directory id is read from; an id not listed reads cxbridge's seed endpoint ({@code upstream.path}).
     */
    Map<String, Source> sources();

    interface Source {
        /** users, group-members, queue-members, external-contacts, datatable-rows or seed. */
        String kind();

        /** The group (kind group-members). */
        Optional<String> groupId();

        /** The queue (kind queue-members). */
        Optional<String> queueId();

        /** The data table (kind datatable-rows). */
        Optional<String> datatableId();

        /** Users in this state (kind users). */
        @WithDefault("active")
        String state();

        /** A search on the contacts endpoint, within its 1,000-contact limit (kind external-contacts; else a full scan). */
        Optional<String> q();

        /** The TTL class ({@code cxbridge.directory.ttl.<class>}); the directory id when unset. */
        Optional<String> ttlClass();

        /**
         * Page size; the platform's cap for the kind (users 500, others 100) when unset. Outside what the endpoint
         * accepts, start-up stops: users 1 to 500, others 1 to 100, external-contacts 10 to 200 for the scan (its
         * {@code limit}) and 1 to 100 with {@code q}.
         */
        Optional<Integer> pageSize();

        /** Per entry field, a JSON Pointer into the record that replaces the kind's built-in mapping. */
        Mapping mapping();
    }

    interface Mapping {
        Optional<String> id();

        Optional<String> name();

        Optional<String> address();

        Optional<String> email();

        Optional<String> phone();

        Optional<String> customAttributes();

        /** The overrides by entry field name. */
        default Map<String, String> asMap() {
            Map<String, String> m = new java.util.TreeMap<>();
            id().ifPresent(v -> m.put("id", v));
            name().ifPresent(v -> m.put("name", v));
            address().ifPresent(v -> m.put("address", v));
            email().ifPresent(v -> m.put("email", v));
            phone().ifPresent(v -> m.put("phone", v));
            customAttributes().ifPresent(v -> m.put("customAttributes", v));
            return m;
        }
    }

    Upstream upstream();

    Seed seed();

    Redis redis();

    Consistency consistency();

    Webhook webhook();

    /** Names this replica (origin of its invalidations, its consumer group). */
    @WithDefault("${HOSTNAME:local}")
    String instanceId();

    /** How long the broker is waited for: a DELETE's audit event and invalidation, a load's audit event (then it goes on). */
    @WithDefault("5s")
    Duration ackTimeout();

    interface Upstream {
        /** {id} is replaced by the directory id. */
        @WithDefault("/api/v2/routing/directories/{id}/entries")
        String path();

        /** Page size asked of the {@code seed} kind's listing ({@code upstream.path}) when its source sets none. */
        @WithDefault("250")
        int pageSize();

        /** Deadline of each page request (genesys-client retries inside it). */
        @WithDefault("20s")
        Duration pageDeadline();
    }

    interface Seed {
        /**
         * Which ids without a configured source may read the seed endpoint ({@code upstream.path}): globs over the id
         * ({@code *} any run of characters, {@code ?} one; e.g. {@code demo_*,test-?}), or {@code none}. Any other
         * unconfigured id is 404 without a Genesys call; configured ids are not affected. A pattern that cannot
         * match an id stops start-up.
         */
        @WithDefault("*")
        List<String> allowedIds();
    }

    interface Redis {
        @WithDefault("cxbridge:directory")
        String keyPrefix();

        /** Lease of the cross-replica load lock. */
        @WithDefault("60s")
        Duration lockLease();

        /**
         * A replica waiting for another's load wakes on its publish, at the latest after {@code lock-lease}; only
         * while its subscription for the publish is down (Redis restarted, or away at start-up) does it look at
         * Redis every this often instead.
         */
        @WithDefault("200ms")
        Duration pollInterval();

        /** How long a replica waits for another's load before it gives up. */
        @WithDefault("90s")
        Duration waitTimeout();
    }

    interface Consistency {
        @WithDefault("true")
        boolean enabled();

        /** How often a replica looks for directories to check. */
        @WithDefault("60s")
        Duration interval();

        /**
         * Genesys calls (pages) all replicas together may spend on checks per {@code window}; 10 % of
         * {@code cxbridge.genesys.rate-limit.per-minute} per minute when unset.
         */
        Optional<Integer> budget();

        @WithDefault("60s")
        Duration window();
    }

    interface Webhook {
        /** Optional: DirectoryUpdated is also POSTed here, signed. */
        Optional<String> url();

        Optional<String> secret();

        /**
         * Timeout of each delivery attempt; a webhook is tried at most 3 times (genesys-client's
         * {@code WebhookSender}).
         */
        @WithDefault("5s")
        Duration timeout();
    }
}
