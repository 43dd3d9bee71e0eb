package io.cxbridge.fulfillment.worker;

import io.cxbridge.common.audit.AuditEmitter;
import io.cxbridge.common.kafka.BoundedId;
import io.cxbridge.common.kafka.RecordCheck;
import io.cxbridge.common.messaging.InfrastructureRetry;
import io.cxbridge.fulfillment.config.FulfillmentConfig;
import io.cxbridge.fulfillment.config.HoldLimit;
import io.cxbridge.fulfillment.dlq.JobDeadLetter;
import io.cxbridge.fulfillment.dlq.JobDeadLetterWriter;
import io.cxbridge.fulfillment.state.JobRecord;
import io.cxbridge.fulfillment.state.JobState;
import io.cxbridge.fulfillment.state.JobStore;
import io.cxbridge.genesys.urlpolicy.FulfillmentUrlPolicy;
import io.cxbridge.model.Json;
import io.cxbridge.model.audit.AuditTypes;
import io.cxbridge.model.crypto.TokenCipher;
import io.cxbridge.model.event.FulfillmentJob;
import io.cxbridge.model.event.Ids;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Works one record of {@code cxbridge.fulfillment.jobs.v1} ({@link JobPipeline} feeds it, many at once). A job that
 * is invalid, whose URL the fulfillment URL policy refuses (checked again here: a job may have bypassed the gateway)
 * or whose token cannot be opened is dead-lettered with the reason and no request is made to its URL. Otherwise:
 * call the external API, then post the result (complete or failed) to the fulfillment URL, mark the fulfillmentId
 * posted in Redis, emit the audit event and record the terminal state, all before the returned Uni completes (the
 * record's commit). A result that could not be posted after all attempts is dead-lettered ({@code callback-failed}).
 *
 * <p>A redelivered job whose fulfillmentId is marked posted, or whose state is terminal, is skipped (a job replayed
 * from the DLQ is in state {@code replayed}, so it runs again). A job whose state in Redis does not read is
 * dead-lettered ({@code state-unreadable}) without a request to its URL, its state replaced by the dead letter's; one
 * whose fulfillmentId is marked posted is skipped as posted. The clear token lives only in a local variable and
 * the {@code X-Fulfillment-Token} header; it is never logged, audited, stored or put in a DLQ header.
 *
 * <p>A job whose fulfillmentId is not the id its URL names is invalid (the id keys the posted mark and the
 * Idempotency-Key of the post to that URL), and so is one whose request cannot be built (a header value Vert.x
 * refuses, {@link FulfillmentHttp.RequestNotBuilt}): both are dead-lettered ({@code invalid-job}), never retried. So
 * is a record whose Kafka key is not its job's fulfillmentId (or that has no key): records of one job on other keys
 * could run at once; it is on the DLQ topic only (not listed), since its jobId's entry and state may be another
 * record's.
 *
 * <p>Ids of a record that is refused or invalid come from whoever produced it: they are bounded ({@link BoundedId})
 * before they reach an audit event's data, a job state or a log line. Every wait a job chooses ends by its {@link
 * HoldLimit}, so no job outlasts the connector's unprocessed-record max age (which would stop the channel).
 */
@ApplicationScoped
public class FulfillmentWorker {

    private static final Logger LOG = Logger.getLogger(FulfillmentWorker.class);
    private static final Pattern UUID = Pattern.compile(Ids.UUID_REGEX);

    public static final String INVALID_JOB = JobDeadLetterWriter.INVALID_JOB;
    public static final String URL_REFUSED = "url-refused";
    public static final String TOKEN_UNREADABLE = "token-unreadable";
    public static final String CALLBACK_FAILED = "callback-failed";
    /** The job's state in Redis does not read: whether it already ran is unknown, so it is not run. */
    public static final String STATE_UNREADABLE = "state-unreadable";

    private final JobStore store;
    private final FulfillmentHttp http;
    private final JobDeadLetterWriter deadLetters;
    private final AuditEmitter audit;
    private final FulfillmentUrlPolicy urlPolicy;
    private final TokenCipher cipher;
    private final Validator validator;
    private final Clock clock;
    private final FulfillmentMetrics metrics;
    private final InfrastructureRetry retry;
    private final FulfillmentUrlLookup lookup;
    private final FulfillmentConfig config;
    private final HoldLimit holdLimit;

