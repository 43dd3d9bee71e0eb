package io.cxbridge.retention.media;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.retention.config.RetentionConfig;
import io.cxbridge.retention.policy.MediaMapping;
import io.cxbridge.retention.state.RequestRecord;
import io.cxbridge.retention.state.RequestState;
import io.cxbridge.retention.state.RequestStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Ends the media-retention writes a stopped process left unfinished ({@link PendingWrites}): a stop while the end
 * of a write Genesys took was being recorded (retried through an outage), or before the queued writes of an apply
 * were sent. The apply has no Kafka record that a restart would redeliver, so every process looks for such writes
 * each {@code media.recovery.interval}: those whose process has not been seen for three intervals and that made no
 * step for {@code media.recovery.abandoned-after}. It never writes to Genesys (the media retention POST has no
 * idempotency key): it reads the policies and judges whether the write was taken ({@link #judge}), then records
 * the end as the apply would have: {@code deployed} with the policy id, or {@code failed} with the reason.
 */
// Created at start-up: invalid recovery settings stop it (the constructor throws, naming the key).
@Startup
@ApplicationScoped
public class MediaRecovery {

    private static final Logger LOG = Logger.getLogger(MediaRecovery.class);

    static final String NOT_SENT = "the apply stopped (the process was stopped) before this write was sent to Genesys;"
            + " nothing was written: apply the file again";

    private final PendingWrites pending;
    private final RequestStore store;
    private final MediaRetentionUpstream upstream;
    private final MediaApply apply;
    private final RetentionConfig config;
    private final Clock clock;
    private volatile boolean stopping;

    public MediaRecovery(
            PendingWrites pending,
            RequestStore store,
            MediaRetentionUpstream upstream,
            MediaApply apply,
            RetentionConfig config,
            Clock clock) {
        this.pending = pending;
        this.store = store;
        this.upstream = upstream;
        this.apply = apply;
        this.config = config;
        this.clock = clock;
        check(config.media().recovery().interval(), config.media().recovery().abandonedAfter());
    }

    static final String INTERVAL_KEY = "cxbridge.retention.media.recovery.interval";
    static final String ABANDONED_AFTER_KEY = "cxbridge.retention.media.recovery.abandoned-after";

    /**
     * Both positive (they become Redis expiries: 0 or less fails every round, nothing is ever recovered), and a
     * write abandoned only after three intervals, the time a stopped process's alive mark takes to lapse.
     */
    static void check(Duration interval, Duration abandonedAfter) {
        if (interval == null || interval.toMillis() <= 0) {
            throw new IllegalStateException(INTERVAL_KEY + " must be positive, is " + interval);
        }
        if (abandonedAfter == null || abandonedAfter.compareTo(interval.multipliedBy(3)) < 0) {
            throw new IllegalStateException(ABANDONED_AFTER_KEY + " must be at least three times " + INTERVAL_KEY
                    + " (" + interval.multipliedBy(3) + "), is " + abandonedAfter
                    + ": a write still on its way would be judged not taken");
        }
    }

    /** Whether Genesys took a write: {@code policyId} when it did, else the reason it is recorded failed. */
    record Verdict(boolean taken, String policyId, String reason) {}

    void onStop(@Observes ShutdownEvent event) {
        // Redis closes with the process: a round now only fails
        stopping = true;
    }

    @Scheduled(
            every = "${cxbridge.retention.media.recovery.interval:1m}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        if (stopping || !config.targets().contains(MediaTargets.MEDIA_RETENTION)) {
            return Uni.createFrom().voidItem();
        }
        return recover()
                .onFailure()
                .invoke(f -> {
                    if (!stopping) {
                        LOG.warnf("media retention recovery did not finish: %s", f.toString());
                    }
                })
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }

    /** Marks this process alive, then ends every abandoned write; the number this call ended. */
    public Uni<Integer> recover() {
        Duration interval = config.media().recovery().interval();
        return pending.alive(interval.multipliedBy(3)).chain(() -> page("0", 0));
    }

    private Uni<Integer> page(String cursor, int ended) {
        return pending.scan(cursor).chain(p -> {
            Uni<Integer> chain = Uni.createFrom().item(ended);
            for (String id : p.unreadable()) {
                chain = chain.call(() -> dropUnreadable(id));
            }
            for (PendingWrites.PendingWrite w : p.writes()) {
                chain = chain.chain(n -> recoverOne(w)
                        .onFailure()
                        .recoverWithItem(f -> {
                            LOG.warnf(
                                    "media retention request %s could not be recovered yet: %s",
                                    w.requestId(), f.toString());
                            return false;
                        })
                        .map(done -> done ? n + 1 : n));
            }
            return chain.chain(n -> p.cursor().equals("0") ? Uni.createFrom().item(n) : page(p.cursor(), n));
        });
    }

    /**
     * An entry that does not read: removed when its request (the field) has ended or expired, else left for an
     * operator with an error (its write cannot be judged); never a failure of the round.
     */
    Uni<Void> dropUnreadable(String requestId) {
        return store.get(requestId)
                .chain(found -> {
                    if (found.isEmpty() || found.get().terminal()) {
                        LOG.warnf(
                                "pending media retention write %s does not read; its request ended: removed",
                                requestId);
                        return pending.remove(requestId);
                    }
                    LOG.errorf("pending media retention write %s does not read; it is left as it is", requestId);
                    return Uni.createFrom().voidItem();
                })
                .onFailure()
                .recoverWithUni(f -> {
                    LOG.errorf(
                            "pending media retention write %s does not read; it is left as it is (%s)", requestId, f);
                    return Uni.createFrom().voidItem();
                });
    }

    /** True when this call recorded the write's end. */
    Uni<Boolean> recoverOne(PendingWrites.PendingWrite w) {
        // this process's own write is left alone while its apply still holds it
        Uni<Boolean> alive = pending.instance().equals(w.owner())
                ? Uni.createFrom().item(apply.working(w.requestId()))
                : pending.isAlive(w.owner());
        return alive.chain(busy ->
                busy ? Uni.createFrom().item(false) : store.get(w.requestId()).chain(found -> recoverStored(w, found)));
    }

    private Uni<Boolean> recoverStored(PendingWrites.PendingWrite w, Optional<RequestRecord> found) {
        if (found.isEmpty() || found.get().terminal()) {
            // ended (its entry's removal failed) or expired: nothing left to do
            return pending.remove(w.requestId()).replaceWith(false);
        }
        RequestRecord current = found.get();
        List<RequestRecord.Transition> h = current.history();
        Instant last = h.isEmpty() ? Instant.EPOCH : h.get(h.size() - 1).at();
        Duration after = config.media().recovery().abandonedAfter();
        if (last.plus(after).isAfter(clock.instant())) {
            return Uni.createFrom().item(false);
        }
        return pending.claim(w.requestId(), after).chain(claimed -> {
            if (!claimed) {
                return Uni.createFrom().item(false);
            }
            if (current.state() == RequestState.queued) {
                // the write follows the submitted step: a queued one was never sent
                return end(w, new Verdict(false, null, NOT_SENT), current);
            }
            return upstream.list().chain(existing -> end(w, judge(w, existing), current));
        });
    }

    private Uni<Boolean> end(PendingWrites.PendingWrite w, Verdict v, RequestRecord current) {
        Instant now = clock.instant();
        LOG.infof(
                "media retention request %s (%s of %s), left unfinished by a stopped process: Genesys %s; recorded %s",
                w.requestId(),
                w.action(),
                w.name(),
                v.taken() ? "took it (" + v.policyId() + ")" : "did not take it",
                v.taken() ? "deployed" : "failed");
        if (v.taken()) {
            return apply.recordTaken(
                    w.entry(), current.withPolicy(v.policyId()).to(RequestState.deployed, now), w.traceId());
        }
        return apply.recordFailed(
                w.entry(),
                current.withPolicy(w.policyId()).withError(v.reason()).to(RequestState.failed, now),
                w.traceId());
    }

    /**
     * Whether the policies Genesys holds show the write: a create as a managed policy of its name with its content,
     * an update as its policy with its content, a delete as its policy gone. Content is compared as the planner
     * compares it ({@link PolicyDiff}).
     */
    static Verdict judge(PendingWrites.PendingWrite w, List<JsonNode> existing) {
        String interrupted = "the apply stopped (the process was stopped) while this " + w.action()
                + " was being sent and Genesys does not hold it";
        switch (w.action()) {
            case MediaPlan.CREATE -> {
                List<JsonNode> named = existing.stream()
                        .filter(p -> MediaMapping.managed(p)
                                && w.name().equals(p.path("name").asText()))
                        .toList();
                for (JsonNode p : named) {
                    if (PolicyDiff.diff(p, w.body()).isEmpty()) {
                        return new Verdict(true, p.path("id").asText(null), null);
                    }
                }
                return new Verdict(
                        false,
                        null,
                        named.isEmpty()
                                ? interrupted + ": apply the file again"
                                : interrupted + " as written (a policy of that name, "
                                        + named.get(0).path("id").asText() + ", differs): plan the file again");
            }
            case MediaPlan.UPDATE -> {
                JsonNode p = byId(existing, w.policyId());
                if (p != null && PolicyDiff.diff(p, w.body()).isEmpty()) {
                    return new Verdict(true, w.policyId(), null);
                }
                return new Verdict(
                        false,
                        null,
                        p == null
                                ? interrupted + " (its policy " + w.policyId() + " no longer exists)"
                                : interrupted + ": apply the file again");
            }
            default -> {
                return byId(existing, w.policyId()) == null
                        ? new Verdict(true, w.policyId(), null)
                        : new Verdict(false, null, interrupted + ": apply the file again");
            }
        }
    }

    private static JsonNode byId(List<JsonNode> existing, String id) {
        return existing.stream()
                .filter(p -> id != null && id.equals(p.path("id").asText(null)))
                .findFirst()
                .orElse(null);
    }
}
