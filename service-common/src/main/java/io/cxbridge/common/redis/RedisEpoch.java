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
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
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
 */
@ApplicationScoped
public class RedisEpoch {

    private static final Logger LOG = Logger.getLogger(RedisEpoch.class);

    private final RedisAPI redis;
    private final Instance<RedisRebuild> hooks;
    private final ConsumerHolds holds;
    private final ServiceConfig config;
    private final Counter losses;
    private final String key;
    private final AtomicBoolean checking = new AtomicBoolean();
    private volatile String epoch;
    private volatile boolean rebuilding;
    private volatile boolean stopping;

    public RedisEpoch(
            RedisAPI redis,
            Instance<RedisRebuild> hooks,
            ConsumerHolds holds,
            ServiceConfig config,
            MeterRegistry registry) {
        this.redis = redis;
        this.hooks = hooks;
        this.holds = holds;
        this.config = config;
        // The hash tag keeps the key in one slot of a Redis Cluster, like every other key of the service.
        this.key = "cxbridge:epoch:{" + config.name() + "}";
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

    /** The marker's key (tests flush or delete it). */
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
        Uni.createFrom()
                .deferred(() -> redis.get(key))
                .ifNoItem()
                .after(config.redis().infoTimeout())
                .fail()
                .chain(found -> {
                    String current = found == null ? null : found.toString();
                    String known = epoch;
                    if (current != null && current.equals(known)) {
                        return Uni.createFrom().voidItem();
                    }
                    if (current != null) {
                        if (known != null) {
                            losses.increment();
                            LOG.errorf(
                                    "Redis lost its data (epoch marker %s replaced by %s): another instance has "
                                            + "rebuilt it",
                                    known, current);
                        }
                        epoch = current; // first start with a marker present, or another instance rebuilt
                        return Uni.createFrom().voidItem();
                    }
                    if (rebuilding) {
                        LOG.infof("Redis epoch marker still missing: retrying the rebuild");
                    } else if (known != null) {
                        losses.increment();
                        LOG.errorf(
                                hooks.isUnsatisfied()
                                        ? "Redis lost its data (epoch marker %s missing): what this service kept there is gone "
                                                + "(caches, idempotency records) and is not rebuilt"
                                        : "Redis lost its data (epoch marker %s missing): holding intake and rebuilding from "
                                                + "the system of record",
                                known);
                    } else {
                        LOG.infof(
                                "no Redis epoch marker at %s: a first start or Redis emptied while this service "
                                        + "was down; rebuilding",
                                key);
                    }
                    return rebuild();
                })
                .onTermination()
                .invoke(() -> checking.set(false))
                .subscribe()
                .with(x -> {}, e -> LOG.warnf("Redis epoch check: %s", e.toString()));
    }

    private Uni<Void> rebuild() {
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
                .chain(() -> redis.set(List.of(key, next)))
                .invoke(() -> {
                    epoch = next;
                    rebuilding = false;
                    holds.setAll(ConsumerHolds.REBUILD, false, null);
                    LOG.infof(
                            "Redis rebuilt (%d hooks, %d ms); epoch %s",
                            all.size(), (System.nanoTime() - t0) / 1_000_000, next);
                })
                .replaceWithVoid();
    }
}