    public FulfillmentWorker(
            JobStore store,
            FulfillmentHttp http,
            JobDeadLetterWriter deadLetters,
            AuditEmitter audit,
            FulfillmentUrlPolicy urlPolicy,
            TokenCipher cipher,
            Validator validator,
            Clock clock,
            FulfillmentMetrics metrics,
            InfrastructureRetry retry,
            FulfillmentUrlLookup lookup,
            FulfillmentConfig config,
            HoldLimit holdLimit) {
        this.store = store;
        this.http = http;
        this.deadLetters = deadLetters;
        this.audit = audit;
        this.urlPolicy = urlPolicy;
        this.cipher = cipher;
        this.validator = validator;
        this.clock = clock;
        this.metrics = metrics;
        this.retry = retry;
        this.lookup = lookup;
        this.config = config;
        this.holdLimit = holdLimit;
    }

    /**
     * Works one record's value; completes when its outcome is durable (the record may then be committed). {@code
     * taken}: when a job slot took the record, from which the connector counts its age.
     */
    public Uni<Void> process(String key, String value, Instant taken) {
        Instant waitsEndBy = holdLimit.waitsEndBy(taken);
        // Only infrastructure fails here (Redis, the audit or DLQ topic): retry the job with backoff. A retry after a
        // successful post is skipped by the posted mark, or dropped by the receiver (Idempotency-Key) when the mark
        // was not written yet.
        return withRetries(value, () -> handle(key, value, waitsEndBy));
    }

    /**
     * Dead-letters a record refused before its value was read (too large, a malformed or unknown header, an unknown
     * schema version): on the DLQ topic with the reason, keyed as it came; not listed by the DLQ API, which lists
     * jobs by jobId.
     */
    public Uni<Void> refuse(String key, String value, RecordCheck.Refusal refusal) {
        Instant firstSeen = clock.instant();
        return withRetries(null, () -> {
            String id = BoundedId.of(key);
            LOG.warnf(
                    "dead-lettering a fulfillment record (key %s): %s (%s)",
                    id, refusal.errorClass(), refusal.reason());
            return deadLetters
                    .send(key, value, refusal.errorClass(), refusal.reason(), 1, firstSeen)
                    .chain(() -> audit.emit(
                            AuditTypes.FULFILLMENT_DEAD_LETTERED,
                            id != null ? id : "unknown",
                            null,
                            deadLetterData(null, id, refusal.errorClass(), refusal.reason())))
                    .invoke(() -> metrics.jobEnded(FulfillmentMetrics.DEAD_LETTERED));
        });
    }

    /**
     * Only infrastructure fails {@code work} (a bad record is dead-lettered inside it): retried until Redis and
     * Kafka answer again, while {@code ConsumerHolds} keeps the fetch paused, so an outage loses and fails nothing.
     */
    private Uni<Void> withRetries(String value, java.util.function.Supplier<Uni<Void>> work) {
        // The label (a parse of the record for its jobId) is made only if a retry is logged.
        return retry.untilDone(() -> "fulfillment job " + idOf(value), work::get);
    }

    /** The jobId for a log line, without parsing the whole record again (never the token). */
    private static String idOf(String value) {
        try {
            return value == null
                    ? null
                    : BoundedId.of(Json.mapper().readTree(value).path("jobId").asText(null));
        } catch (Exception e) {
            return null;
        }
    }

