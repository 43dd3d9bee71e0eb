package io.cxbridge.common.messaging;

import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Retries the processing of one consumed record while Kafka or Redis is away, instead of failing it (a failed
 * record stops a {@code failure-strategy=fail} channel) or giving up after a fixed count (which closed consumers
 * during minute-long outages). With {@link ConsumerHolds} pausing the fetch meanwhile, the record in hand is the
 * only one that waits. Only infrastructure failures belong here: a record that is bad in itself goes to its DLQ
 * before this is reached. Retrying stops at shutdown (the record stays uncommitted and is fetched again).
 */
@ApplicationScoped
public class InfrastructureRetry {

    private static final Logger LOG = Logger.getLogger(InfrastructureRetry.class);

    static final Duration FIRST = Duration.ofMillis(200);
    static final Duration MAX = Duration.ofSeconds(5);

    private volatile boolean stopping;

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
    }

    /** {@code op} again and again (backoff 200 ms to 5 s) until it succeeds or the process stops. */
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
                .onFailure(e -> !stopping)
                .invoke(e -> LOG.warnf("%s: %s; retrying until the dependency answers", what.get(), e.toString()))
                .onFailure(e -> !stopping)
                .retry()
                .withBackOff(FIRST, MAX)
                .indefinitely();
    }
}
