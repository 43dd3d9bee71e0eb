package io.cxbridge.fulfillment.worker;

import io.cxbridge.common.audit.AuditEmitter;
import io.cxbridge.fulfillment.state.JobRecord;
import io.cxbridge.fulfillment.state.JobState;
import io.cxbridge.fulfillment.state.JobStore;
import io.cxbridge.genesys.urlpolicy.FulfillmentUrlPolicy;
import io.cxbridge.model.Channels;
import io.cxbridge.model.Json;
import io.cxbridge.model.audit.AuditTypes;
import io.cxbridge.model.crypto.TokenCipher;
import io.cxbridge.model.event.FulfillmentJob;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes {@code cxbridge.fulfillment.jobs.v1}. A job that is invalid, whose URL the fulfillment URL policy refuses
 * (checked again here: a job may have bypassed the gateway) or whose token cannot be opened is dead-lettered with
 * the reason and no request is made to its URL. Otherwise: call the external API, then post the result
 * (complete or failed) to the fulfillment URL, mark the fulfillmentId posted in Redis, emit the audit event and
 * record the terminal state, all before the returned Uni completes (the record's commit).
 *
 * <p>A redelivered job whose fulfillmentId is marked posted, or whose state is terminal, is skipped. The clear
 * token lives only in a local variable and the {@code X-Fulfillment-Token} header; it is never logged, audited,
 * stored or put in a DLQ header.
 */
@ApplicationScoped
public class FulfillmentWorker {

    private static final Logger LOG = Logger.getLogger(FulfillmentWorker.class);

    static final Duration RETRY_BASE = Duration.ofMillis(500);
    static final Duration RETRY_MAX = Duration.ofSeconds(30);
    static final int RETRY_ATTEMPTS = 8;

    static final String INVALID_JOB = "invalid-job";
    static final String URL_REFUSED = "url-refused";
    static final String TOKEN_UNREADABLE = "token-unreadable";

    private final JobStore store;
    private final FulfillmentHttp http;
    private final DeadLetters deadLetters;
    private final AuditEmitter audit;
    private final FulfillmentUrlPolicy urlPolicy;
    private final TokenCipher cipher;
    private final Validator validator;
    private final Clock clock;

    public FulfillmentWorker(JobStore store, FulfillmentHttp http, DeadLetters deadLetters, AuditEmitter audit,
                             FulfillmentUrlPolicy urlPolicy, TokenCipher cipher, Validator validator, Clock clock) {
        this.store = store;
        this.http = http;
        this.deadLetters = deadLetters;
        this.audit = audit;
        this.urlPolicy = urlPolicy;
        this.cipher = cipher;
        this.validator = validator;
        this.clock = clock;
    }

    @Incoming(Channels.FULFILLMENT_JOBS_IN)
    public Uni<Void> consume(String value) {
        Instant firstSeen = clock.instant();
        FulfillmentJob job;
        try {
            job = Json.mapper().readValue(value, FulfillmentJob.class);
        } catch (Exception e) {
            return deadLetter(null, value, INVALID_JOB, "not a FulfillmentJob: malformed JSON or a field of the wrong type",
                    firstSeen);
        }
        if (job == null) {
            return deadLetter(null, value, INVALID_JOB, "not a FulfillmentJob: empty", firstSeen);
        }
        Set<String> problems = new TreeSet<>();
        for (ConstraintViolation<FulfillmentJob> v : validator.validate(job)) {
            problems.add(v.getPropertyPath() + " " + v.getMessage());
        }
        if (!problems.isEmpty()) {
            return deadLetter(job, value, INVALID_JOB, "invalid job: " + String.join(", ", problems), firstSeen);
        }
        // The policy resolves DNS: off the event loop.
        return Uni.createFrom().item(() -> urlPolicy.check(job.fulfillmentUrl()))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .chain(refusal -> refusal.isPresent()
                        ? deadLetter(job, value, URL_REFUSED, "fulfillmentUrl " + refusal.get(), firstSeen)
                        : open(job, value, firstSeen))
                // Only infrastructure fails here (Redis, the audit or DLQ topic): retry the job with backoff. A
                // retry after a successful post is skipped by the posted mark, or dropped by the receiver
                // (Idempotency-Key) when the mark was not written yet.
                .onFailure().invoke(e -> LOG.warnf("fulfillment job %s: %s; retrying", job.jobId(), e.toString()))
                .onFailure().retry().withBackOff(RETRY_BASE, RETRY_MAX).atMost(RETRY_ATTEMPTS)
                .onFailure().invoke(e -> LOG.errorf("fulfillment job %s could not be processed: %s", job.jobId(),
                        e.toString()));
    }

    private Uni<Void> open(FulfillmentJob job, String value, Instant firstSeen) {
        String clear;
        try {
            clear = cipher.decrypt(job.fulfillmentToken(), job.fulfillmentId());
        } catch (RuntimeException e) {
            return deadLetter(job, value, TOKEN_UNREADABLE, "fulfillmentToken cannot be opened with a configured key",
                    firstSeen);
        }
        return store.posted(job.fulfillmentId()).chain(posted -> {
            if (posted) {
                LOG.infof("fulfillment %s already posted; skipping job %s", job.fulfillmentId(), job.jobId());
                return Uni.createFrom().voidItem();
            }
            return store.get(job.jobId()).chain(found -> {
                if (found.isPresent() && found.get().state().terminal()) {
                    LOG.infof("job %s already %s; skipping", job.jobId(), found.get().state().wire());
                    return Uni.createFrom().voidItem();
                }
                return run(job, clear);
            });
        });
    }

    private Uni<Void> run(FulfillmentJob job, String clearToken) {
        Instant started = clock.instant();
        AtomicReference<JobRecord> current = new AtomicReference<>(
                JobRecord.queued(job.jobId(), job.fulfillmentId(), job.receivedAt(), job.deadline(), started)
                        .to(JobState.calling));
        return store.put(current.get())
                .chain(() -> http.callExternal(job, n -> LOG.debugf("job %s: external attempt %d", job.jobId(), n)))
                .chain(outcome -> {
                    JobRecord posting = current.get()
                            .externalDone(outcome.attempts(), clock.instant(), outcome.code(), outcome.message())
                            .to(JobState.posting);
                    current.set(posting);
                    return store.put(posting)
                            .chain(() -> http.postResult(job, clearToken, FulfillmentHttp.callbackBody(outcome)))
                            .chain(posted -> finish(job, posting, outcome, posted));
                });
    }

    private Uni<Void> finish(FulfillmentJob job, JobRecord posting, Outcome outcome, FulfillmentHttp.Posted posted) {
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
            // Not in this slice: the callback-failed DLQ path. The job is recorded failed and audited.
            data.put("callbackError", posted.detail());
            JobRecord failed = posting.withError("CALLBACK_FAILED", posted.detail())
                    .finished(JobState.failed, posted.attempts(), now);
            LOG.warnf("job %s: the result could not be posted: %s", job.jobId(), posted.detail());
            return audit.emit(AuditTypes.FULFILLMENT_CALLBACK_FAILED, job.fulfillmentId(), job.traceId(), data)
                    .chain(() -> store.put(failed)).replaceWithVoid();
        }
        JobState terminal = outcome.complete() ? JobState.complete : JobState.failed;
        JobRecord done = posting.finished(terminal, posted.attempts(), now);
        String type = outcome.complete() ? AuditTypes.FULFILLMENT_COMPLETED : AuditTypes.FULFILLMENT_FAILED;
        LOG.infof("job %s (fulfillment %s) %s after %d external attempt(s)", job.jobId(), job.fulfillmentId(),
                terminal.wire(), outcome.attempts());
        return store.markPosted(job.fulfillmentId(), job.jobId())
                .chain(() -> audit.emit(type, job.fulfillmentId(), job.traceId(), data))
                .chain(() -> store.put(done)).replaceWithVoid();
    }

    private Uni<Void> deadLetter(FulfillmentJob job, String value, String errorClass, String reason,
                                 Instant firstSeen) {
        String jobId = job == null ? null : job.jobId();
        String fulfillmentId = job == null ? null : job.fulfillmentId();
        LOG.warnf("dead-lettering fulfillment job %s: %s (%s)", jobId, errorClass, reason);
        Map<String, Object> data = new LinkedHashMap<>();
        if (jobId != null) {
            data.put("jobId", jobId);
        }
        if (fulfillmentId != null) {
            data.put("fulfillmentId", fulfillmentId);
        }
        data.put("errorClass", errorClass);
        data.put("reason", reason);
        String subject = fulfillmentId != null ? fulfillmentId : jobId != null ? jobId : "unknown";
        Uni<Void> sent = audit.emit(AuditTypes.FULFILLMENT_DEAD_LETTERED, subject, job == null ? null : job.traceId(),
                        data)
                .chain(() -> deadLetters.send(fulfillmentId, value, errorClass, reason, 1, firstSeen));
        if (jobId == null || jobId.isBlank() || jobId.length() > 128) {
            return sent;
        }
        Instant now = clock.instant();
        JobRecord record = JobRecord.queued(jobId, fulfillmentId, job.receivedAt(), job.deadline(), firstSeen)
                .withError(errorClass, reason).finished(JobState.dead_lettered, 0, now);
        return sent.chain(() -> store.put(record)).replaceWithVoid();
    }

}
