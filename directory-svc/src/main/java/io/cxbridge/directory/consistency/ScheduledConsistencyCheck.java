package io.cxbridge.directory.consistency;

import io.cxbridge.common.audit.AuditEmitter;
import io.cxbridge.model.event.Ids;
import io.cxbridge.directory.cache.DirectoryCache;
import io.cxbridge.directory.cache.DirectoryFetcher;
import io.cxbridge.directory.config.DirectoryConfig;
import io.cxbridge.model.audit.AuditTypes;
import io.quarkus.scheduler.Scheduled;
import java.time.Duration;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;

/** Runs the consistency check every {@code cxbridge.directory.consistency.interval} (60 s). */
@ApplicationScoped
public class ScheduledConsistencyCheck {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(ScheduledConsistencyCheck.class);

    private final ConsistencyChecker checker;
    private final DirectoryConfig config;

    public ScheduledConsistencyCheck(DirectoryCache cache, DirectoryFetcher fetcher, AuditEmitter audit,
                                     DirectoryConfig config) {
        this.config = config;
        this.checker = new ConsistencyChecker(cache, fetcher, (cached, upstream) -> {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("directoryId", cached.directoryId());
            data.put("cachedLastModified", cached.lastModified().toString());
            data.put("upstreamLastModified", upstream.toString());
            data.put("cachedContentHash", cached.contentHash());
            audit.emitObserved(audit.event(AuditTypes.DIRECTORY_CONSISTENCY_MISMATCH, cached.directoryId(),
                    Ids.newTraceId(), data));
        });
    }

    /** Blocking on a worker thread; a slow pass makes the next one skip rather than overlap. */
    @Scheduled(every = "${cxbridge.directory.consistency.interval:60s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void run() {
        if (!config.consistency().enabled()) {
            return;
        }
        try {
            ConsistencyChecker.Result r = checker.checkAll().await().atMost(Duration.ofMinutes(5));
            if (r.mismatched() > 0 || r.failed() > 0) {
                LOG.infof("consistency check: %d directories checked, %d changed at Genesys (reloaded), %d not checked",
                        r.checked(), r.mismatched(), r.failed());
            }
        } catch (RuntimeException e) {
            LOG.warnf("consistency check did not finish: %s", e.getMessage());
        }
    }
}
