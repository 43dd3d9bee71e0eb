package io.cxbridge.retry.worker;

import io.cxbridge.common.audit.AuditEmitter;
import io.cxbridge.common.health.Dependency;
import io.cxbridge.common.health.DependencyMonitor;
import io.cxbridge.common.messaging.InfrastructureRetry;
import io.cxbridge.common.redis.RedisEpoch;
import io.cxbridge.common.redis.RedisRebuilt;
import io.cxbridge.common.trace.ContinuedTraces;
import io.cxbridge.genesys.breaker.CircuitOpenException;
import io.cxbridge.genesys.http.GenesysClient;
import io.cxbridge.genesys.http.GenesysRequest;
import io.cxbridge.genesys.http.GenesysResponse;
import io.cxbridge.genesys.redaction.Redactor;
import io.cxbridge.genesys.retry.Backoff;
import io.cxbridge.genesys.retry.RetryAfter;
import io.cxbridge.genesys.retry.Transience;
import io.cxbridge.genesys.shaping.RateLimitedException;
import io.cxbridge.genesys.token.TokenException;
import io.cxbridge.model.Headers;
import io.cxbridge.model.audit.AuditTypes;
import io.cxbridge.model.retry.RunRecord;
import io.cxbridge.model.retry.RunState;
import io.cxbridge.retry.breaker.Breakers;
import io.cxbridge.retry.config.RetryConfig;
import io.cxbridge.retry.dlq.DlqEntry;
import io.cxbridge.retry.dlq.RunDeadLetterWriter;
import io.cxbridge.retry.journal.RunJournal;
import io.cxbridge.retry.metrics.RetryMetrics;
import io.cxbridge.retry.state.RunStore;
import io.cxbridge.retry.webhook.RetryWebhook;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;

/**
 * Resubmits due runs. When runs are due (every {@code poll-interval} while they are, else when the earliest is, at
 * least every {@code idle-poll-interval}) the due set in Redis is read (at most as many runs as
 * {@code max-in-flight} leaves room for); each due run is claimed (its score moved a lease ahead, so another instance
 * or a crash cannot lose or double it), checked against the {@link Breakers} (an open breaker defers it without
 * spending an attempt), resubmitted once through {@link GenesysClient}, and its outcome stored atomically with its
 * place in the due set:
 * <ul>
 * <li>2xx: {@code retry.succeeded}, state {@code succeeded} (kept {@code done-ttl});</li>
 * <li>408, 429, 500, 502, 503, 504 ({@link Transience}), no answer: {@code retry.attempt-failed} and the next attempt
 * scheduled by {@link Backoff} (a longer Retry-After wins; one longer than a pending run is kept dead-letters it,
 * {@code retry.exhausted}); after {@code max-attempts} the run is dead-lettered ({@code retry.exhausted});</li>
 * <li>any other answer (4xx, 501, 505): dead-lettered at once with the upstream reason
 * ({@code retry.dead-lettered});</li>
 * <li>not sent by the client (its breaker open, the shared rate budget spent): deferred by the client's hint,
 * not counted as an attempt.</li>
 * </ul>
 * Every new state, a deferral included, is journaled ({@link RunJournal}) and then stored, both fenced by the claim
 * token (a refused store is followed by the stored state journaled again). A 2xx is made
 * durable before the audit event and webhook, so it is never sent again; a dead letter's DLQ record goes before its
 * state. A failure on the way leaves the run claimed, and it is attempted again after the lease (the requestId
 * header lets Genesys-side logs join).
 */
@ApplicationScoped
public class Resubmitter {

    private static final Logger LOG = Logger.getLogger(Resubmitter.class);
    private static final long PROBE_JITTER_MS = 250;

    private final RunStore store;
    private final GenesysClient client;
    private final RunDeadLetterWriter deadLetters;
    private final AuditEmitter audit;
    private final RetryConfig config;
    private final Clock clock;
    private final Backoff backoff;
    private final Breakers breakers;
    private final Intake intake;
    private final RetryMetrics metrics;
    private final RetryWebhook webhook;
    private final Vertx vertx;
    private final RedisEpoch epoch;
    private final DependencyMonitor dependencies;
    private final RunJournal journal;
    private final InfrastructureRetry infra;
    private final ContinuedTraces traces;
    private final Redactor redactor;
    /** Runs that got a 2xx whose state is not in Redis yet: never claimed again meanwhile. */
    private final java.util.Set<String> recording = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final PollTimer poller;

