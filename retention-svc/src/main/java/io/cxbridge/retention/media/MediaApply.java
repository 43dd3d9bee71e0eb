package io.cxbridge.retention.media;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxbridge.common.audit.AuditEmitter;
import io.cxbridge.common.messaging.InfrastructureRetry;
import io.cxbridge.genesys.http.GenesysResponse;
import io.cxbridge.genesys.redaction.Redactor;
import io.cxbridge.model.Json;
import io.cxbridge.model.audit.AuditTypes;
import io.cxbridge.retention.config.RetentionConfig;
import io.cxbridge.retention.report.RetentionReport;
import io.cxbridge.retention.state.RequestJournal;
import io.cxbridge.retention.state.RequestRecord;
import io.cxbridge.retention.state.RequestState;
import io.cxbridge.retention.state.RequestStore;
import io.cxbridge.retention.webhook.RetentionWebhook;
import io.cxbridge.retention.worker.RetentionUpstream;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Executes a {@link MediaPlan}: one request per write (create → POST, update → PUT, delete → DELETE, synchronous
 * at Genesys), each followed in the request-state API from {@code queued} to {@code deployed} or {@code failed},
 * with the audit event ({@code io.cxbridge.retention.deployed|failed}), the report counters and the webhook the
 * seed target has. A {@code conflict} is refused; {@code unchanged} writes nothing. An applied policy is journaled
 * as the last applied set ({@code policy-set}) only after Genesys took it. Each write is kept in
 * {@link PendingWrites} until its end is recorded, so that {@link MediaRecovery} can end it if this process stops.
 */
@ApplicationScoped
public class MediaApply {

    private static final Logger LOG = Logger.getLogger(MediaApply.class);
    static final List<String> READ_ONLY = List.of("id", "selfUri", "createdDate", "modifiedDate", "policyErrors");

    private final MediaRetentionUpstream upstream;
    private final RequestStore store;
    private final RequestJournal journal;
    private final RetentionReport report;
    private final AuditEmitter audit;
    private final RetentionWebhook webhook;
    private final RetentionConfig config;
    private final Clock clock;
    private final Redactor redactor;
    private final InfrastructureRetry retry;
    private final PendingWrites pending;
    /** The requests this process is still to work or working; the recovery leaves these alone. */
    private final Set<String> working = ConcurrentHashMap.newKeySet();

    public MediaApply(
            MediaRetentionUpstream upstream,
            RequestStore store,
            RequestJournal journal,
            RetentionReport report,
            AuditEmitter audit,
            RetentionWebhook webhook,
            RetentionConfig config,
            Clock clock,
            Redactor redactor,
            InfrastructureRetry retry,
            PendingWrites pending) {
        this.pending = pending;
        this.redactor = redactor;
        this.retry = retry;
        this.upstream = upstream;
        this.store = store;
        this.journal = journal;
        this.report = report;
        this.audit = audit;
        this.webhook = webhook;
        this.config = config;
        this.clock = clock;
    }

    private record Work(MediaPlan.Entry entry, RequestRecord record) {}

    /**
     * Records a {@code queued} request per write and answers {@code [{name, action, requestId}]} (requestId null
     * where nothing is written); the writes then run one after another.
     */
    public Uni<List<Map<String, Object>>> apply(MediaPlan plan, String traceId) {
        List<Map<String, Object>> answer = new ArrayList<>();
        List<Work> work = new ArrayList<>();
        Uni<Void> queued = Uni.createFrom().voidItem();
        for (MediaPlan.Entry e : plan.policies()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", e.name());
            row.put("action", e.action());
            row.put("requestId", null);
            answer.add(row);
            if (e.action().equals(MediaPlan.CONFLICT)) {
                row.put("conflictsWith", e.conflictsWith());
                row.put(
                        "error",
                        "not applied: it overlaps an enabled policy not in the file with a different "
                                + "retention; add resolve: {replace: <policyId>} to replace that policy");
                continue;
            }
            if (!e.writes()) {
                continue;
            }
            String requestId = UUID.randomUUID().toString();
            row.put("requestId", requestId);
            RequestRecord record = RequestRecord.queued(requestId, e.objectType(), clock.instant());
            work.add(new Work(e, record));
            working.add(requestId);
            // pending first: an entry whose request was never created is dropped by the recovery, while a request
            // created without its entry could stay queued for ever after a stop
            PendingWrites.PendingWrite write = PendingWrites.PendingWrite.of(requestId, pending.instance(), traceId, e);
            queued = queued.chain(() -> pending.add(write))
                    .chain(() -> store.create(record))
                    .chain(report::submitted);
        }
        return queued
                // failed or cancelled (the client went away): the writes are not run here, so the recovery may end them
                .onTermination()
                .invoke((ok, failure, cancelled) -> {
                    if (failure != null || cancelled) {
                        work.forEach(w -> working.remove(w.record().requestId()));
                    }
                })
                .invoke(() -> run(work, traceId)
                        .subscribe()
                        .with(ok -> {}, f -> LOG.warnf("media retention apply stopped: %s", f.getMessage())))
                .replaceWith(answer);
    }

