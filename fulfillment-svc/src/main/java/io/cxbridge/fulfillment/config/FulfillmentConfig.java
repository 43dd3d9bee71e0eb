package io.cxbridge.fulfillment.config;

import io.cxbridge.genesys.retry.Backoff;
import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** fulfillment-svc settings ({@code cxbridge.fulfillment.*}); defaults are the spec's. */
@ConfigMapping(prefix = "cxbridge.fulfillment")
public interface FulfillmentConfig {

    External external();

    Callback callback();

    Retry retry();

    /** Jobs worked at once by one instance (the backlog waits in Kafka). */
    @WithDefault("256")
    int concurrency();

    /** On SIGTERM: how long jobs in flight may take to finish before they are handed back uncommitted. */
    @WithDefault("20s")
    Duration shutdownGrace();

    /** Prefix of every Redis key the service writes. */
    @WithDefault("cxbridge:fulfillment")
    String keyPrefix();

    /**
     * A job record whose value is larger than this is dead-lettered ({@code record-too-large}) unread: a job is a
     * few KiB, and a value this large is a mistake, not work.
     */
    @WithDefault("1048576")
    int maxRecordBytes();

    /**
     * The most bytes of job records (value and key in UTF-8, plus header names and values) worked at once by one
     * instance, as a semaphore of bytes taken when a job starts and given back when it ends: a record that does not
     * fit waits (nothing more is pulled meanwhile) until enough jobs have ended; one bigger than the budget runs
     * alone. Each job holds a few copies of its record (the
     * text, the parsed job, the request body), so the heap the jobs take is a small multiple of this.
     */
    @WithDefault("32M")
    MemorySize inFlightBytes();

    Dlq dlq();

    /** How long job state and the posted marks are kept in Redis. */
    @WithDefault("P7D")
    Duration stateTtl();

    interface Dlq {
        /**
         * The most bytes of dead-lettered record values the DLQ index keeps in Redis at once (counted per
         * {@code state-ttl}/64 bucket, expiring with the values). A dead letter past it is on the DLQ topic and listed,
         * without its value ({@code payloadOnlyOnTopic}); its replay is refused 409. Redis runs noeviction and every
         * service shares it: unbounded, large jobs that all dead-letter filled it. 0 keeps no value.
         */
        @WithDefault("256M")
        MemorySize payloadBudget();
    }

    interface External {
        /** The external API the job's data is sent to (POST, JSON). */
        String url();

        /** Hard per-attempt timeout. */
        @WithDefault("5s")
        Duration timeout();

        @WithDefault("3")
        int attempts();

        /**
         * The longest answer read from the external API: a longer one is cut off unread and ends the job failed
         * ({@code EXTERNAL_HTTP_ERROR}, not retried). The answer is posted to the fulfillment URL as the result, so it
         * is bounded as the job records are (1 MiB).
         */
        @WithDefault("1048576")
        int maxAnswerBytes();
    }

    interface Callback {
        /** Per-attempt timeout of the post to the fulfillment URL. */
        @WithDefault("8s")
        Duration timeout();

        @WithDefault("3")
        int attempts();
    }

    /** Backoff between attempts (both the external call and the callback). */
    interface Retry {
        @WithDefault("200ms")
        Duration initialDelay();

        @WithDefault("2")
        double factor();

        @WithDefault("2s")
        Duration maxDelay();

        @WithDefault("0.2")
        double jitter();

        /** The backoff these keys describe (a method, not a key): one construction for every caller. */
        default Backoff backoff() {
            return new Backoff(initialDelay(), factor(), maxDelay(), jitter());
        }
    }
}