    private volatile boolean stopping;

    public Resubmitter(
            RunStore store,
            GenesysClient client,
            RunDeadLetterWriter deadLetters,
            AuditEmitter audit,
            RetryConfig config,
            Clock clock,
            Breakers breakers,
            Intake intake,
            RetryMetrics metrics,
            RetryWebhook webhook,
            Vertx vertx,
            RedisEpoch epoch,
            Backoff backoff,
            RunJournal journal,
            InfrastructureRetry infra,
            DependencyMonitor dependencies,
            ContinuedTraces traces,
            Redactor redactor) {
        this.redactor = redactor;
        this.dependencies = dependencies;
        this.traces = traces;
        this.infra = infra;
        this.vertx = vertx;
        this.epoch = epoch;
        this.store = store;
        this.client = client;
        this.deadLetters = deadLetters;
        this.audit = audit;
        this.config = config;
        this.clock = clock;
        this.breakers = breakers;
        this.intake = intake;
        this.metrics = metrics;
        this.webhook = webhook;
        this.backoff = backoff;
        this.journal = journal;
        this.poller = new PollTimer(vertx, clock, config.pollInterval(), config.idlePollInterval(), this::launchDue);
    }

    /**
     * The poll loop: a Vert.x timer ({@link PollTimer}), because the Quarkus scheduler does not tick faster than once
     * a second. Ticks never overlap; between them it sleeps until the earliest scheduled run is due (at most
     * {@code idle-poll-interval}), so an idle instance polls every 5 s rather than ten times a second.
     */
    void onStart(@Observes StartupEvent event) {
        poller.start(Duration.ofSeconds(1));
    }

    /**
     * Redis was rebuilt: the restored runs may be due already, and the loop may be sleeping its idle interval (a tick
     * during the rebuild would have polled again soon, but none may have come).
     */
    void onRebuilt(@Observes RedisRebuilt event) {
        poller.wake(clock.instant());
    }

    /** When the loop polls next (null while a poll runs); for tests and diagnostics. */
    public Instant plannedPoll() {
        return poller.plannedAt();
    }

    /** A run was scheduled (or rescheduled) to be due at {@code due}: the loop ticks by then. */
    public void scheduled(Instant due) {
        poller.wake(due);
    }

    /**
     * Starts the attempts of the runs due now, as many as {@code max-in-flight} allows, without waiting for them, and
     * answers when the next tick should come: soon while runs may still be due (a full batch, no room, the global
     * breaker open, Redis or Kafka away), else when the earliest scheduled run is due. While the global breaker is open,
     * intake is paused and only its probe goes; with no run due for the probe, intake is resumed so that the next
     * consumed run becomes the probe.
     */
    Uni<Instant> launchDue() {
        Instant soon = clock.instant().plus(config.pollInterval());
        // Before the first epoch check and during a rebuild the schedule in Redis may be incomplete; with Redis away
        // there is nothing to read: no new attempts either way (and no failed poll every tick). With Kafka away no
        // outcome can be journaled: an attempt would call Genesys, fail to record its answer and go again after the
        // lease with the same attempt number (max-attempts and the backoff not kept), so none starts.
        if (stopping || !epoch.open() || !dependencies.isUp(Dependency.REDIS) || !dependencies.isUp(Dependency.KAFKA)) {
            return Uni.createFrom().item(soon);
        }
        Instant now = clock.instant();
        int free = config.maxInFlight() - metrics.inFlight().get();
        if (breakers.globalOpen()) {
            if (!breakers.globalProbeDue()) {
                intake.paused(true, "the global breaker is open (" + breakers.globalCause() + ")");
                return Uni.createFrom().item(soon);
            }
            return store.duePoll(now, 1)
                    .map(RunStore.DuePoll::ids)
                    .invoke(probe -> {
                        intake.paused(
                                !probe.isEmpty(),
                                probe.isEmpty()
                                        ? "the global breaker is half-open and no run is due: the next consumed run is its probe"
                                        : "the global breaker is probing");
                        if (free > 0) {
                            launch(probe, now);
                        }
                    })
                    .replaceWith(soon);
        }
        intake.paused(false, "the global breaker closed");
        if (free <= 0) {
            return Uni.createFrom().item(soon);
        }
        int limit = Math.min(free, config.batchSize());
        return store.duePoll(now, limit).map(poll -> {
            launch(poll.ids(), now);
            if (poll.ids().size() >= limit) {
                return soon;
            }
            // Nothing more due now: sleep until the earliest run is (the poller caps the sleep); the attempts just
            // launched wake it when they end.
            return poll.next().orElse(Instant.MAX);
        });
    }