    private Uni<Void> run(List<Work> work, String traceId) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Work w : work) {
            chain = chain.chain(() -> execute(w.entry(), w.record(), traceId)
                    // Only a failure before Genesys took the write reaches this (after it, written() retries and
                    // never fails); fail() never fails either, so one entry never leaves the next ones unworked.
                    .onFailure()
                    .recoverWithUni(f -> fail(
                            w.entry(), w.record(), traceId, "Genesys could not be reached: " + f.getMessage(), null))
                    // ended, or given up on (logged): from here the recovery may end it
                    .eventually(() -> working.remove(w.record().requestId())));
        }
        return chain;
    }

    private Uni<Void> execute(MediaPlan.Entry e, RequestRecord record, String traceId) {
        RequestRecord submitted = record.to(RequestState.submitted, clock.instant());
        return retry.<Boolean>untilDone(
                        () -> "recording media retention request " + record.requestId(), () -> store.step(submitted))
                .chain(stepped -> {
                    if (!stepped) {
                        // ended meanwhile by another process's recovery (this one was taken as stopped): not written
                        LOG.warnf(
                                "media retention request %s (%s of %s) was ended elsewhere before it was written; "
                                        + "nothing is written",
                                record.requestId(), e.action(), e.name());
                        return Uni.createFrom().voidItem();
                    }
                    return write(e, submitted, traceId);
                });
    }

    private Uni<Void> write(MediaPlan.Entry e, RequestRecord submitted, String traceId) {
        return replace(e).chain(replacement -> {
            if (replacement != null && !replacement.ok() && replacement.status() != 404) {
                return fail(
                        e,
                        submitted,
                        traceId,
                        "the policy it replaces (" + e.replaces().id()
                                + ") could not be "
                                + (e.replaces().how().equals("delete") ? "deleted" : "disabled")
                                + ": HTTP " + replacement.status(),
                        null);
            }
            return switch (e.action()) {
                case MediaPlan.CREATE ->
                    upstream.create(e.body())
                            .chain(r -> written(
                                    e,
                                    submitted,
                                    traceId,
                                    r,
                                    r.ok()
                                            ? RetentionUpstream.readTree(r.bodyAsString())
                                                    .path("id")
                                                    .asText(null)
                                            : null));
                case MediaPlan.UPDATE ->
                    upstream.replace(e.policyId(), e.body())
                            .chain(r -> written(e, submitted, traceId, r, e.policyId()));
                default -> upstream.delete(e.policyId()).chain(r -> written(e, submitted, traceId, r, e.policyId()));
            };
        });
    }

    /** Disables (made by hand) or deletes (managed) the policy a {@code resolve: {replace}} names; null when none. */
    private Uni<GenesysResponse> replace(MediaPlan.Entry e) {
        MediaPlan.Replacement r = e.replaces();
        if (r == null) {
            return Uni.createFrom().nullItem();
        }
        if (r.how().equals("delete")) {
            return upstream.delete(r.id())
                    .call(answer -> answer.ok() || answer.status() == 404
                            // Genesys deleted it: the journal must learn it, whatever the wait
                            ? retry.untilDone(
                                    () -> "journaling the deletion of media retention policy " + r.name(),
                                    () -> journal.writePolicySet(r.name(), removed(r.name(), r.id())))
                            : Uni.createFrom().voidItem());
        }
        ObjectNode disabled = r.current().deepCopy();
        disabled.remove(READ_ONLY);
        disabled.put("enabled", false);
        return upstream.replace(r.id(), disabled);
    }

    private Uni<Void> written(
            MediaPlan.Entry e, RequestRecord record, String traceId, GenesysResponse r, String policyId) {
        boolean gone = e.action().equals(MediaPlan.DELETE) && r.status() == 404;
        if (!r.ok() && !gone) {
            return fail(
                    e,
                    record,
                    traceId,
                    "Genesys refused the " + e.action() + ": HTTP " + r.status() + " "
                            + RetentionUpstream.message(r, redactor),
                    policyId);
        }
        if (policyId == null) {
            return fail(e, record, traceId, "Genesys answered the create without a policy id", null);
        }
        RequestRecord done = record.withPolicy(policyId).to(RequestState.deployed, clock.instant());
        // Genesys holds the write: journaling and finishing are retried until done (a Kafka or Redis blip must not
        // record it failed without its policy id, which would hide the policy from the plan and the drift check),
        // and a failure no wait can mend is logged here rather than turned into a failed write.
        return recordTaken(e, done, traceId).replaceWithVoid().onFailure().recoverWithItem(f -> {
            LOG.errorf(
                    "Genesys took the %s of media retention policy %s (%s, request %s) but it could not be "
                            + "recorded (another process's recovery will end it): %s",
                    e.action(), e.name(), policyId, done.requestId(), f.toString());
            return null;
        });
    }

    private Uni<Void> fail(MediaPlan.Entry e, RequestRecord record, String traceId, String reason, String policyId) {
        LOG.infof("media retention %s of %s failed: %s", e.action(), e.name(), reason);
        RequestRecord done = record.withPolicy(policyId).withError(reason).to(RequestState.failed, clock.instant());
        return finish(AuditTypes.RETENTION_FAILED, e, done, traceId, reason)
                .replaceWithVoid()
                // only a permanent failure or shutdown: logged, and the next entry is worked
                .onFailure()
                .recoverWithItem(f -> {
                    LOG.errorf(
                            "the failed %s of media retention policy %s (request %s) could not be recorded: %s",
                            e.action(), e.name(), done.requestId(), f.toString());
                    return null;
                });
    }

    /** Whether this process is still to work or working the request (an apply in progress). */
    boolean working(String requestId) {
        return working.contains(requestId);
    }

    /**
     * Records a write Genesys took ({@code done}: {@code deployed} with its policy id): the {@code policy-set} entry,
     * then the end. True when this call recorded the end (false: it was already ended). Fails only for good.
     */
    Uni<Boolean> recordTaken(MediaPlan.Entry e, RequestRecord done, String traceId) {
        JsonNode applied =
                e.action().equals(MediaPlan.DELETE) ? removed(e.name(), done.policyId()) : applied(e, done.policyId());
        return retry.untilDone(
                        () -> "journaling media retention policy " + e.name(),
                        () -> journal.writePolicySet(e.name(), applied))
                .chain(() -> finish(AuditTypes.RETENTION_DEPLOYED, e, done, traceId, null));
    }

    /** Records a write that did not happen ({@code done}: {@code failed} with its reason); as {@link #recordTaken}. */
    Uni<Boolean> recordFailed(MediaPlan.Entry e, RequestRecord done, String traceId) {
        return finish(AuditTypes.RETENTION_FAILED, e, done, traceId, done.error());
    }

    private Uni<Boolean> finish(String type, MediaPlan.Entry e, RequestRecord done, String traceId, String error) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("requestId", done.requestId());
        data.put("target", MediaTargets.MEDIA_RETENTION);
        data.put("action", e.action());
        data.put("name", e.name());
        data.put("policyId", done.policyId());
        data.put("objectType", done.objectType());
        data.put("diff", e.diff());
        if (e.replaces() != null) {
            data.put(
                    "replaced",
                    Map.of(
                            "policyId",
                            e.replaces().id(),
                            "name",
                            String.valueOf(e.replaces().name()),
                            "how",
                            e.replaces().how()));
        }
        data.put("error", error);
        data.put("latencyMs", done.latencyMs());
        // Infrastructure only (the audit topic, the journal, Redis): retried until it passes, like the worker's steps.
        return retry.untilDone(
                        () -> "recording the end of media retention request " + done.requestId(),
                        () -> store.finish(
                                done,
                                RequestStore.outcomeCounts(done),
                                () -> audit.emit(type, done.requestId(), traceId, data)))
                .invoke(applied -> {
                    if (applied) {
                        webhook.notify(done, traceId);
                    }
                })
                // ended (here or before): no longer pending; a failure here is mended by the recovery's clean-up
                .call(applied -> pending.remove(done.requestId()).onFailure().recoverWithNull());
    }

    static JsonNode applied(MediaPlan.Entry e, String policyId) {
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("name", e.name());
        out.put("policyId", policyId);
        out.set("policy", e.body());
        return out;
    }

    static JsonNode removed(String name, String policyId) {
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("name", name);
        out.put("policyId", policyId);
        out.put("deleted", true);
        return out;
    }
}
