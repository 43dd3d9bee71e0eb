package io.cxbridge.common.health;

import io.cxbridge.common.kafka.KafkaAdmin;
import io.cxbridge.common.service.ServiceConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import java.util.EnumMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Probes Kafka and Redis on a schedule, off the request path, so health checks and metrics read a
 * recent answer instead of waiting on a dead host. Gauge {@code cxbridge_dependency_up{dependency}}:
 * 1 reachable, 0 lost (degraded for gateway and directory, not ready for the others).
 */
@ApplicationScoped
public class DependencyMonitor {

    private static final Logger LOG = Logger.getLogger(DependencyMonitor.class);

    private final KafkaAdmin kafka;
    private final ReactiveRedisDataSource redis;
    private final ServiceConfig config;
    private final Event<DependencyChange> changes;
    private final Map<Dependency, Boolean> up = new EnumMap<>(Dependency.class);
    private volatile boolean stopping;

    public DependencyMonitor(
            KafkaAdmin kafka,
            ReactiveRedisDataSource redis,
            ServiceConfig config,
            MeterRegistry registry,
            Event<DependencyChange> changes) {
        this.kafka = kafka;
        this.changes = changes;
        this.redis = redis;
        this.config = config;
        for (Dependency d : Dependency.values()) {
            up.put(d, false);
            Gauge.builder("cxbridge.dependency.up", this, m -> m.isUp(d) ? 1 : 0)
                    .description("1 while the dependency answers, 0 while it is lost")
                    .tag("dependency", d.id())
                    .register(registry);
        }
    }

    void onStart(@Observes StartupEvent event) {
        probe();
    }

    // Clients close during shutdown: a probe then would report a healthy dependency as lost.
    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
    }

    @Scheduled(
            every = "${cxbridge.service.health.check-interval:2s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void probe() {
        if (stopping) {
            return;
        }
        record(Dependency.KAFKA, kafka.reachable(config.health().probeTimeout()));
        record(Dependency.REDIS, redisAnswers());
    }

    public synchronized boolean isUp(Dependency dependency) {
        return up.get(dependency);
    }

    private boolean redisAnswers() {
        try {
            redis.execute("PING").await().atMost(config.health().probeTimeout());
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private void record(Dependency dependency, boolean reachable) {
        boolean changed;
        synchronized (this) {
            if (stopping) {
                return;
            }
            Boolean before = up.put(dependency, reachable);
            changed = before != reachable;
        }
        if (changed) {
            if (reachable) {
                LOG.infof("%s is reachable", dependency.id());
            } else {
                LOG.warnf("%s is unreachable", dependency.id());
            }
            // Observers (the Redis epoch check, consumer holds) react at once instead of on their next tick.
            changes.fire(new DependencyChange(dependency, reachable));
        }
    }
}
