package io.cxbridge.retention.worker;

import io.cxbridge.common.kafka.DeadLetterRecord;
import io.cxbridge.model.Channels;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * Publishes a request record that cannot be worked for a reason of its own to
 * {@code cxbridge.retention.requests.dlq.v1}: the value unchanged, keyed as it came, the reason in the
 * {@code cxbridge-error-*} headers. Read by people (there is no replay: a fixed policy is submitted again).
 */
@ApplicationScoped
public class RequestDeadLetters {

    public static final String INVALID_REQUEST = "invalid-request";
    /** The request's state in Redis does not read: whether it was deployed is unknown, so it is not worked. */
    public static final String STATE_UNREADABLE = "state-unreadable";

    static final Duration ACK_TIMEOUT = Duration.ofSeconds(10);

    private final MutinyEmitter<String> dlq;
    private final Clock clock;

    public RequestDeadLetters(
            @Channel(Channels.RETENTION_REQUESTS_DLQ_OUT)
                    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 256)
                    MutinyEmitter<String> dlq,
            Clock clock) {
        this.dlq = dlq;
        this.clock = clock;
    }

    /**
     * Completes once the broker has the dead letter; one Kafka refuses as too large (a value over the DLQ producer's
     * limit that arrived compressed, a key of megabytes) goes as a stub with its size and SHA-256, never a failure that
     * stops the channel on the same record after every restart.
     */
    public Uni<Void> send(String key, String value, String errorClass, String reason) {
        return DeadLetterRecord.send(
                new DeadLetterRecord.Parts(key, value, errorClass, reason, 1, clock.instant(), null, null), this::send);
    }

    private Uni<Void> send(Message<String> record) {
        return Uni.createFrom()
                .deferred(() -> dlq.sendMessage(record))
                .ifNoItem()
                .after(ACK_TIMEOUT)
                .fail();
    }
}