    private Uni<Void> handle(String key, String value, Instant waitsEndBy) {
        Instant firstSeen = clock.instant();
        FulfillmentJob job;
        try {
            job = value == null ? null : Json.mapper().readValue(value, FulfillmentJob.class);
        } catch (Exception e) {
            return deadLetter(
                    key,
                    null,
                    value,
                    INVALID_JOB,
                    "not a FulfillmentJob: malformed JSON or a field of the wrong type",
                    firstSeen);
        }
        if (job == null) {
            return deadLetter(
                    key, null, value == null ? "" : value, INVALID_JOB, "not a FulfillmentJob: empty", firstSeen);
        }
        Set<String> problems = new TreeSet<>();
        for (ConstraintViolation<FulfillmentJob> v : validator.validate(job)) {
            problems.add(v.getPropertyPath() + " " + v.getMessage());
        }
        if (!problems.isEmpty()) {
            return deadLetter(key, job, value, INVALID_JOB, "invalid job: " + String.join(", ", problems), firstSeen);
        }
        if (!job.fulfillmentId().equals(key)) {
            // Records of one job must share a key (its partition and its turn, PerKeyTurns): two records of one job
            // on other keys could run at once. The gateway and the replay key by fulfillmentId; a null key has no
            // partition of its own (and no turn), so it is refused too. Not indexed and no job state written: the
            // jobId may be the job's own record on its right key, running or done.
            String reason = key == null
                    ? "invalid job: the record has no key; it must be the job's fulfillmentId ("
                            + BoundedId.of(job.fulfillmentId()) + ")"
                    : "invalid job: the record's key (" + BoundedId.of(key) + ") is not the job's fulfillmentId ("
                            + BoundedId.of(job.fulfillmentId()) + ")";
            return deadLetter(key, job, value, INVALID_JOB, reason, firstSeen, false);
        }
        if (!urlPolicy.resolvesDns(job.fulfillmentUrl())) {
            // Refused before any lookup, a test host or an address literal: checked here, without a hand-off.
            return checked(key, job, value, urlPolicy.check(job.fulfillmentUrl()), firstSeen, false, waitsEndBy);
        }
        // A host name the allow-list admits, to look up in DNS (which may block): off the event loop. A failed lookup
        // is an outage, not a bad URL: tried again until the job's deadline (at least one callback timeout, the
        // time its post would still get) or its hold limit, then the job ends as one that ran out of time.
        Instant deadline = FulfillmentHttp.bounded(job, firstSeen).deadline();
        Instant soonest = firstSeen.plus(config.callback().timeout());
        Instant until = deadline.isAfter(soonest) ? deadline : soonest;
        if (until.isAfter(waitsEndBy)) {
            until = waitsEndBy;
        }
        return lookup.checkUntil(job.fulfillmentUrl(), until, job.jobId())
                .chain(v -> checked(key, job, value, v.refusal(), firstSeen, v.lookupFailed(), waitsEndBy));
    }

    /** {@code unresolved}: the URL's host could not be looked up within the job's time; nothing is called. */
    private Uni<Void> checked(
            String key,
            FulfillmentJob job,
            String value,
            Optional<String> refusal,
            Instant firstSeen,
            boolean unresolved,
            Instant waitsEndBy) {
        if (refusal.isPresent()) {
            return deadLetter(key, job, value, URL_REFUSED, "fulfillmentUrl " + refusal.get(), firstSeen);
        }
        if (!urlPolicy
                .fulfillmentIdOf(job.fulfillmentUrl())
                .map(job.fulfillmentId()::equals)
                .orElse(false)) {
            // neither id is quoted: the reason goes to logs, audit events and dead letters
            return deadLetter(
                    key,
                    job,
                    value,
                    INVALID_JOB,
                    "invalid job: fulfillmentId is not the fulfillment id fulfillmentUrl names",
                    firstSeen);
        }
        return open(job, value, firstSeen, unresolved, waitsEndBy);
    }

    private Uni<Void> open(
            FulfillmentJob job, String value, Instant firstSeen, boolean unresolved, Instant waitsEndBy) {
        String clear;
        try {
            clear = cipher.decrypt(job.fulfillmentToken(), job.fulfillmentId());
        } catch (RuntimeException e) {
            return deadLetter(
                    job.fulfillmentId(),
                    job,
                    value,
                    TOKEN_UNREADABLE,
                    "fulfillmentToken cannot be opened with a configured key",
                    firstSeen);
        }
        return store.posted(job.fulfillmentId()).chain(posted -> {
            if (posted) {
                return store.get(job.jobId())
                        .onFailure(InfrastructureRetry::permanent)
                        .recoverWithItem(e -> {
                            // the receiver has the result: nothing to settle from a state that does not read
                            LOG.warnf(
                                    "job %s: %s; skipping it as posted", job.jobId(), InfrastructureRetry.describe(e));
                            return Optional.empty();
                        })
                        .chain(found -> {
                            if (found.isPresent() && found.get().state() == JobState.posting) {
                                return settlePosted(job, found.get());
                            }
                            LOG.infof(
                                    "fulfillment %s already posted; skipping job %s", job.fulfillmentId(), job.jobId());
                            metrics.jobEnded(FulfillmentMetrics.SKIPPED);
                            if (found.isPresent() && found.get().state().terminal()) {
                                return Uni.createFrom().voidItem(); // a redelivery of a job that ended
                            }
                            return recordDuplicate(job);
                        });
            }
            return store.get(job.jobId()).onItemOrFailure().transformToUni((found, failure) -> {
                if (failure != null) {
                    return InfrastructureRetry.permanent(failure)
                            ? deadLetter(
                                    job.fulfillmentId(),
                                    job,
                                    value,
                                    STATE_UNREADABLE,
                                    InfrastructureRetry.describe(failure)
                                            + ": whether the job ran is unknown, so it is not run",
                                    firstSeen)
                            : Uni.createFrom().<Void>failure(failure);
                }
                if (found.isPresent() && found.get().state().terminal()) {
                    LOG.infof(
                            "job %s already %s; skipping",
                            job.jobId(), found.get().state().wire());
                    metrics.jobEnded(FulfillmentMetrics.SKIPPED);
                    return Uni.createFrom().voidItem();
                }
                return run(job, value, clear, found.orElse(null), firstSeen, unresolved, waitsEndBy);
            });
        });
    }

