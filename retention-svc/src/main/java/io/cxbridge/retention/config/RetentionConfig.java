package io.cxbridge.retention.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@code cxbridge.retention.*}: defaults are the spec's. */
@ConfigMapping(prefix = "cxbridge.retention")
public interface RetentionConfig {

    /** The organisation's licence tier, used when a policy names none (STANDARD or ENTERPRISE). */
    @WithDefault("STANDARD")
    String licenseTier();

    /** Existing policies of the same objectType whose retention is within this many days overlap. */
    @WithDefault("15")
    int overlapWindowDays();

    /** How long the API waits for the broker to acknowledge a request before answering 503. */
    @WithDefault("10s")
    Duration publishAckTimeout();

    /** How long a request's state is kept in Redis. */
    @WithDefault("30d")
    Duration stateTtl();

    /**
     * A request record whose value is larger than this is dead-lettered ({@code record-too-large}) unread: a policy
     * is a few KiB.
     */
    @WithDefault("1048576")
    int maxRecordBytes();

    /**
     * The most policies one {@code /plan}, {@code /apply} or {@code /policies} request may hold (a list, or
     * {@code {policies: [...]}}), on either target; a longer one is refused with 400 before anything is queued or
     * written. Each seed policy costs a few Genesys calls on the client's shared rate budget; a media-retention file
     * with {@code prune=true} must not be split, so raise this rather than split such a file.
     */
    @WithDefault("100")
    int maxPoliciesPerRequest();

    /** Redis key prefix for request state and report counters. */
    @WithDefault("cxbridge:retention")
    String keyPrefix();

    /**
     * The enabled deployment targets: {@code media-retention} (Genesys Cloud's media retention policies, written
     * synchronously) and {@code seed} (the seed's asynchronous datamanagement contract, through the worker).
     */
    @WithDefault("media-retention,seed")
    List<String> targets();

    /** The target of a request that names none ({@code ?target=}); the local stack and the tests use {@code seed}. */
    @WithDefault("media-retention")
    String defaultTarget();

    Upstream upstream();

    Media media();

    Drift drift();

    Poll poll();

    Webhook webhook();

    interface Upstream {
        /** Where policies are created (POST) and listed (GET). */
        @WithDefault("/api/v2/datamanagement/retention/policies")
        String policiesPath();

        /** A deployment job; {jobId} is replaced. */
        @WithDefault("/api/v2/datamanagement/jobs/{jobId}")
        String jobPath();
    }

    interface Media {
        /**
         * The media-retention target's Genesys media retention policies: listed (GET, all pages) and created (POST);
         * {@code /{policyId}} updated (PUT) and deleted (DELETE).
         */
        @WithDefault("/api/v2/recording/mediaretentionpolicies")
        String policiesPath();

        Recovery recovery();
    }

    interface Recovery {
        /**
         * How often unfinished media-retention writes of stopped processes are looked for (and this process marks
         * itself alive; a process unseen for three intervals is taken as stopped).
         */
        @WithDefault("1m")
        Duration interval();

        /**
         * How long a write must have made no step before it is recovered: longer than one Genesys write can take, so
         * a write still on its way is never judged not taken.
         */
        @WithDefault("5m")
        Duration abandonedAfter();
    }

    interface Drift {
        /** Whether the scheduled drift check runs ({@code GET /v1/retention/drift} always answers). */
        @WithDefault("true")
        boolean enabled();

        /** How often the last applied media retention policies are compared with Genesys. */
        @WithDefault("1h")
        Duration interval();
    }

    interface Poll {
        /** Total time a job is polled before the request fails. */
        @WithDefault("2m")
        Duration bound();

        @WithDefault("1s")
        Duration initialDelay();

        @WithDefault("2")
        double factor();

        @WithDefault("15s")
        Duration maxDelay();

        @WithDefault("0.2")
        double jitter();
    }

    interface Webhook {
        /** Optional: deployed and failed reports are POSTed here. */
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
