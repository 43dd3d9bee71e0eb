package io.cxbridge.retry.worker;

import io.cxbridge.model.Channels;
import io.cxbridge.retry.metrics.RetryMetrics;
import io.smallrye.reactive.messaging.ChannelRegistry;
import io.smallrye.reactive.messaging.PausableChannel;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Pauses and resumes the failed-runs consumer (a pausable channel): paused, no new record is taken from Kafka, the
 * backlog waits there uncommitted, and consumer lag grows (a metric).
 */
@ApplicationScoped
public class Intake {

    private static final Logger LOG = Logger.getLogger(Intake.class);

    private final ChannelRegistry registry;
    private final RetryMetrics metrics;

    public Intake(ChannelRegistry registry, RetryMetrics metrics) {
        this.registry = registry;
        this.metrics = metrics;
    }

    /** Pauses ({@code true}) or resumes the consumer; nothing when it already is so. */
    public void paused(boolean paused, String why) {
        PausableChannel channel = registry.getPausable(Channels.FAILED_RUNS_IN);
        if (channel == null) {
            return;
        }
        if (paused && !channel.isPaused()) {
            channel.pause();
            LOG.warnf("intake paused: %s", why);
        } else if (!paused && channel.isPaused()) {
            channel.resume();
            LOG.infof("intake resumed: %s", why);
        }
        metrics.intakePaused(channel.isPaused());
    }

    public boolean isPaused() {
        PausableChannel channel = registry.getPausable(Channels.FAILED_RUNS_IN);
        return channel != null && channel.isPaused();
    }
}