    /**
     * {@code unresolved}: the fulfillment URL's host could not be looked up until the job's time ran out (its
     * deadline or its hold limit), so its addresses are unchecked: the external API is not called and nothing is
     * posted to an address the policy has not judged. The job ends as a result that could not be posted (DLQ,
     * replayable while its deadline allows).
     */
    private Uni<Void> run(
            FulfillmentJob job,
            String value,
            String clearToken,
            JobRecord earlier,
            Instant firstSeen,
            boolean unresolved,
            Instant waitsEndBy) {
        Instant started = clock.instant();
        // The HTTP legs see the deadline cut to a sane horizon; the state keeps the one the job carries.
        FulfillmentJob bounded = FulfillmentHttp.bounded(job, started);
        AtomicReference<JobRecord> current = new AtomicReference<>(
                JobRecord.queued(job.jobId(), job.fulfillmentId(), job.receivedAt(), job.deadline(), started)
                        .replayHistory(earlier)
                        .to(JobState.calling));
        return store.put(current.get())
                .chain(() -> unresolved
                        ? Uni.createFrom()
                                .item(ExternalCallOutcome.failed(
                                        FulfillmentHttp.DEADLINE_EXCEEDED,
                                        "the fulfillment URL's host could not be looked up before the job's deadline"
                                                + " or the longest a job may wait",
                                        0))
                        : http.callExternal(
                                bounded, waitsEndBy, n -> LOG.debugf("job %s: external attempt %d", job.jobId(), n)))
                .chain(outcome -> {
                    JobRecord posting = current.get()
                            .externalDone(outcome.attempts(), clock.instant(), outcome.code(), outcome.message())
                            .to(JobState.posting);
                    current.set(posting);
                    return store.put(posting)
                            .chain(() -> unresolved
                                    ? Uni.createFrom()
                                            .item(new FulfillmentHttp.Posted(
                                                    false,
                                                    0,
                                                    "the fulfillmentUrl's host could not be looked up in DNS"))
                                    : http.postResult(
                                            bounded, clearToken, FulfillmentHttp.callbackBody(outcome), waitsEndBy))
                            .chain(posted -> finish(job, value, posting, outcome, posted, firstSeen));
                })
                // No attempt could send it (the same at every try, and a PermanentFailure, which the retry of the
                // whole job would not retry either but fail the channel with): the job is invalid.
                .onFailure(FulfillmentHttp.RequestNotBuilt.class)
                .recoverWithUni(e -> deadLetter(
                        job.fulfillmentId(), job, value, INVALID_JOB, "invalid job: " + e.getMessage(), firstSeen));
    }

