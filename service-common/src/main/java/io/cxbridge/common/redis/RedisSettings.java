package io.cxbridge.common.redis;

import io.cxbridge.common.service.ServiceConfig;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.RedisAPI;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.LinkedHashMap;
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
 * the {@code dependencies} check's business, so it does not fail this one.
 */
@Readiness
@ApplicationScoped
public class RedisSettings implements AsyncHealthCheck {

    private static final Logger LOG = Logger.getLogger(RedisSettings.class);

    static final String NOEVICTION = "noeviction";

    private final RedisAPI redis;
    private final ServiceConfig config;
    private final AtomicBoolean unknownReported = new AtomicBoolean();
    private final AtomicBoolean noAofReported = new AtomicBoolean();
    private final AtomicBoolean evictingReported = new AtomicBoolean();

    public RedisSettings(RedisAPI redis, ServiceConfig config) {
        this.redis = redis;
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

    /** Reads both sections, logs what needs saying (once per finding), never fails. */
    public Uni<Found> read() {
        Uni<Map<String, String>> persistence = info("persistence");
        Uni<Map<String, String>> memory = info("memory");
        return Uni.combine()
                .all()
                .unis(persistence, memory)
                .asTuple()
                .map(t -> found(t.getItem1(), t.getItem2()))
                .onFailure()
                .recoverWithItem(e -> {
                    if (isRefused(e)) {
                        return found(Map.of(), Map.of());
                    }
                    return new Found(Optional.empty(), Optional.empty(), false);
                });
    }

    private Found found(Map<String, String> persistence, Map<String, String> memory) {
        Optional<Boolean> aof =
                Optional.ofNullable(persistence.get("aof_enabled")).map("1"::equals);
        Optional<String> policy = Optional.ofNullable(memory.get("maxmemory_policy"));
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

    private Uni<Map<String, String>> info(String section) {
        return redis.info(List.of(section))
                .ifNoItem()
                .after(config.redis().infoTimeout())
                .fail()
                .map(r -> parse(r == null ? "" : r.toString()));
    }

    /** {@code INFO} answers {@code field:value} lines, with {@code # Section} headers. */
    static Map<String, String> parse(String info) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : info.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (!line.startsWith("#") && colon > 0) {
                out.put(
                        line.substring(0, colon).trim(),
                        line.substring(colon + 1).trim());
            }
        }
        return out;
    }

    /** An error reply (a managed Redis that disables INFO) rather than no connection. */
    private static boolean isRefused(Throwable e) {
        String m = e.getMessage();
        return m != null && (m.startsWith("ERR") || m.startsWith("NOPERM") || m.contains("unknown command"));
    }
}
