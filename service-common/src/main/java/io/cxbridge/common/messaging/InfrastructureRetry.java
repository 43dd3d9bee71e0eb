package io.cxbridge.common.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cxbridge.common.kafka.TooLarge;
import io.cxbridge.common.logging.LogThrottle;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.SerializationException;
import org.jboss.logging.Logger;

/**
 * Retries the processing of one consumed record while Kafka or Redis is away, instead of failing it (a failed
 * record stops a {@code failure-strategy=fail} channel) or giving up after a fixed count (which closed consumers
 * during minute-long outages). With {@link ConsumerHolds} pausing the fetch meanwhile, the record in hand is the
 * only one that waits. Only infrastructure failures belong here: a record that is bad in itself goes to its DLQ
 * before this is reached. Retrying stops at shutdown (the record stays uncommitted and is fetched again).
 *
 * <p>A failure that no wait can mend ({@link #permanent}: the producer or the broker refusing a record as too large,
 * a serialisation failure, a {@link PermanentFailure} such as a stored value that does not read) is not retried: it
 * fails to the caller at once, which dead-letters the record (retried forever, it held the partition and, after
 * {@code unprocessed-record-max-age}, restarted the process onto the same record).
 *
 * <p>A failed attempt is logged at most once per {@link #LOG_EVERY} for the whole process, the line saying how many
 * were held back: during a long outage every pending piece of work (a record in hand, each gateway idempotency record
 * being written late) retries every 5 s, and a line for each drowned the log.
 */
@ApplicationScoped
public class InfrastructureRetry {

    private static final Logger LOG = Logger.getLogger(InfrastructureRetry.class);

    static final Duration FIRST = Duration.ofMillis(200);
    static final Duration MAX = Duration.ofSeconds(5);

    static final Duration LOG_EVERY = Duration.ofSeconds(10);

    private final LogThrottle retryLines;
    private volatile boolean stopping;

    public InfrastructureRetry() {
        this(new LogThrottle(LOG_EVERY));
    }

    InfrastructureRetry(LogThrottle retryLines) {
        this.retryLines = retryLines;
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
    }

    /**
     * {@code op} again and again (backoff 200 ms to 5 s) until it succeeds, fails {@link #permanent permanently} or
     * the process stops.
     */
    public <T> Uni<T> untilDone(String what, Supplier<Uni<? extends T>> op) {
        return untilDone(() -> what, op);
    }

    /**
     * As {@link #untilDone(String, Supplier)}, with the log label made only when a retry is logged: callers on a
     * per-record path need not build (or parse a record for) a label that is almost never printed.
     */
    public <T> Uni<T> untilDone(Supplier<String> what, Supplier<Uni<? extends T>> op) {
        return Uni.createFrom()
                .<T>deferred(op)
                .onFailure(e -> !stopping && !permanent(e))
                .invoke(e -> logRetry(what, e))
                .onFailure(e -> !stopping && !permanent(e))
                .retry()
                .withBackOff(FIRST, MAX)
                .indefinitely();
    }

    private void logRetry(Supplier<String> what, Throwable failure) {
        long held = retryLines.pass();
        if (held == 0) {
            LOG.warnf("%s: %s; retrying until the dependency answers", what.get(), failure.toString());
        } else if (held > 0) {
            LOG.warnf(
                    "%s: %s; retrying until the dependency answers (%d more failed attempts, of this or other work,"
                            + " were not logged since the last such line)",
                    what.get(), failure.toString(), held);
        }
    }

    /**
     * Whether waiting cannot make {@code failure} pass: a record too large for the producer or the broker, a
     * serialisation failure (Kafka's or Jackson's), a {@link PermanentFailure}; anywhere in the cause chain.
     */
    public static boolean permanent(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PermanentFailure
                    || tooLargeForKafka(t)
                    || t instanceof SerializationException
                    || t instanceof JsonProcessingException) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code t} itself is the producer's or the broker's refusal of a record (or batch) as too large. */
    public static boolean tooLargeForKafka(Throwable t) {
        return TooLarge.is(t);
    }

    /**
     * A permanent failure in words fit for a dead letter's reason: Kafka's for a record too large (sizes only), the
     * message of a {@link PermanentFailure} (written to be shown), else only the exception's class (Jackson's and the
     * serialisers' messages may quote values).
     */
    public static String describe(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (tooLargeForKafka(t)) {
                // Kafka's words: the sizes and the setting, never the record
                return "Kafka refused the record as too large: " + t.getMessage();
            }
            if (t instanceof PermanentFailure && t.getMessage() != null) {
                return t.getMessage();
            }
        }
        return failure.getClass().getSimpleName();
    }
}
