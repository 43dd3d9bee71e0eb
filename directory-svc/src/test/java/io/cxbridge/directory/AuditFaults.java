package io.cxbridge.directory;

import io.cxbridge.common.audit.AuditEmitter;
import io.cxbridge.common.service.ServiceConfig;
import io.cxbridge.model.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * An audit emitter whose broker is away: every event is refused ({@link #refusing}) or never answered
 * ({@link #silent}). Its own registry holds the emitter's {@code cxbridge.audit.events} counts.
 */
public final class AuditFaults implements Emitter<byte[]> {

    public final MeterRegistry registry = new SimpleMeterRegistry();
    public final AuditEmitter audit;
    /** Every event handed to the channel. */
    public final List<Message<? extends byte[]>> handed = new CopyOnWriteArrayList<>();

    private final boolean refuse;

    private AuditFaults(ServiceConfig service, boolean refuse) {
        this.refuse = refuse;
        // no Kafka producer of its own: every event goes through this channel
        this.audit =
                new AuditEmitter(this, (drain, notRun) -> false, Topics.AUDIT, service, Clock.systemUTC(), registry);
    }

    /** The broker refuses every event at once (nack). */
    public static AuditFaults refusing(ServiceConfig service) {
        return new AuditFaults(service, true);
    }

    /** The broker never answers. */
    public static AuditFaults silent(ServiceConfig service) {
        return new AuditFaults(service, false);
    }

    public double failed() {
        return registry.get("cxbridge.audit.events")
                .tag("outcome", "failed")
                .counter()
                .count();
    }

    @Override
    public <M extends Message<? extends byte[]>> void send(M msg) {
        handed.add(msg);
        if (refuse) {
            msg.nack(new IllegalStateException("broker away (injected)"));
        }
    }

    @Override
    public CompletionStage<Void> send(byte[] payload) {
        throw new UnsupportedOperationException("the audit emitter sends messages");
    }

    @Override
    public void complete() {}

    @Override
    public void error(Exception e) {}

    @Override
    public boolean isCancelled() {
        return false;
    }

    @Override
    public boolean hasRequests() {
        return true;
    }
}
