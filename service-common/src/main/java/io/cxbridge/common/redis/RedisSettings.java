package io.cxbridge.common.redis;

import io.cxbridge.common.service.ServiceConfig;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/**
 * Checks that Redis keeps what it is given, for services with {@code cxbridge.service.redis.require-durable=true}:
 * {@code INFO persistence} ({@code aof_enabled}) and {@code INFO memory} ({@code maxmemory_policy}) are read at
 * start-up and on each readiness probe. A policy other than {@code noeviction} makes the service not ready (it
 * would silently lose runs and marks); no AOF is a warning (the journal makes it safe, only slower to recover); a
 * managed Redis that refuses INFO or hides a field is reported once as unknown and accepted. An unreachable Redis is
 * the {@code dependencies} check's business, so it does not fail this one. On a Redis Cluster every master node is read
 * ({@link RedisNodes}): one node that evicts makes the service not ready, one without AOF is warned about.
 */
@Readiness
@ApplicationScoped
public class RedisSettings implements AsyncHealthCheck {

    private static final Logger LOG = Logger.getLogger(RedisSettings.class);

    static final String NOEVICTION = "noeviction";

    private final RedisNodes nodes;
    private final ServiceConfig config;
    private final AtomicBoolean unknownReported = new AtomicBoolean();
    private final AtomicBoolean noAofReported = new AtomicBoolean();
    private final AtomicBoolean evictingReported = new AtomicBoolean();

    public RedisSettings(RedisNodes nodes, ServiceConfig config) {
        this.nodes = nodes;
        this.config = config;
    }

    /** What the last read found; a field is empty when Redis does not tell. */
    public record Found(Optional<Boolean> aof, Optional<String> maxmemoryPolicy, boolean reachable) {

        public boolean evicting() {
            return maxmemoryPolicy.map(p -> !NOEVICTION.equals(p)).orElse(false);
        }
    }

    void onStart(@Observes StartupEvent event) {
        if (config.redis().requireDurable()) {
            read().subscribe().with(x -> {}, e -> {});
        }
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        if (!config.redis().requireDurable()) {
            return Uni.createFrom()
                    .item(HealthCheckResponse.named("redis-settings")
                            .up()
                            .withData("checked", false)
                            .build());
        }
        return read().map(RedisSettings::response);
    }

    static HealthCheckResponse response(Found f) {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("redis-settings");
        b.withData("maxmemory-policy", f.reachable() ? f.maxmemoryPolicy().orElse("unknown") : "unreachable");
        b.withData(
                "appendonly", f.reachable() ? f.aof().map(a -> a ? "yes" : "no").orElse("unknown") : "unreachable");
        if (f.evicting()) {
            b.withData(
                    "reason",
                    "Redis maxmemory-policy is " + f.maxmemoryPolicy().get()
                            + ": it may evict run state; set maxmemory-policy noeviction");
        }
        return b.status(!f.evicting()).build();
    }

    /** Reads both sections of every master node, logs what needs saying (once per finding), never fails. */
    public Uni<Found> read() {
        Uni<List<Map<String, String>>> persistence = nodes.info("persistence");
        Uni<List<Map<String, String>>> memory = nodes.info("memory");
        return Uni.combine()
                .all()
                .unis(persistence, memory)
                .asTuple()
                .map(t -> found(t.getItem1(), t.getItem2()))
                .onFailure()
                .recoverWithItem(e -> {
                    if (RedisNodes.isRefused(e)) {
                        return found(List.of(Map.of()), List.of(Map.of()));
                    }
                    return new Found(Optional.empty(), Optional.empty(), false);
                });
    }

    /**
     * The settings of all nodes as one: a node without AOF, else unknown when a node does not tell; the first evicting policy found, else
     * unknown when a node does not tell, else {@code noeviction}.
     */
    private Found found(List<Map<String, String>> persistence, List<Map<String, String>> memory) {
        Optional<Boolean> aof = Optional.of(true);
        for (Map<String, String> node : persistence) {
            Optional<Boolean> one = Optional.ofNullable(node.get("aof_enabled")).map("1"::equals);
            if (one.isPresent() && !one.get()) {
                aof = one;
                break;
            }
            if (one.isEmpty()) {
                aof = Optional.empty();
            }
        }
        Optional<String> policy = Optional.of(NOEVICTION);
        for (Map<String, String> node : memory) {
            Optional<String> one = Optional.ofNullable(node.get("maxmemory_policy"));
            if (one.isPresent() && !NOEVICTION.equals(one.get())) {
                policy = one;
                break;
            }
            if (one.isEmpty()) {
                policy = Optional.empty();
            }
        }
        return report(aof, policy);
    }

    private Found report(Optional<Boolean> aof, Optional<String> policy) {
        Found f = new Found(aof, policy, true);
        if ((aof.isEmpty() || policy.isEmpty()) && unknownReported.compareAndSet(false, true)) {
            LOG.warnf(
                    "Redis does not tell its %s (a managed Redis?): accepted as unknown; make sure it keeps data "
                            + "(AOF) and never evicts (maxmemory-policy noeviction)",
                    aof.isEmpty() && policy.isEmpty()
                            ? "persistence and memory settings"
                            : aof.isEmpty() ? "persistence settings" : "maxmemory-policy");
        }
        if (aof.isPresent() && !aof.get() && noAofReported.compareAndSet(false, true)) {
            LOG.warn("Redis runs without AOF (appendonly no): a restart loses its data; the service rebuilds it "
                    + "from Kafka, which is safe but slower to recover. Set appendonly yes");
        }
        if (f.evicting()) {
            if (evictingReported.compareAndSet(false, true)) {
                LOG.errorf(
                        "Redis maxmemory-policy is %s: it may evict state this service cannot lose; not ready "
                                + "until it is noeviction",
                        policy.get());
            }
        } else {
            evictingReported.set(false);
        }
        return f;
    }
}
