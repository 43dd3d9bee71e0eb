package io.cxbridge.common.redis;

import io.cxbridge.common.health.Dependency;
import io.cxbridge.common.health.DependencyChange;
import io.cxbridge.common.messaging.ConsumerHolds;
import io.cxbridge.common.service.ServiceConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.RedisAPI;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Detects that Redis lost its data and has it repaired. The service writes an epoch marker
 * {@code cxbridge:epoch:{<service>}} (no expiry) and reads it every {@code cxbridge.service.redis.epoch-check-interval}
 * and on every Redis reconnect:
 * <ul>
 * <li>absent at start-up: a first start or a loss while the service was down (no way to tell): the
 * {@link RedisRebuild} hooks run, not counted;</li>
 * <li>absent later (Redis restarted empty, flushed): one error log, {@code cxbridge_redis_data_loss_total} + 1,
 * consumers held, the hooks run, then a new marker is written and work resumes;</li>
 * <li>another value than this instance wrote: another instance already repaired a loss; counted, adopted.</li>
 * </ul>
 * The marker is written only after every hook succeeded, so a crash mid-rebuild rebuilds again on the next start.
 * On a Redis Cluster there is one marker per master node ({@link RedisNodes}), all with the same value: a node that
 * restarted empty loses its marker and is detected like a whole Redis that did. A marker key new to this instance
 * after a topology change (a master added, slots moved) is written without a rebuild: its node's slots came with their
 * data. A finished rebuild fires {@link RedisRebuilt}.
 */
@ApplicationScoped
public class RedisEpoch {

    private static final Logger LOG = Logger.getLogger(RedisEpoch.class);

    private final RedisAPI redis;
    private final RedisNodes nodes;
    private final Instance<RedisRebuild> hooks;
    private final Event<RedisRebuilt> rebuilt;
    private final ConsumerHolds holds;
    private final ServiceConfig config;
    private final Counter losses;
    private final String key;
    private final AtomicBoolean checking = new AtomicBoolean();
    private volatile String epoch;
    /** The marker keys that held {@link #epoch} at the last check: one of them missing is a loss. */
    private volatile Set<String> markers = Set.of();

    private volatile boolean rebuilding;
    private volatile boolean stopping;

    public RedisEpoch(
            RedisAPI redis,
            RedisNodes nodes,
            Instance<RedisRebuild> hooks,
            Event<RedisRebuilt> rebuilt,
            ConsumerHolds holds,
            ServiceConfig config,
            MeterRegistry registry) {
        this.redis = redis;
        this.nodes = nodes;
        this.hooks = hooks;
        this.rebuilt = rebuilt;
        this.holds = holds;
        this.config = config;
        // The hash tag keeps the key in one slot of a Redis Cluster, like every other key of the service.
        this.key = nodes.baseKey();
        this.losses = Counter.builder("cxbridge.redis.data.loss")
                .description("Times this instance found Redis had lost its data (epoch marker missing or replaced)")
                .register(registry);
    }

    /**
     * True once the marker was found or written and no rebuild runs: the service may take new work. False until
     * the first check succeeded, so nothing is started on a Redis that may still need rebuilding.
     */
    public boolean open() {
        return epoch != null && !rebuilding;
    }

    public boolean rebuilding() {
        return rebuilding;
    }

    /** The marker's key on a standalone Redis, the first of them on a cluster (tests flush or delete it). */
    public String key() {
        return key;
    }

    public double losses() {
        return losses.count();
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
    }

    void onDependency(@Observes DependencyChange change) {
        if (change.dependency() == Dependency.REDIS && change.up()) {
            nodes.refresh(); // a reconnect may meet a changed cluster
            check();
        }
    }

    /** Reads the marker (skipped while a check or rebuild is still running); repairs a loss. */
    @Scheduled(
            every = "${cxbridge.service.redis.epoch-check-interval:2s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public void check() {
        if (stopping || !checking.compareAndSet(false, true)) {
            return;
        }
        nodes.keys()
                .chain(keys -> Multi.createFrom()
                        .iterable(keys)
                        .onItem()
                        .transformToUniAndConcatenate(k -> redis.get(k)
                                .map(r -> new Marker(k, r == null ? null : r.toString()))
                                .ifNoItem()
                                .after(config.redis().infoTimeout())
                                .fail())
                        .collect()
                        .asList())
                .chain(this::decide)
                .onTermination()
                .invoke(() -> checking.set(false))
                .subscribe()
                .with(x -> {}, e -> LOG.warnf("Redis epoch check: %s", e.toString()));
    }

