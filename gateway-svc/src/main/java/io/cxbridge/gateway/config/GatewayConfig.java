package io.cxbridge.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** gateway-svc's own settings. */
@ConfigMapping(prefix = "cxbridge.gateway")
public interface GatewayConfig {

    Auth auth();

    Ingest ingest();

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
