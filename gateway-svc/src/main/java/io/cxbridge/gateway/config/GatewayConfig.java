package io.cxbridge.gateway.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** gateway-svc's own settings. */
@ConfigMapping(prefix = "cxbridge.gateway")
public interface GatewayConfig {

    Auth auth();

    Ingest ingest();

    Proxy proxy();

    Services services();

    Idempotency idempotency();

    Logging logging();

    Requests requests();

    /** What every request target must satisfy (the path guard). */
    interface Requests {
        /** Longer paths get 400 from the guard; keep it below the HTTP server's initial-line limit (4096). */
        @WithDefault("2048")
        int maxPathLength();
    }

    interface Logging {
        /** Held request bodies up to this size are logged (after redaction); larger ones as size and SHA-256. */
        @WithDefault("10K")
        MemorySize logBodyLimit();
    }

    interface Idempotency {
        /**
         * How long a completed answer is replayed for the same key. At most 7d: the idempotency budget reads one hourly
         * usage bucket per hour of it in one call, and a longer one stops start-up.
         */
        @WithDefault("24h")
        Duration retention();

        /** Answers larger than this are not stored: the key keeps a tombstone (409 on a repeat, never run again). */
        @WithDefault("1M")
        MemorySize maxStoredBody();

        /** How long a key whose call got no answer stays claimed (409 outcome-unknown on a repeat). */
        @WithDefault("1h")
        Duration outcomeUnknownRetention();

        /**
         * How long a call's record (its answer, a tombstone, an outcome-unknown) that Redis did not take is retried
         * in the background, with backoff: long enough to ride out a Redis restart or failover. The client's answer
         * does not wait for it; until the record is written, a repeat after the claim expired (deadline + 5 s) runs
         * again.
         */
        @WithDefault("60s")
        Duration recordRetryFor();

        /**
         * Idempotency records (answers, tombstones, outcome-unknowns) one client may have written within the
         * retention: past it, a new Idempotency-Key gets 429 with Retry-After and is not sent (repeats of stored keys
         * and requests without a key go on). Each new key may keep up to max-stored-body for the retention in the
         * Redis every service shares, which runs with noeviction: without a bound, one client within its rate limit
         * could fill it and fail every service, and evicting old records would run a repeat twice. A client may
         * overshoot by the keyed calls it has in flight at once. At least 1.
         */
        @WithDefault("100000")
        int maxRecordsPerClient();

        /**
         * Bytes of idempotency records (their stored JSON) one client may have written within the retention; past it,
         * a new Idempotency-Key gets 429 as for max-records-per-client. May be overshot by the keyed calls in flight
         * at once, each at most max-stored-body. At least 1.
         */
        @WithDefault("64M")
        MemorySize maxBytesPerClient();
    }

    /** Where the internal services listen; the gateway is their only door. */
    interface Services {
        @WithDefault("http://127.0.0.1:8081")
        String retryUrl();

        @WithDefault("http://127.0.0.1:8082")
        String fulfillmentUrl();

        @WithDefault("http://127.0.0.1:8083")
        String retentionUrl();

        @WithDefault("http://127.0.0.1:8084")
        String directoryUrl();

        /** How long a forwarded call may wait for the service's answer to begin. */
        @WithDefault("30s")
        Duration timeout();
    }

    interface Proxy {
        /** Request bodies above this get 413 (also the HTTP server's own limit). */
        @WithDefault("10M")
        MemorySize maxBodySize();

        /** Bodies up to this size are held in memory, so the call can be retried; larger ones stream through once. */
        @WithDefault("1M")
        MemorySize bufferLimit();

        /** Total time for one proxied call, retries included. */
        @WithDefault("10s")
        Duration deadline();
    }

    interface Auth {
        /**
         * The clients file (YAML): a filesystem path, re-read when it changes (a mounted Secret), or
         * {@code classpath:...}. Unset: no clients, every request is refused.
         */
        Optional<String> keysFile();

        /** How often a filesystem keys file is checked for changes. */
        @WithDefault("5s")
        Duration reloadInterval();

        /** Plain-text {@code key:} entries are for local stacks and tests only; prod refuses to start with one. */
        @WithDefault("false")
        boolean allowPlainKeys();
    }

    interface Ingest {
        /** How long an ingestion request waits for the broker's acknowledgement before answering 503. */
        @WithDefault("5s")
        Duration ackTimeout();
    }
}
