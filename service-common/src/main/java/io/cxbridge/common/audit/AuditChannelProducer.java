package io.cxbridge.common.audit;

import io.cxbridge.model.Channels;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaProducer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.jboss.logging.Logger;

/**
 * The producer the Kafka connector made for the {@code audit-out} channel, with its sending thread: the same
 * settings, the same flush and close at shutdown as the channel's own records.
 */
@ApplicationScoped
public class AuditChannelProducer implements AuditProducer {

    private static final Logger LOG = Logger.getLogger(AuditChannelProducer.class);

    private final KafkaClientService kafka;
    private volatile KafkaProducer<String, byte[]> producer;

    public AuditChannelProducer(KafkaClientService kafka) {
        this.kafka = kafka;
    }

    @Override
    public boolean onSendingThread(Consumer<Producer<String, byte[]>> drain, Runnable notRun) {
        KafkaProducer<String, byte[]> p = producer;
        if (p == null) {
            p = kafka.getProducer(Channels.AUDIT_OUT);
            if (p == null) {
                return false;
            }
            producer = p;
        }
        p.runOnSendingThread(drain)
                .subscribe()
                .with(
                        done -> {},
                        // the drain settles each event itself; this is the producer failing to start or run it
                        failure -> {
                            LOG.warnf("audit events could not be handed to the producer: %s", failure.getMessage());
                            notRun.run();
                        });
        return true;
    }
}