    private Uni<Void> finish(
            FulfillmentJob job,
            String value,
            JobRecord posting,
            ExternalCallOutcome outcome,
            FulfillmentHttp.Posted posted,
            Instant firstSeen) {
        Instant now = clock.instant();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("jobId", job.jobId());
        data.put("fulfillmentId", job.fulfillmentId());
        data.put("attempts", outcome.attempts());
        data.put("callbackAttempts", posted.attempts());
        data.put("latencyMs", Duration.between(posting.startedAt(), now).toMillis());
        if (!outcome.complete()) {
            data.put("errorCode", outcome.code());
            data.put("errorMessage", outcome.message());
        }
        if (!posted.ok()) {
            // The receiver accepted nothing, so no posted mark: a replay from the DLQ posts again.
            data.put("callbackError", posted.detail());
            String reason = "the result (" + (outcome.complete() ? "complete" : "failed, " + outcome.code())
                    + ") could not be posted after " + posted.attempts() + " attempt(s): " + posted.detail();
            JobRecord record = posting.withError("CALLBACK_FAILED", posted.detail())
                    .finished(JobState.dead_lettered, posted.attempts(), now);
            LOG.warnf("job %s: the result could not be posted (%s); dead-lettering", job.jobId(), posted.detail());
            return deadLetters
                    .send(
                            job.fulfillmentId(),
                            value,
                            JobDeadLetter.of(job, CALLBACK_FAILED, reason, posted.attempts(), firstSeen, now))
                    .chain(() -> audit.emit(
                            AuditTypes.FULFILLMENT_CALLBACK_FAILED, job.fulfillmentId(), job.traceId(), data))
                    .chain(() -> audit.emit(
                            AuditTypes.FULFILLMENT_DEAD_LETTERED,
                            job.fulfillmentId(),
                            job.traceId(),
                            deadLetterData(job.jobId(), job.fulfillmentId(), CALLBACK_FAILED, reason)))
                    .chain(() -> store.put(record))
                    .invoke(() -> metrics.jobEnded(FulfillmentMetrics.CALLBACK_FAILED))
                    .replaceWithVoid();
        }
        JobState terminal = outcome.complete() ? JobState.complete : JobState.failed;
        JobRecord done = posting.finished(terminal, posted.attempts(), now);
        String type = outcome.complete() ? AuditTypes.FULFILLMENT_COMPLETED : AuditTypes.FULFILLMENT_FAILED;
        LOG.infof(
                "job %s (fulfillment %s) %s after %d external attempt(s)",
                job.jobId(), job.fulfillmentId(), terminal.wire(), outcome.attempts());
        // The receiver has the result: the mark is retried on its own until Redis takes it. Left to the retry of the
        // whole job, a Redis outage right here would run the job again and post its result twice.
        return retry.untilDone(
                        () -> "posted mark of fulfillment " + job.fulfillmentId(),
                        () -> store.markPosted(job.fulfillmentId(), job.jobId()))
                .chain(() -> audit.emit(type, job.fulfillmentId(), job.traceId(), data))
                .chain(() -> store.put(done))
                .invoke(() -> metrics.resultPosted(
                        Duration.between(job.receivedAt(), now),
                        outcome.complete() ? FulfillmentMetrics.COMPLETE : FulfillmentMetrics.FAILED))
                .invoke(() ->
                        metrics.jobEnded(outcome.complete() ? FulfillmentMetrics.COMPLETE : FulfillmentMetrics.FAILED))
                .replaceWithVoid();
    }

    /**
     * Another job posted this fulfillment's result (a client that sent the job again after a 503, whose first send
     * reached the broker after all, gets a second jobId): this one is recorded as a duplicate naming that job, so
     * {@code GET /v1/fulfillment/jobs/{jobId}} answers what became of it instead of 404 for good.
     */
    private Uni<Void> recordDuplicate(FulfillmentJob job) {
        Instant now = clock.instant();
        return store.postedBy(job.fulfillmentId())
                .chain(by -> by.isPresent() && by.get().equals(job.jobId())
                        ? Uni.createFrom().voidItem() // its own mark: its state expired first, nothing to add
                        : store.put(JobRecord.queued(
                                                job.jobId(), job.fulfillmentId(), job.receivedAt(), job.deadline(), now)
                                        .withError(
                                                "ALREADY_POSTED",
                                                "the result of fulfillment " + job.fulfillmentId() + " was posted by "
                                                        + by.map(id -> "job " + id)
                                                                .orElse("another job"))
                                        .finished(JobState.duplicate, 0, now))
                                .replaceWithVoid());
    }

