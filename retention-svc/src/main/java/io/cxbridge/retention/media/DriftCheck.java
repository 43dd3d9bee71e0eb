package io.cxbridge.retention.media;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.common.audit.AuditEmitter;
import io.cxbridge.model.audit.AuditTypes;
import io.cxbridge.model.event.Ids;
import io.cxbridge.retention.config.RetentionConfig;
import io.cxbridge.retention.webhook.RetentionWebhook;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Compares the last applied media retention policies (the journal's {@code policy-set} entries) with what Genesys
 * holds: a policy deleted, or changed in a compared field, is drift. {@link #check()} only reports; the scheduled
 * {@link #checkAndNotify()} (every {@code drift.interval}, default hourly, its Genesys calls in the shared rate
 * budget) also emits {@code io.cxbridge.retention.drift-detected} per drifted policy, counts
 * {@code cxbridge_retention_drift_detected_total{change}} and calls the webhook, on every check that finds it.
 */
@ApplicationScoped
@io.quarkus.runtime.Startup // its counters exist from start-up, not from the first check
public class DriftCheck {

    private static final Logger LOG = Logger.getLogger(DriftCheck.class);
    public static final String CHANGED = "changed";
    public static final String DELETED = "deleted";

    private final AppliedPolicies applied;
    private final MediaRetentionUpstream upstream;
    private final AuditEmitter audit;
    private final RetentionWebhook webhook;
    private final MeterRegistry registry;
    private final RetentionConfig config;
    private final Clock clock;
    private final AtomicReference<Uni<Map<String, Object>>> running = new AtomicReference<>();

    public DriftCheck(
            AppliedPolicies applied,
            MediaRetentionUpstream upstream,
            AuditEmitter audit,
            RetentionWebhook webhook,
            MeterRegistry registry,
            RetentionConfig config,
            Clock clock) {
        this.applied = applied;
        this.upstream = upstream;
        this.audit = audit;
        this.webhook = webhook;
        this.registry = registry;
        this.config = config;
        this.clock = clock;
        // Both series exist from start-up at 0: the drift alert's increase() sees the first drift.
        for (String change : List.of(CHANGED, DELETED)) {
            registry.counter("cxbridge.retention.drift.detected", "change", change);
        }
    }

    /**
     * {@code {checkedAt, applied, drifted: [{name, policyId, change: changed|deleted, diff}]}}. A check asked for
     * while one runs gets that one's answer: each reads the whole journal topic and lists every policy from Genesys,
     * so callers at once must not multiply that.
     */
    public Uni<Map<String, Object>> check() {
        return Uni.createFrom().deferred(() -> {
            Uni<Map<String, Object>> current = running.get();
            if (current != null) {
                return current;
            }
            AtomicReference<Uni<Map<String, Object>>> self = new AtomicReference<>();
            Uni<Map<String, Object>> shared = checkNow()
                    .onTermination()
                    .invoke(() -> running.compareAndSet(self.get(), null))
                    .memoize()
                    .indefinitely();
            self.set(shared);
            Uni<Map<String, Object>> other = running.compareAndExchange(null, shared);
            return other != null ? other : shared;
        });
    }

    private Uni<Map<String, Object>> checkNow() {
        return applied.read()
                .chain(set -> upstream.list().map(existing -> {
                    Map<String, JsonNode> byId = new LinkedHashMap<>();
                    existing.forEach(p -> byId.put(p.path("id").asText(), p));
                    List<Map<String, Object>> drifted = new ArrayList<>();
                    set.forEach((name, entry) -> {
                        String id = entry.path("policyId").asText();
                        JsonNode now = byId.get(id);
                        Map<String, Object> d = new LinkedHashMap<>();
                        d.put("name", name);
                        d.put("policyId", id);
                        if (now == null) {
                            d.put("change", DELETED);
                            d.put("diff", List.of());
                            drifted.add(d);
                            return;
                        }
                        List<PolicyDiff.Change> diff = PolicyDiff.diff(entry.path("policy"), now);
                        if (!diff.isEmpty()) {
                            d.put("change", CHANGED);
                            d.put("diff", diff);
                            drifted.add(d);
                        }
                    });
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("target", MediaTargets.MEDIA_RETENTION);
                    out.put("checkedAt", clock.instant().toString());
                    out.put("applied", set.size());
                    out.put("drifted", drifted);
                    return out;
                }));
    }

    /** Checks, then emits the audit events, the metric and the webhook when anything drifted. */
    @SuppressWarnings("unchecked")
    public Uni<Map<String, Object>> checkAndNotify() {
        return check().call(report -> {
            List<Map<String, Object>> drifted = (List<Map<String, Object>>) report.get("drifted");
            if (drifted.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            LOG.warnf(
                    "media retention drift: %d of %d applied policies changed or deleted outside cxbridge",
                    drifted.size(), report.get("applied"));
            String traceId = Ids.newTraceId();
            Uni<Void> events = Uni.createFrom().voidItem();
            for (Map<String, Object> d : drifted) {
                Map<String, Object> data = new LinkedHashMap<>(d);
                data.put("target", MediaTargets.MEDIA_RETENTION);
                data.put("checkedAt", report.get("checkedAt"));
                events = events.chain(() ->
                        audit.emit(AuditTypes.RETENTION_DRIFT_DETECTED, (String) d.get("policyId"), traceId, data));
                registry.counter("cxbridge.retention.drift.detected", "change", (String) d.get("change"))
                        .increment();
            }
            return events.invoke(() -> webhook.notifyDrift(
                    MediaTargets.MEDIA_RETENTION, ((Number) report.get("applied")).intValue(), drifted, traceId));
        });
    }

    @Scheduled(
            every = "${cxbridge.retention.drift.interval:1h}",
            delayed = "${cxbridge.retention.drift.interval:1h}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        if (!config.drift().enabled() || !config.targets().contains(MediaTargets.MEDIA_RETENTION)) {
            return Uni.createFrom().voidItem();
        }
        return checkAndNotify()
                .onFailure()
                .invoke(f -> LOG.warnf("media retention drift check did not finish: %s", f.getMessage()))
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }
}