    /** One marker key and the value it holds (null: absent). */
    private record Marker(String key, String value) {}

    private Uni<Void> decide(List<Marker> found) {
        String known = epoch;
        List<String> keys = found.stream().map(Marker::key).toList();
        List<String> missing =
                found.stream().filter(m -> m.value() == null).map(Marker::key).toList();
        Set<String> values =
                found.stream().map(Marker::value).filter(v -> v != null).collect(Collectors.toSet());
        if (missing.isEmpty()) {
            if (values.size() > 1) {
                // another instance is writing a new epoch to every node: settled by the next check
                return Uni.createFrom().voidItem();
            }
            String current = values.iterator().next();
            if (!current.equals(known)) {
                if (known != null) {
                    losses.increment();
                    LOG.errorf(
                            "Redis lost its data (epoch marker %s replaced by %s): another instance has rebuilt it",
                            known, current);
                }
                epoch = current; // first start with a marker present, or another instance rebuilt
            }
            markers = Set.copyOf(keys);
            return Uni.createFrom().voidItem();
        }
        boolean lost = missing.stream().anyMatch(markers::contains);
        if (known != null && !rebuilding && !lost && values.equals(Set.of(known))) {
            // Marker keys new to this instance (a master added, slots moved): their node's data came with its slots.
            LOG.infof("Redis epoch marker written on %d more node(s) after a topology change", missing.size());
            return Multi.createFrom()
                    .iterable(missing)
                    .onItem()
                    .transformToUniAndConcatenate(k -> redis.set(List.of(k, known)))
                    .collect()
                    .last()
                    .invoke(() -> markers = Set.copyOf(keys))
                    .replaceWithVoid();
        }
        if (rebuilding) {
            LOG.infof("Redis epoch marker still missing: retrying the rebuild");
        } else if (known != null) {
            rebuilding = true; // before the count: whoever sees the loss counted sees the rebuild running too
            losses.increment();
            LOG.errorf(
                    hooks.isUnsatisfied()
                            ? "Redis lost its data (epoch marker %s missing at %s): what this service kept there is "
                                    + "gone (caches, idempotency records) and is not rebuilt"
                            : "Redis lost its data (epoch marker %s missing at %s): holding intake and rebuilding "
                                    + "from the system of record",
                    known,
                    missing);
        } else {
            LOG.infof(
                    "no Redis epoch marker at %s: a first start or Redis emptied while this service was down; "
                            + "rebuilding",
                    missing);
        }
        return rebuild(keys);
    }

    private Uni<Void> rebuild(List<String> keys) {
        rebuilding = true;
        holds.setAll(ConsumerHolds.REBUILD, true, "Redis is being rebuilt");
        List<RedisRebuild> all = hooks.stream().toList();
        long t0 = System.nanoTime();
        String next = UUID.randomUUID().toString();
        return Multi.createFrom()
                .iterable(all)
                .onItem()
                .transformToUniAndConcatenate(h -> h.rebuild()
                        .invoke(() -> LOG.infof("rebuilt %s in Redis", h.name()))
                        .onFailure()
                        .invoke(e -> LOG.warnf("rebuilding %s: %s; retried on the next check", h.name(), e.toString())))
                .collect()
                .last()
                .chain(() -> Multi.createFrom()
                        .iterable(keys)
                        .onItem()
                        .transformToUniAndConcatenate(k -> redis.set(List.of(k, next)))
                        .collect()
                        .last())
                .invoke(() -> {
                    epoch = next;
                    markers = Set.copyOf(keys);
                    rebuilding = false;
                    holds.setAll(ConsumerHolds.REBUILD, false, null);
                    LOG.infof(
                            "Redis rebuilt (%d hooks, %d ms); epoch %s",
                            all.size(), (System.nanoTime() - t0) / 1_000_000, next);
                    rebuilt.fire(new RedisRebuilt(next));
                })
                .replaceWithVoid();
    }
}
