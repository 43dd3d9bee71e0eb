package io.cxbridge.directory.consistency;

import io.cxbridge.common.audit.AuditEmitter;
import io.cxbridge.directory.cache.DirectoryCache;
import io.cxbridge.directory.cache.DirectoryFetcher;
import io.cxbridge.directory.config.DirectoryConfig;
import io.cxbridge.genesys.config.GenesysConfig;
import io.cxbridge.model.audit.AuditTypes;
import io.cxbridge.model.event.Ids;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.vertx.mutiny.redis.client.RedisAPI;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Runs the consistency check every {@code cxbridge.directory.consistency.interval} within the shared budget. */
@ApplicationScoped
public class ScheduledConsistencyCheck {

    private static final org.jboss.logging.Logger LOG =
            org.jboss.logging.Logger.getLogger(ScheduledConsistencyCheck.class);

    private final ConsistencyChecker checker;
    private final DirectoryConfig config;

    public ScheduledConsistencyCheck(
            DirectoryCache cache,
            DirectoryFetcher fetcher,
            AuditEmitter audit,
            DirectoryConfig config,
            GenesysConfig genesys,
            RedisAPI redis,
            Clock clock,
            MeterRegistry registry) {
        this.config = config;
        Duration window = config.consistency().window();
        int calls = config.consistency()
                .budget()
                .orElseGet(
                        () -> ConsistencyBudget.defaultCalls(genesys.rateLimit().perMinute(), window));
        ConsistencyBudget budget = new ConsistencyBudget(redis, config.redis().keyPrefix(), calls, window, clock);
        this.checker = new ConsistencyChecker(
                cache,
                fetcher,
                budget,
                clock,
                (cached, loaded) -> {
                    Map<String, Object> data = new LinkedHashMap<>();
                    data.put("directoryId", cached.directoryId());
                    data.put("cachedContentHash", cached.contentHash());
                    data.put("upstreamContentHash", loaded.contentHash());
                    data.put("cachedLoadedAt", cached.loadedAt().toString());
                    audit.emitObserved(audit.event(
                            AuditTypes.DIRECTORY_CONSISTENCY_MISMATCH, cached.directoryId(), Ids.newTraceId(), data));
                },
                registry);
        LOG.infof(
                "consistency check: every %s, at most %d Genesys calls per %s across replicas",
                config.consistency().interval(), calls, window);
    }

    /** Blocking on a worker thread; a slow pass makes the next one skip rather than overlap. */
    @Scheduled(
            every = "${cxbridge.directory.consistency.interval:60s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void run() {
        if (!config.consistency().enabled()) {
            return;
        }
        try {
            ConsistencyChecker.Result r = checker.checkAll().await().atMost(Duration.ofMinutes(5));
            if (r.mismatched() > 0 || r.failed() > 0) {
                LOG.infof(
                        "consistency check: %d directories checked, %d changed at Genesys (applied), %d failed, "
                                + "%d left for the next window",
                        r.checked(), r.mismatched(), r.failed(), r.deferred());
            }
        } catch (RuntimeException e) {
            LOG.warnf("consistency check did not finish: %s", e.getMessage());
        }
    }
}
