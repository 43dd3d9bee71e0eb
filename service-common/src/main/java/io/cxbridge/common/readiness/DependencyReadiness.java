package io.cxbridge.common.readiness;

import io.cxbridge.common.health.Dependency;
import io.cxbridge.common.health.DependencyMonitor;
import io.cxbridge.common.messaging.ConsumerHolds;
import io.cxbridge.common.redis.RedisEpoch;
import io.cxbridge.common.service.ServiceConfig;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * The readiness rule. It lives apart from {@code health} because it reads the Redis epoch and the consumer
 * holds, both of which listen to {@code health}'s dependency changes (keeping it there made a package cycle).
 * Each dependency is reported as {@code up}, or when lost as
 * {@code degraded} (a service that still serves without it) or {@code down} (one that does not). A service that
 * does not serve without its dependencies is also not ready while its Redis state is being rebuilt; held consumers
 * are listed.
 */
@Readiness
@ApplicationScoped
public class DependencyReadiness implements HealthCheck {

    private final DependencyMonitor monitor;
    private final ServiceConfig config;
    private final RedisEpoch epoch;
    private final ConsumerHolds holds;

    public DependencyReadiness(DependencyMonitor monitor, ServiceConfig config, RedisEpoch epoch, ConsumerHolds holds) {
        this.monitor = monitor;
        this.config = config;
        this.epoch = epoch;
        this.holds = holds;
    }

    @Override
    public HealthCheckResponse call() {
        boolean tolerantOfAll = config.health().readyWithoutDependencies();
        java.util.List<String> tolerated = config.health().readyWithout().orElse(java.util.List.of());
        boolean ready = true;
        HealthCheckResponseBuilder builder = HealthCheckResponse.named("dependencies");
        for (Dependency d : Dependency.values()) {
            boolean up = monitor.isUp(d);
            boolean tolerant = tolerantOfAll || tolerated.contains(d.id());
            builder.withData(d.id(), up ? "up" : tolerant ? "degraded" : "down");
            ready &= up || tolerant;
        }
        if (epoch.rebuilding()) {
            builder.withData("redis-state", "rebuilding");
            // serving without Redis is what a service tolerant of losing Redis does while its state comes back
            ready &= tolerantOfAll || tolerated.contains(Dependency.REDIS.id());
        }
        holds.holds().forEach((channel, names) -> builder.withData("held:" + channel, String.join(",", names)));
        return builder.status(ready).build();
    }
}
