package io.cxbridge.common.audit;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Hands over the observed audit events still lingering ({@link AuditEmitter#LINGER_MILLIS}) when the application
 * stops: the shutdown event comes before the messaging connector flushes and closes the audit channel's producer.
 * A bean of its own, because an observer method on {@link AuditEmitter} would make every subclass of it a bean too.
 */
@ApplicationScoped
class AuditShutdown {

    private final AuditEmitter audit;

    AuditShutdown(AuditEmitter audit) {
        this.audit = audit;
    }

    void handOver(@Observes ShutdownEvent event) {
        audit.handOverAtShutdown();
    }
}
