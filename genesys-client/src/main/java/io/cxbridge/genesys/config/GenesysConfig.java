package io.cxbridge.genesys.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** How every cxbridge service reaches Genesys Cloud. */
@ConfigMapping(prefix = "cxbridge.genesys")
public interface GenesysConfig {

    /** A region name (us_east_1, eu_west_1, ap_southeast_2, ...: see the genesys-client README); ignored when base-url is set. */
    Optional<String> region();

    /** Explicit API base URL (genesys-sim, a proxy); wins over region. */
    Optional<String> baseUrl();

    /** Explicit login base URL; derived from the API host when unset. */
    Optional<String> loginUrl();

    /** OAuth client-credentials client id. */
    String clientId();

    /** OAuth client-credentials secret; never logged. */
    String clientSecret();

    Token token();

    /** The keys that seal the access token stored in Redis (not the fulfillment-token keys). */
    TokenEncryption tokenEncryption();

    RateLimit rateLimit();

    Retry retry();

    Breaker breaker();

    Http http();

    Redaction redaction();

    interface Token {
        /** Redis key prefix; the token lives at {@code <prefix>:token:<clientId>}. */
        @WithDefault("cxbridge:genesys")
        String keyPrefix();

        /**
         * How long one process may hold the refresh lock; waiters take over after it. Must be longer than
         * {@code request-timeout} plus 2 s (the lease is not renewed: a shorter one would let a second process fetch
         * while the first is still waiting for the login host); a process with a shorter one does not start.
         */
        @WithDefault("15s")
        Duration lockLease();

        /** Refresh ahead of expiry by min(max-skew, skew-fraction x lifetime). */
        @WithDefault("5m")
        Duration maxSkew();

        @WithDefault("0.1")
        double skewFraction();

        /** Timeout of one token request to the login host (see {@code lock-lease}). */
        @WithDefault("10s")
        Duration requestTimeout();

        /** How often a waiting process looks for the token another one is fetching. */
        @WithDefault("50ms")
        Duration pollInterval();

        /**
         * After Genesys refused two tokens in a row that this process had just fetched (401 before any answer took
         * one: a login host of another region, a client the platform does not take), how long no 401 drops the token,
         * in every process (shared through Redis): calls get the 401 and no token is asked for. Then one new token is
         * tried; refused too, it starts the next hold. 1 s to 5 min; a process with another value does not start.
         */
        @WithDefault("5s")
        Duration refusedHold();
    }

    /**
     * AES-256-GCM keys for the shared access token in Redis, rotated by id like {@code cxbridge.token-encryption}:
     * new values are sealed with the current key, older ones open while their id is listed. Required: a service
     * without them does not start.
     */
    interface TokenEncryption {
        /** The key id new values are sealed with. */
        Optional<String> currentKeyId();

        /** {@code id=base64-256-bit-key,id2=...}. A secret. */
        Optional<String> keys();
    }

    interface RateLimit {
        @WithDefault("true")
        boolean enabled();

        /** The platform's per-client limit (requests a minute); lowered at run time when the platform reports less. */
        @WithDefault("300")
        int perMinute();

        /** Share of the limit cxbridge allows itself, leaving headroom for clocks and other clients. */
        @WithDefault("0.9")
        double capacityFraction();

        /** Longest a call waits for a token of the bucket (never past its deadline) before failing as rate limited. */
        @WithDefault("2s")
        Duration maxWait();
    }

    interface Retry {
        /** Upstream attempts per call, the first included. */
        @WithDefault("4")
        int maxAttempts();

        @WithDefault("500ms")
        Duration baseDelay();

        @WithDefault("2.0")
        double factor();

        @WithDefault("10s")
        Duration maxDelay();

        /** Proportional jitter: a delay d becomes d +/- jitter x d. */
        @WithDefault("0.2")
        double jitter();

        /** Total time a call may take, all attempts and waits included. */
        @WithDefault("30s")
        Duration deadline();

        /** A retry starts only when at least this much of the deadline is left for it after its wait. */
        @WithDefault("250ms")
        Duration minAttemptTime();
    }

    /** One breaker per Genesys path family (see {@code breaker.Breakers}); a 4xx never counts as a failure. */
    interface Breaker {
        /** Consecutive failures (5xx, timeouts, connection errors) of one path family that open its breaker. */
        @WithDefault("5")
        int failureThreshold();

        /** How long it stays open before letting one probe through. */
        @WithDefault("15s")
        Duration delay();

        /**
         * Path families with a breaker at most; beyond, the least recently used CLOSED one is dropped (attacker-made
         * paths), never an open one; when all are open, new families share one overflow breaker.
         */
        @WithDefault("512")
        int maxFamilies();
    }

    interface Http {
        @WithDefault("5s")
        Duration connectTimeout();

        /** Timeout of one upstream attempt (never past the call's deadline). */
        @WithDefault("10s")
        Duration attemptTimeout();

        /**
         * Pooled connections to the Genesys API host per process; the gateway's streamed (proxied) calls keep a pool of
         * this size per event loop.
         */
        @WithDefault("100")
        int maxPoolSize();
    }

    interface Redaction {
        /** Field names whose values are always redacted, at any depth (compared ignoring case, '-' and '_'). */
        @WithDefault(
                "name,firstName,lastName,givenName,familyName,email,emailAddress,phone,phoneNumber,mobile,address,street,"
                        + "postalCode,zip,ssn,socialSecurityNumber,creditCard,cardNumber,pan,cvv,dob,dateOfBirth,password,secret,"
                        + "clientSecret,token,accessToken,refreshToken,fulfillmentToken,apiKey,authorization")
        List<String> fields();

        /** Query parameters whose values are safe to log; every other value is redacted. */
        @WithDefault(
                "pageSize,pageNumber,sortBy,sortOrder,expand,divisionId,state,type,size,format,limit,offset,before,after,cursor")
        List<String> safeQueryParameters();
    }
}
