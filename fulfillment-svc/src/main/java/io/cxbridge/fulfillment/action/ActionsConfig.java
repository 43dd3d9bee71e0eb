package io.cxbridge.fulfillment.action;

import io.cxbridge.genesys.retry.Backoff;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithParentName;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The synchronous Data Action endpoint's actions ({@code cxbridge.actions.<name>.*}); an action's name is the
 * last segment of {@code POST /v1/actions/{name}}.
 */
@ConfigMapping(prefix = "cxbridge.actions")
public interface ActionsConfig {

    @WithParentName
    Map<String, Action> actions();

    interface Action {
        /**
         * The external URL, {@code {field}} placeholders taken from top-level body fields (path and query only;
         * a placeholder in the scheme or authority stops start-up).
         */
        String url();

        @WithDefault("POST")
        String method();

        /** Send the incoming body unchanged to the external API (else no body). */
        @WithDefault("true")
        boolean forwardBody();

        /** Headers sent with every call (values are secrets: never logged). */
        Map<String, String> headers();

        UrlPolicy urlPolicy();

        /** Hard timeout of one attempt (cut to what is left of the budget). */
        @WithDefault("3s")
        Duration attemptTimeout();

        @WithDefault("3")
        int attempts();

        /** The time by which cxbridge answers: set it below the Data Action's timeout in Genesys. */
        @WithDefault("8s")
        Duration budget();

        /** Calls to the external API in flight at once; the rest queue, never past their budget. */
        @WithDefault("64")
        int concurrency();

        /**
         * The longest answer read from the external API: a longer one is cut off unread and answered 502
         * {@code EXTERNAL_REJECTED} (it is held in memory, sent back whole and, when the action caches, kept in Redis).
         */
        @WithDefault("1048576")
        int maxAnswerBytes();

        Retry retry();

        Breaker breaker();

        Cache cache();
    }

    /** Where an action may call: https, a public address, the host on the allow-list when one is set. */
    interface UrlPolicy {
        /** Hosts the URL may name; empty: any host on a public address. */
        Optional<List<String>> allowedHosts();

        /** {@code host:port} pairs allowed over http and on private or loopback addresses (the local sim). */
        Optional<List<String>> testHosts();
    }

    interface Retry {
        @WithDefault("100ms")
        Duration initialDelay();

        @WithDefault("2")
        double factor();

        @WithDefault("1s")
        Duration maxDelay();

        @WithDefault("0.2")
        double jitter();

        /** The backoff these keys describe (a method, not a key). */
        default Backoff backoff() {
            return new Backoff(initialDelay(), factor(), maxDelay(), jitter());
        }
    }

    interface Breaker {
        /** Failures (5xx, timeouts, connection failures) within {@link #window()} that open the breaker. */
        @WithDefault("5")
        int failures();

        @WithDefault("30s")
        Duration window();

        /** How long it stays open before one probe call is let through. */
        @WithDefault("15s")
        Duration halfOpenAfter();
    }

    interface Cache {
        @WithDefault("false")
        boolean enabled();

        /** Within it a cached answer is served at once (HIT). */
        @WithDefault("60s")
        Duration ttl();

        /** After the TTL, how long an entry may still be served when the external API fails (STALE). */
        @WithDefault("PT0S")
        Duration staleFor();

        /** Body fields the key is built from; empty: the whole body. */
        Optional<List<String>> keyFields();
    }
}
