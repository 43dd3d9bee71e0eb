package io.cxbridge.sim.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Start-up configuration ({@code cxbridge.sim.*}, kebab-case). The first six values are the defaults of the
 * runtime configuration that {@code POST /sim/config} changes and {@code POST /sim/reset} restores.
 */
@ConfigMapping(prefix = "cxbridge.sim")
public interface SimSettings {

    /** OAuth client id accepted by {@code POST /oauth/token}. */
    @WithDefault("cxbridge-local")
    String clientId();

    /** OAuth client secret accepted by {@code POST /oauth/token}. */
    @WithDefault("cxbridge-local-secret")
    String clientSecret();

    /** Lifetime of an issued token in seconds (Genesys default: 24 h). */
    @WithDefault("86400")
    int tokenExpiresIn();

    /** Issuing a token to a client revokes the client's earlier tokens. */
    @WithDefault("false")
    boolean revokeOnRefresh();

    /** Requests a minute per OAuth client on /api/v2/**; 0 or less: unlimited. */
    @WithDefault("300")
    int rateLimitPerMinute();

    /** Number of entries of every routing directory. */
    @WithDefault("1300")
    int directorySize();

    /** Delay of {@code POST /external/api} before it answers, in milliseconds. */
    @WithDefault("0")
    long externalLatencyMs();

    /** Time a data management job stays RUNNING, in milliseconds; -1: never completes. */
    @WithDefault("500")
    long jobCompletionMs();

    /** Largest JSON request body the sim reads (bytes); larger ones get 413. Blob uploads are not limited. */
    @WithDefault("16777216")
    int maxJsonBodyBytes();

    /** Largest {@code size} accepted by {@code GET /api/v2/downloads/blob} (bytes). */
    @WithDefault("17179869184")
    long maxBlobSize();

    /** The platform resources seeded at start-up and by {@code POST /sim/reset} (users, contacts, ...). */
    Seed seed();

    /** How many of each platform resource the sim seeds ({@code cxbridge.sim.seed.*}). */
    interface Seed {
        /** Active users ({@code GET /api/v2/users}); one inactive user per 100 more. */
        @WithDefault("2600")
        int users();

        /** External contacts. */
        @WithDefault("600")
        int contacts();

        /** Groups; every active user is a member of one. */
        @WithDefault("3")
        int groups();

        /** Routing queues; every active user is a member of one. */
        @WithDefault("3")
        int queues();

        /** Rows of the one seeded data table. */
        @WithDefault("300")
        int datatableRows();
    }
}