    /**
     * The process died between the posted mark and the job's audit event: the receiver has the result, so it is not
     * posted again; the job's outcome (kept in its {@code posting} record) is audited and recorded now.
     */
    private Uni<Void> settlePosted(FulfillmentJob job, JobRecord posting) {
        boolean complete = posting.errorCode() == null;
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("jobId", job.jobId());
        data.put("fulfillmentId", job.fulfillmentId());
        data.put("attempts", posting.attempts());
        data.put("settledAfterRestart", true);
        if (!complete) {
            data.put("errorCode", posting.errorCode());
            data.put("errorMessage", posting.errorMessage());
        }
        LOG.infof(
                "job %s (fulfillment %s) was posted before a restart; recording it %s",
                job.jobId(), job.fulfillmentId(), complete ? "complete" : "failed");
        JobRecord done = posting.finished(
                complete ? JobState.complete : JobState.failed, posting.callbackAttempts(), clock.instant());
        return audit.emit(
                        complete ? AuditTypes.FULFILLMENT_COMPLETED : AuditTypes.FULFILLMENT_FAILED,
                        job.fulfillmentId(),
                        job.traceId(),
                        data)
                .chain(() -> store.put(done))
                .invoke(() -> metrics.jobEnded(complete ? FulfillmentMetrics.COMPLETE : FulfillmentMetrics.FAILED))
                .replaceWithVoid();
    }

    /** {@code key}: the record's key, kept on the DLQ record (the job's fulfillmentId when it has none). */
    private Uni<Void> deadLetter(
            String key, FulfillmentJob job, String value, String errorClass, String reason, Instant firstSeen) {
        return deadLetter(key, job, value, errorClass, reason, firstSeen, true);
    }

    /**
     * {@code mayIndex}: false for a record that must not touch its jobId's entry and state (they may be another
     * record's); it is then on the DLQ topic only, like a record without a usable jobId.
     */
    private Uni<Void> deadLetter(
            String key,
            FulfillmentJob job,
            String value,
            String errorClass,
            String reason,
            Instant firstSeen,
            boolean mayIndex) {
        // ids of a job that may be invalid: bounded for the event, the state and the log (the record keeps them whole)
        String jobId = job == null ? null : BoundedId.of(job.jobId());
        String fulfillmentId = job == null ? null : BoundedId.of(job.fulfillmentId());
        LOG.warnf("dead-lettering fulfillment job %s: %s (%s)", jobId, errorClass, reason);
        String subject = fulfillmentId != null ? fulfillmentId : jobId != null ? jobId : "unknown";
        // A job without a usable id is on the DLQ topic only: it cannot be listed or replayed by id.
        boolean indexed = mayIndex
                && jobId != null
                && UUID.matcher(jobId).matches()
                && job.receivedAt() != null
                && job.deadline() != null;
        Instant now = clock.instant();
        String recordKey = key != null ? key : job == null ? null : job.fulfillmentId();
        Uni<Void> sent = (indexed
                        ? deadLetters.send(
                                recordKey, value, JobDeadLetter.of(job, errorClass, reason, 1, firstSeen, now))
                        : deadLetters.send(recordKey, value, errorClass, reason, 1, firstSeen))
                .chain(() -> audit.emit(
                        AuditTypes.FULFILLMENT_DEAD_LETTERED,
                        subject,
                        job == null ? null : job.traceId(),
                        deadLetterData(jobId, fulfillmentId, errorClass, reason)))
                .invoke(() -> metrics.jobEnded(FulfillmentMetrics.DEAD_LETTERED));
        if (!indexed) {
            return sent;
        }
        JobRecord record = JobRecord.queued(jobId, fulfillmentId, job.receivedAt(), job.deadline(), firstSeen)
                .withError(errorClass, reason)
                .finished(JobState.dead_lettered, 0, now);
        return sent.chain(() -> store.get(jobId)
                        // a state that does not read is replaced (without its history)
                        .onFailure(InfrastructureRetry::permanent)
                        .recoverWithItem(Optional.empty()))
                .chain(earlier -> store.put(record.replayHistory(earlier.orElse(null))))
                .replaceWithVoid();
    }

    private static Map<String, Object> deadLetterData(
            String jobId, String fulfillmentId, String errorClass, String reason) {
        Map<String, Object> data = new LinkedHashMap<>();
        if (jobId != null) {
            data.put("jobId", jobId);
        }
        if (fulfillmentId != null) {
            data.put("fulfillmentId", fulfillmentId);
        }
        data.put("errorClass", errorClass);
        data.put("reason", reason);
        return data;
    }
}