    private void launch(List<String> ids, Instant now) {
        for (String id : ids) {
            if (recording.contains(id)) {
                continue;
            }
            // Counted before the stop check: onStop either sees this attempt in flight and waits for it, or this sees
            // the stop. A poll whose due-set read answered after onStop had found nothing in flight used to start
            // attempts that then met a closed Redis client and ran again after the restart (RetryProcessIT, session 6).
            metrics.inFlight().incrementAndGet();
            if (stopping) {
                metrics.inFlight().decrementAndGet();
                return; // the runs stay due in Redis for the next instance
            }
            claimAndAttempt(id, now)
                    .onTermination()
                    .invoke(() -> {
                        metrics.inFlight().decrementAndGet();
                        // The attempt may have scheduled the run's next one (or freed room): look again soon.
                        poller.wake(clock.instant());
                    })
                    .subscribe()
                    .with(x -> {}, e -> LOG.warnf("run %s: %s; it is due again after the lease", id, e.toString()));
        }
    }

    /** On SIGTERM: no new attempts; those in flight get {@code shutdown-grace} to finish and store their outcome. */
    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
        poller.stop();
        long deadline = System.nanoTime() + config.shutdownGrace().toNanos();
        while (metrics.inFlight().get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50); // the shutdown thread waits for in-flight attempts; nothing else to wait on
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (metrics.inFlight().get() > 0) {
            LOG.warnf(
                    "%d resubmissions still in flight at shutdown: they are due again after the claim lease",
                    metrics.inFlight().get());
        }
    }

    private Uni<Void> claimAndAttempt(String requestId, Instant now) {
        return store.claim(requestId, now).chain(claim -> {
            if (claim.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            String token = claim.get();
            return store.get(requestId).chain(found -> {
                if (found.isEmpty()) {
                    return store.forget(requestId);
                }
                RunRecord record = found.get();
                if (record.state().terminal()) {
                    return store.save(record).replaceWithVoid();
                }
                Breakers.Permit permit = breakers.acquire(record.actionId());
                if (!permit.allowed()) {
                    metrics.deferred(permit.cause()).increment();
                    // A little jitter after the probe time: runs deferred to the same instant would tie in the due
                    // set and the same run (the smallest requestId) would be every probe until it is exhausted.
                    Instant until = permit.until()
                            .plusMillis(ThreadLocalRandom.current().nextLong(PROBE_JITTER_MS));
                    return record(record.deferredTo(until, clock.instant()), token)
                            .replaceWithVoid();
                }
                return attempt(record, permit, token);
            });
        });
    }

    Uni<Void> attempt(RunRecord record, Breakers.Permit permit, String token) {
        // Saturating: an incoming attempt of 2147483647 must not wrap negative and escape max-attempts.
        int n = NextAttempt.number(record.attempts());
        GenesysRequest request;
        try {
            String path = config.executePath()
                    .replace("{actionId}", URLEncoder.encode(record.actionId(), StandardCharsets.UTF_8));
            request = GenesysRequest.json(
                            HttpMethod.POST, path, record.run().requestPayload().toString())
                    .withHeader(Headers.REQUEST_ID, record.requestId())
                    .withHeader(Headers.ATTEMPT, String.valueOf(n));
        } catch (RuntimeException e) {
            breakers.record(record.actionId(), permit, Breakers.Result.NEUTRAL);
            return Uni.createFrom().failure(e);
        }
        Instant sentAt = clock.instant();
        long t0 = System.nanoTime();
        // Every attempt continues the trace the run came in with (its trace id is kept with it in Redis and the
        // journal), however long after the consumed record it is made.
        return traces.within(
                        record.run().traceId(), record.requestId(), "retry attempt " + n, () -> client.send(request))
                .map(GenesysAnswer::of)
                .onFailure()
                .recoverWithItem(e -> GenesysAnswer.noAnswer(e))
                .chain(o -> {
                    breakers.record(record.actionId(), permit, o.breakerResult());
                    if (o.notSent() != null) {
                        metrics.deferred(o.tokenFailure() ? "token" : "client").increment();
                        return defer(record, o.notSent(), token);
                    }
                    metrics.recordSubmit(Duration.ofNanos(System.nanoTime() - t0));
                    return decide(record.logged(n, sentAt, clock.instant(), o.status()), n, o, token);
                });
    }

    /**
     * The call was not sent (the client's breaker open, the shared rate budget spent, no token): not an attempt.
     * The run waits for the longer of the hint and the current backoff step, with its attempts unchanged.
     */
    private Uni<Void> defer(RunRecord record, Duration hint, String token) {
        Instant now = clock.instant();
        Instant until = NextAttempt.deferred(backoff, record.attempts(), hint, now, longestWait());
        LOG.debugf("run %s deferred until %s: the call was not sent", record.requestId(), until);
        return record(record.deferredTo(until, now), token).replaceWithVoid();
    }

    /**
     * Journals a state (an outcome, or a deferral: its due time is part of the schedule a rebuild restores) and then
     * stores it, both only while {@code token} still holds the claim: a stale instance (its lease ran out, another
     * took the run) writes nothing. False when fenced off.
     * <p>
     * The fence is checked before the journal write, but it can change during it (another instance takes the run
     * after the lease, or records its 2xx over the claim), and then the fenced save refuses a state the journal
     * already holds; a rebuild would bring that state back (a finished run resurrected, or sent twice). So a refused
     * save is followed by the state Redis kept, journaled again ({@link #rejournal}): the journal's last word for the
     * run is what Redis holds. Journal first, not Redis first: a crash between the two then leaves a state this
     * instance held the fence for, which a rebuild may restore safely, where Redis first would leave every outcome
     * (a dead letter included) unjournaled for that crash.
     */
    private Uni<Boolean> record(RunRecord state, String token) {
        return store.holds(state.requestId(), token).chain(held -> {
            if (!held) {
                LOG.warnf(
                        "run %s was claimed by another instance meanwhile: this outcome (%s) is dropped",
                        state.requestId(), state.state());
                return Uni.createFrom().item(false);
            }
            return journal.write(state)
                    .chain(() -> store.save(state, token))
                    .chain(saved -> saved
                            ? Uni.createFrom().item(true)
                            : rejournal(state).replaceWith(false));
        });
    }

    /**
     * The fenced save refused {@code refused} after it was journaled: journals the state Redis holds after it,
     * retried until the broker takes it (a failure here would leave the refused state as the journal's last). Nothing
     * when Redis holds no state for the run (never turned into a tombstone: a rebuild may be about to restore it).
     */
    private Uni<Void> rejournal(RunRecord refused) {
        String id = refused.requestId();
        LOG.warnf(
                "run %s was taken over or finished meanwhile: this outcome (%s) is dropped, and the run's current state"
                        + " journaled after it",
                id, refused.state());
        return infra.untilDone(
                        "journaling run " + id + "'s current state over a refused one",
                        () -> journalCurrent(id, null, REJOURNAL_ROUNDS))
                .replaceWithVoid();
    }

    private static final int REJOURNAL_ROUNDS = 5;

    /**
     * Journals the run's state as Redis holds it, and again while Redis changed it meanwhile, so that a 2xx stored
     * during the write (stored, then journaled by its writer) is not left behind it. A few rounds at most: a run that
     * keeps changing is journaled by whoever changes it. Left: a state another instance journaled before this write
     * and stored after the last read (one Redis round trip apart) lands before it on the journal.
     */
    private Uni<Void> journalCurrent(String id, String journaled, int rounds) {
        return store.get(id).chain(current -> {
            if (current.isEmpty() || rounds <= 0) {
                return Uni.createFrom().voidItem();
            }
            String json = RunJournal.json(current.get());
            if (json.equals(journaled)) {
                return Uni.createFrom().voidItem();
            }
            return journal.write(current.get(), json).chain(() -> journalCurrent(id, json, rounds - 1));
        });
    }

    record GenesysAnswer(GenesysResponse response, String error, Duration notSent, boolean tokenFailure) {
        static GenesysAnswer of(GenesysResponse r) {
            return new GenesysAnswer(r, null, null, false);
        }

        static GenesysAnswer noAnswer(Throwable e) {
            boolean token = e instanceof TokenException || e.getCause() instanceof TokenException;
            Duration notSent = e instanceof CircuitOpenException open
                    ? open.retryAfter()
                    : e instanceof RateLimitedException limited ? limited.retryAfter() : token ? Duration.ZERO : null;
            return new GenesysAnswer(null, e.getClass().getSimpleName() + ": " + e.getMessage(), notSent, token);
        }

        Integer status() {
            return response == null ? null : response.status();
        }

        /** "Transient: schedule the next attempt"; no answer at all counts as a connection failure. */
        boolean retryable() {
            return response == null || Transience.isTransient(response.status());
        }

        /** 429 and calls not sent say nothing about the action; any other answer but 408/5xx shows it healthy. */
        Breakers.Result breakerResult() {
            if (tokenFailure) {
                return Breakers.Result.TOKEN_FAILURE;
            }
            if (notSent != null || (response != null && response.status() == 429)) {
                return Breakers.Result.NEUTRAL;
            }
            return retryable() ? Breakers.Result.FAILURE : Breakers.Result.SUCCESS;
        }

        /**
         * Why the attempt failed, for the log, the audit event and the dead letter: Genesys's answer redacted first,
         * since a Data Action's error quotes what its back end answered, a customer's details among it.
         */
        String reason(Redactor redactor) {
            if (response == null) {
                return "no answer from Genesys: " + error;
            }
            String body = response.body() == null
                    ? ""
                    : redactor.body(
                            response.headers() == null
                                    ? null
                                    : response.headers().get("Content-Type"),
                            response.body().getBytes());
            if (body.length() > 500) {
                body = body.substring(0, 500);
            }
            return "HTTP " + response.status() + (body.isBlank() ? "" : " " + body);
        }
    }

    private Uni<Void> decide(RunRecord record, int n, GenesysAnswer o, String token) {
        Instant now = clock.instant();
        if (o.response() != null && o.response().ok()) {
            metrics.attempts("success").increment();
            return succeeded(record.finished(RunState.succeeded, n, o.status(), null, now), data(record, n, o));
        }
        String reason = o.reason(redactor);
        if (!o.retryable()) {
            metrics.attempts("rejected").increment();
            return deadLetter(
                    record,
                    n,
                    o,
                    RunDeadLetterWriter.REJECTED,
                    AuditTypes.RETRY_DEAD_LETTERED,
                    "Genesys refused the run: " + reason,
                    now,
                    token);
        }
        metrics.attempts("failed").increment();
        if (n >= config.maxAttempts()) {
            return deadLetter(
                    record,
                    n,
                    o,
                    RunDeadLetterWriter.EXHAUSTED,
                    AuditTypes.RETRY_EXHAUSTED,
                    n + " attempts failed, the last: " + reason,
                    now,
                    token);
        }
        Duration retryAfter = o.response() == null
                ? null
                : RetryAfter.parse(o.response().headers().get("Retry-After"), now)
                        .orElse(null);
        NextAttempt.Plan plan = NextAttempt.afterFailure(backoff, n, retryAfter, now, longestWait());
        if (plan.next() == null) {
            // Waiting as asked would outlive the run's state (it would expire and the run vanish unseen): a dead
            // letter instead, listed and replayable once Genesys takes runs again. Exhausted: the run was not
            // refused, it ran out of the time retry-svc keeps it.
            return deadLetter(
                    record,
                    n,
                    o,
                    RunDeadLetterWriter.EXHAUSTED,
                    AuditTypes.RETRY_EXHAUSTED,
                    "Genesys asked to wait " + plan.tooLong().toSeconds()
                            + " s (Retry-After), longer than a pending run"
                            + " is kept (" + longestWait().toSeconds() + " s: pending-ttl less claim-lease); the last: "
                            + reason,
                    now,
                    token);
        }
        Instant next = plan.next();
        RunRecord pending = record.retryAt(n, o.status(), reason, next, now);
        Map<String, Object> data = data(record, n, o);
        data.put("nextAttemptAt", next.toString());
        data.put("reason", reason);
        return record(pending, token)
                .chain(saved -> saved
                        ? audit.emit(
                                        AuditTypes.RETRY_ATTEMPT_FAILED,
                                        record.requestId(),
                                        record.run().traceId(),
                                        data)
                                .onFailure()
                                .invoke(e -> LOG.warnf(
                                        "audit of run %s's attempt %d not sent: %s",
                                        record.requestId(), n, e.toString()))
                                .onFailure()
                                .recoverWithNull()
                        : Uni.createFrom().voidItem())
                .replaceWithVoid();
    }

    /**
     * A Genesys 2xx is made durable first, Redis then the journal, each retried until it is written (Redis first: the
     * run leaves the due set at once, so a broker outage cannot let its claim lease run out and the run go again),
     * whoever holds the claim (the run did succeed); only then are the webhook and audit event sent, so a failure of
     * either can never make the run go again. Until Redis has it, this instance does not claim the run again.
     */
    private Uni<Void> succeeded(RunRecord done, Map<String, Object> data) {
        recording.add(done.requestId());
        return infra.untilDone("recording run " + done.requestId() + " succeeded in Redis", () -> store.save(done))
                .invoke(() -> recording.remove(done.requestId()))
                .chain(() ->
                        infra.untilDone("journaling run " + done.requestId() + " succeeded", () -> journal.write(done)))
                .invoke(() -> {
                    metrics.successes().increment();
                    webhook.notify(RetryWebhook.SUCCESS, done);
                })
                .chain(() -> infra.untilDone(
                        "audit of run " + done.requestId() + " succeeded",
                        () -> audit.emit(
                                AuditTypes.RETRY_SUCCEEDED,
                                done.requestId(),
                                done.run().traceId(),
                                data)))
                .replaceWithVoid();
    }

    private Uni<Void> deadLetter(
            RunRecord record,
            int n,
            GenesysAnswer o,
            String errorClass,
            String auditType,
            String reason,
            Instant now,
            String token) {
        LOG.infof("dead-lettering run %s (%s): %s", record.requestId(), errorClass, reason);
        RunRecord done = record.finished(RunState.dead_lettered, n, o.status(), reason, now);
        Map<String, Object> data = data(record, n, o);
        data.put("errorClass", errorClass);
        data.put("reason", reason);
        DlqEntry entry = new DlqEntry(
                record.requestId(),
                record.requestId(),
                record.actionId(),
                record.run().originalRunId(),
                errorClass,
                reason,
                n,
                record.firstSeen(),
                now,
                record.run().traceId(),
                record.run(),
                record.originalPayload());
        return store.holds(record.requestId(), token).chain(held -> {
            if (!held) {
                LOG.warnf(
                        "run %s was claimed by another instance meanwhile: not dead-lettered here", record.requestId());
                return Uni.createFrom().voidItem();
            }
            return deadLetters
                    .send(record.actionId(), entry)
                    .chain(() -> record(done, token))
                    .chain(saved -> !saved
                            ? Uni.createFrom().voidItem()
                            : audit.emit(
                                            auditType,
                                            record.requestId(),
                                            record.run().traceId(),
                                            data)
                                    .onFailure()
                                    .invoke(e -> LOG.warnf(
                                            "audit of dead-lettered run %s not sent: %s",
                                            record.requestId(), e.toString()))
                                    .onFailure()
                                    .recoverWithNull()
                                    .invoke(() -> {
                                        if (RunDeadLetterWriter.EXHAUSTED.equals(errorClass)) {
                                            metrics.exhausted().increment();
                                            webhook.notify(RetryWebhook.EXHAUSTED, done);
                                        }
                                    }))
                    .replaceWithVoid();
        });
    }

    /** The longest a pending run is scheduled ahead ({@link NextAttempt#longestWait}). */
    private Duration longestWait() {
        return NextAttempt.longestWait(config.pendingTtl(), config.claimLease());
    }

    private static Map<String, Object> data(RunRecord record, int n, GenesysAnswer o) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("requestId", record.requestId());
        data.put("actionId", record.actionId());
        data.put("originalRunId", record.run().originalRunId());
        data.put("attempts", n);
        data.put("status", o.status());
        if (record.replayedAt() != null) {
            data.put("replayedAt", record.replayedAt().toString());
        }
        return data;
    }
}
