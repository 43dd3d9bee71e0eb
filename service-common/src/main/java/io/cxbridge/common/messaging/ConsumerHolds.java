package io.cxbridge.common.messaging;

import io.cxbridge.common.health.Dependency;
import io.cxbridge.common.health.DependencyChange;
import io.cxbridge.common.health.DependencyMonitor;
import io.cxbridge.common.service.ServiceConfig;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.ChannelRegistry;
import io.smallrye.reactive.messaging.PausableChannel;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * Pauses fetching on a service's incoming channels while it cannot make progress, and resumes them by itself.
 * A channel is paused while it has at least one hold; each hold has a name, so independent reasons (Redis away,
 * Kafka away, a Redis rebuild, a service's own breaker) never resume a channel another reason still holds.
 * <p>
 * The channels listed in {@code cxbridge.service.consumers} are held automatically while Kafka or Redis is lost
 * (holds {@code kafka}, {@code redis}) and while a Redis rebuild runs ({@code rebuild}). A paused consumer stops
 * fetching, so the records waiting are only the few already fetched: with the consumer retrying its in-flight record
 * until the dependency answers, no record reaches the connector's {@code throttled.unprocessed-record-max-age.ms}
 * for an outage shorter than that age (raised to 10 min in the shared defaults); a longer one fails the channel and
 * liveness goes DOWN, so the process is restarted and the uncommitted records are fetched again.
 * A channel must be {@code pausable=true}.
 */
@ApplicationScoped
public class ConsumerHolds {

    private static final Logger LOG = Logger.getLogger(ConsumerHolds.class);

    public static final String KAFKA = "kafka";
    public static final String REDIS = "redis";
    public static final String REBUILD = "rebuild";

    private final ChannelRegistry registry;
    private final DependencyMonitor monitor;
    private final List<String> consumers;
    /** channel -> hold name -> why. */
    private final Map<String, Map<String, String>> holds = new HashMap<>();

    public ConsumerHolds(ChannelRegistry registry, DependencyMonitor monitor, ServiceConfig config) {
        this.registry = registry;
        this.monitor = monitor;
        this.consumers = config.consumers().orElse(List.of());
    }

    /** Pauses {@code channel} under the hold {@code name} (no effect when that hold is already there). */
    public void hold(String channel, String name, String why) {
        boolean pausedNow;
        synchronized (this) {
            Map<String, String> h = holds.computeIfAbsent(channel, c -> new TreeMap<>());
            boolean first = h.isEmpty();
            if (h.putIfAbsent(name, why) != null) {
                return;
            }
            pausedNow = first;
        }
        LOG.warnf("consumer %s held (%s): %s", channel, name, why);
        if (pausedNow) {
            apply(channel, true);
        }
    }

    /** Removes the hold {@code name}; the channel resumes when it was the last one. */
    public void release(String channel, String name) {
        boolean resume;
        synchronized (this) {
            Map<String, String> h = holds.get(channel);
            if (h == null || h.remove(name) == null) {
                return;
            }
            resume = h.isEmpty();
        }
        LOG.infof("consumer %s released (%s)%s", channel, name, resume ? ": resuming" : "");
        if (resume) {
            apply(channel, false);
        }
    }

    /** Holds or releases, as {@code held} says. */
    public void set(String channel, String name, boolean held, String why) {
        if (held) {
            hold(channel, name, why);
        } else {
            release(channel, name);
        }
    }

    /** Holds or releases every channel of {@code cxbridge.service.consumers}. */
    public void setAll(String name, boolean held, String why) {
        for (String channel : consumers) {
            set(channel, name, held, why);
        }
    }

    public synchronized boolean held(String channel) {
        Map<String, String> h = holds.get(channel);
        return h != null && !h.isEmpty();
    }

    /** The holds of every channel (for health data and logs). */
    public synchronized Map<String, List<String>> holds() {
        Map<String, List<String>> out = new TreeMap<>();
        holds.forEach((c, h) -> {
            if (!h.isEmpty()) {
                out.put(c, List.copyOf(h.keySet()));
            }
        });
        return out;
    }

    void onDependency(@Observes DependencyChange change) {
        setAll(
                change.dependency() == Dependency.KAFKA ? KAFKA : REDIS,
                !change.up(),
                change.dependency().id() + " is unreachable");
    }

    void onStart(@Observes StartupEvent event) {
        sync();
    }

    /**
     * Re-applies the holds: a channel subscribes after start-up, and the connector may resume a paused consumer on
     * a rebalance, so the wanted state is enforced on a schedule too.
     */
    @Scheduled(
            every = "${cxbridge.service.health.check-interval:2s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sync() {
        setAll(KAFKA, !monitor.isUp(Dependency.KAFKA), "kafka is unreachable");
        setAll(REDIS, !monitor.isUp(Dependency.REDIS), "redis is unreachable");
        for (String channel : consumers) {
            apply(channel, held(channel));
        }
    }

    private void apply(String channel, boolean pause) {
        PausableChannel pausable = registry.getPausable(channel);
        if (pausable == null) {
            return; // not subscribed yet, or not pausable: sync() applies it later
        }
        if (pause && !pausable.isPaused()) {
            pausable.pause();
        } else if (!pause && pausable.isPaused() && !held(channel)) {
            pausable.resume();
        }
    }
}
