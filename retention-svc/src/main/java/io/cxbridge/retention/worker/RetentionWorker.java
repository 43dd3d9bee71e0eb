package io.cxbridge.retention.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxbridge.common.audit.AuditEmitter;
import io.cxbridge.common.kafka.RecordCheck;
import io.cxbridge.common.messaging.InfrastructureRetry;
import io.cxbridge.genesys.http.GenesysResponse;
import io.cxbridge.genesys.redaction.Redactor;
import io.cxbridge.genesys.retry.Backoff;
import io.cxbridge.genesys.retry.RetryAfter;
import io.cxbridge.model.Channels;
import io.cxbridge.model.Json;
import io.cxbridge.model.audit.AuditTypes;
import io.cxbridge.model.event.RetentionRequest;
import io.cxbridge.retention.config.RetentionConfig;
import io.cxbridge.retention.state.RequestRecord;
import io.cxbridge.retention.state.RequestState;
import io.cxbridge.retention.state.RequestStore;
import io.cxbridge.retention.webhook.RetentionWebhook;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.utils.Utils;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Consumes {@code cxbridge.retention.requests.v1} and deploys each policy: submit, poll the job, resolve one 409
 * overlap, record every step in Redis and on the audit topic. The record is acknowledged (committed) only when
 * the returned Uni completes, which is after the terminal state is in Redis and its audit event is acknowledged.
 *
 * <p>Redelivery is harmless: a terminal request is skipped, a request with a recorded job id resumes polling
 * that job (no second POST). A record that is not a valid request (too large, a malformed or unknown header, an
 * unknown schema version, not JSON, invalid) goes to {@code cxbridge.retention.requests.dlq.v1} with the reason.
 * Infrastructure failures (Redis, the audit or journal topic) are retried until they pass, with the fetch paused
 * meanwhile, instead of committing work that is not durable; business outcomes (upstream errors, timeouts) end
 * the request {@code failed}, so the channel never stops on a bad request.
 */
@ApplicationScoped
public class RetentionWorker {

    private static final Logger LOG = Logger.getLogger(RetentionWorker.class);

    private final RequestStore store;
    private final RetentionUpstream upstream;
    private final AuditEmitter audit;
    private final RetentionWebhook webhook;
    private final RetentionConfig config;
    private final Clock clock;
    private final Backoff pollBackoff;
    private final RequestDeadLetters deadLetters;
    private final InfrastructureRetry retry;
    private final Validator validator;
    private final RecordCheck recordCheck;
    private final Redactor redactor;

    public RetentionWorker(
            RequestStore store,
            RetentionUpstream upstream,
            AuditEmitter audit,
            RetentionWebhook webhook,
            RetentionConfig config,
            Clock clock,
            RequestDeadLetters deadLetters,
            InfrastructureRetry retry,
            Validator validator,
            Redactor redactor) {
        this.redactor = redactor;
        this.store = store;
        this.upstream = upstream;
        this.audit = audit;
        this.webhook = webhook;
        this.config = config;
        this.clock = clock;
        this.deadLetters = deadLetters;
        this.retry = retry;
        this.validator = validator;
        this.recordCheck = RecordCheck.of(config.maxRecordBytes());
        this.pollBackoff = new Backoff(
                config.poll().initialDelay(),
                config.poll().factor(),
                config.poll().maxDelay(),
                config.poll().jitter());
    }

    @Incoming(Channels.RETENTION_REQUESTS_IN)
    public Uni<Void> consume(Message<String> message) {
        Optional<IncomingKafkaRecordMetadata> meta = message.getMetadata(IncomingKafkaRecordMetadata.class);
        String key = meta.map(m -> m.getKey() == null ? null : String.valueOf(m.getKey()))
                .orElse(null);
        String value = message.getPayload();
        Optional<RecordCheck.Refusal> refusal = recordCheck.check(
                value == null ? 0 : Utils.utf8Length(value),
                meta.map(IncomingKafkaRecordMetadata::getHeaders).orElse(null));
        if (refusal.isEmpty()) {
            refusal = readable(value);
        }
        Uni<Void> work;
        if (refusal.isPresent()) {
            RecordCheck.Refusal r = refusal.get();
            work = retry.untilDone("dead-lettering retention record " + key, () -> {
                LOG.warnf("dead-lettering retention record (key %s): %s (%s)", key, r.errorClass(), r.reason());
                return deadLetters.send(key, value, r.errorClass(), r.reason());
            });
        } else {
            RetentionRequest request = parse(value);
            // Only infrastructure fails process() (business outcomes end the request failed): wait for Redis and
            // Kafka with the fetch paused (ConsumerHolds) rather than fail the request or stop the channel.
            work = retry.untilDone("retention request " + request.requestId(), () -> process(request))
                    // a failure no wait can mend (its state in Redis does not read): dead-lettered, and the
                    // partition goes on, rather than the channel failing on it at every restart
                    .onFailure(InfrastructureRetry::permanent)
                    .recoverWithUni(e -> retry.untilDone("dead-lettering retention request " + key, () -> {
                        String reason = InfrastructureRetry.describe(e)
                                + ": whether it was deployed is unknown, so it is not worked";
                        LOG.warnf(
                                "dead-lettering retention request %s: %s (%s)",
                                request.requestId(), RequestDeadLetters.STATE_UNREADABLE, reason);
                        return deadLetters.send(key, value, RequestDeadLetters.STATE_UNREADABLE, reason);
                    }));
        }
        return work.onItemOrFailure()
                .transformToUni((ok, failure) -> failure == null
                        ? Uni.createFrom().completionStage(message::ack)
                        // only at shutdown: stop with the record uncommitted (it is fetched again)
                        : Uni.createFrom().completionStage(() -> message.nack(failure)));
    }

    /** Why a record's value is not a request this worker can work, if it is not. */
    private Optional<RecordCheck.Refusal> readable(String value) {
        RetentionRequest request;
        try {
            request = parse(value);
        } catch (RuntimeException e) {
            return Optional.of(new RecordCheck.Refusal(
                    RequestDeadLetters.INVALID_REQUEST,
                    "not a RetentionRequest: malformed JSON or a field of the wrong type"));
        }
        if (request == null) {
            return Optional.of(
                    new RecordCheck.Refusal(RequestDeadLetters.INVALID_REQUEST, "not a RetentionRequest: empty"));
        }
        Set<String> problems = new TreeSet<>();
        for (ConstraintViolation<RetentionRequest> v : validator.validate(request)) {
            problems.add(v.getPropertyPath() + " " + v.getMessage());
        }
        return problems.isEmpty()
                ? Optional.empty()
                : Optional.of(new RecordCheck.Refusal(
                        RequestDeadLetters.INVALID_REQUEST, "invalid request: " + String.join(", ", problems)));
    }

    private static RetentionRequest parse(String value) {
        try {
            return value == null ? null : Json.mapper().readValue(value, RetentionRequest.class);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    Uni<Void> process(RetentionRequest request) {
        String objectType = request.policy().path("objectType").asText(null);
        return store.get(request.requestId())
                .chain(found -> {
                    if (found.isEmpty()) {
                        RequestRecord fresh = RequestRecord.queued(request.requestId(), objectType, clock.instant());
                        return store.create(fresh)
                                .chain(() -> store.get(request.requestId()))
                                .map(r -> r.orElse(fresh));
                    }
                    return Uni.createFrom().item(found.get());
                })
                .chain(record -> {
                    if (record.terminal()) {
                        LOG.debugf("retention request %s is already %s", record.requestId(), record.state());
                        return Uni.createFrom().voidItem();
                    }
                    if (request.dryRun()) {
                        return fail(request, record, "dry-run requests are planned, never deployed");
                    }
                    if (record.jobId() != null) {
                        return poll(
                                request,
                                record.state() == RequestState.polling
                                        ? record
                                        : record.to(RequestState.polling, clock.instant()),
                                0);
                    }
                    ObjectNode payload = ((ObjectNode) request.policy()).deepCopy();
                    if (record.mergedRetentionPeriod() != null) {
                        payload.put("retentionPeriod", record.mergedRetentionPeriod());
                        payload.set("replacesPolicyIds", Json.mapper().valueToTree(record.replacedPolicyIds()));
                    }
                    return submit(request, record, payload);
                });
    }

    private Uni<Void> submit(RetentionRequest request, RequestRecord record, ObjectNode payload) {
        return upstream.submit(payload).onFailure().recoverWithItem(e -> null).chain(r -> {
            if (r == null) {
                return fail(request, record, "Genesys could not be reached to submit the policy");
            }
            if (r.status() == 409) {
                return conflict(request, record, payload, r);
            }
            if (!r.ok()) {
                return fail(
                        request,
                        record,
                        "Genesys refused the policy: HTTP " + r.status() + " "
                                + RetentionUpstream.message(r, redactor));
            }
            String jobId = jobId(r);
            if (jobId == null) {
                return fail(request, record, "Genesys accepted the policy without a job id");
            }
            RequestRecord submitted = record.withJob(jobId).to(RequestState.submitted, clock.instant());
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("requestId", request.requestId());
            data.put("jobId", jobId);
            data.put("objectType", payload.path("objectType").asText());
            data.put("retentionPeriod", payload.path("retentionPeriod").asInt());
            data.put("resubmission", record.resubmissions() > 0);
            return durable(request, AuditTypes.RETENTION_SUBMITTED, data, submitted)
                    .chain(s -> poll(request, s.to(RequestState.polling, clock.instant()), 0));
        });
    }

    /** 409: merge with the overlapping policies and resubmit once; a second 409 ends the request failed. */
    private Uni<Void> conflict(
            RetentionRequest request, RequestRecord record, ObjectNode payload, GenesysResponse answer) {
        if (record.resubmissions() > 0) {
            return fail(
                    request,
                    record,
                    "Genesys answered 409 again after the merged resubmission: "
                            + RetentionUpstream.message(answer, redactor));
        }
        String objectType = payload.path("objectType").asText();
        int own = payload.path("retentionPeriod").asInt();
        JsonNode body = RetentionUpstream.readTree(answer.bodyAsString());
        return upstream.policies().onFailure().recoverWithItem(e -> null).chain(existing -> {
            if (existing == null) {
                return fail(request, record, "409 from Genesys, and the existing policies could not be listed");
            }
            List<JsonNode> overlapping =
                    RetentionUpstream.overlaps(existing, objectType, own, config.overlapWindowDays());
            Set<String> ids = new LinkedHashSet<>();
            int merged = own;
            for (JsonNode p : overlapping) {
                ids.add(p.path("id").asText());
                merged = Math.max(merged, p.path("retentionPeriod").asInt());
            }
            body.path("conflictingPolicyIds").forEach(id -> {
                existing.stream()
                        .filter(p -> p.path("id").asText().equals(id.asText()))
                        .findFirst()
                        .ifPresent(p -> ids.add(id.asText()));
            });
            for (JsonNode p : existing) {
                if (ids.contains(p.path("id").asText())) {
                    merged = Math.max(merged, p.path("retentionPeriod").asInt());
                }
            }
            RequestRecord mergedRecord = record.withMerge(merged, List.copyOf(ids));
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("requestId", request.requestId());
            data.put("objectType", objectType);
            data.put("requestedRetentionPeriod", own);
            data.put("mergedRetentionPeriod", merged);
            data.put("replacedPolicyIds", List.copyOf(ids));
            ObjectNode resubmit = payload.deepCopy();
            resubmit.put("retentionPeriod", merged);
            resubmit.set("replacesPolicyIds", Json.mapper().valueToTree(List.copyOf(ids)));
            return durable(request, AuditTypes.RETENTION_OVERLAP_DETECTED, data, mergedRecord)
                    .chain(saved -> submit(request, saved, resubmit));
        });
    }

    private Uni<Void> poll(RetentionRequest request, RequestRecord record, int attempt) {
        Uni<RequestRecord> saved =
                attempt == 0 ? store.put(record) : Uni.createFrom().item(record);
        return saved.chain(r -> {
            Instant since = r.pollingSince() != null ? r.pollingSince() : clock.instant();
            // Checked here when the polling starts or resumes; later, after each answer (so the last look at the
            // job is taken at the bound, not skipped).
            if (attempt == 0
                    && Duration.between(since, clock.instant())
                                    .compareTo(config.poll().bound())
                            > 0) {
                return fail(
                        request,
                        r,
                        "job " + r.jobId() + " did not complete within "
                                + config.poll().bound().toSeconds() + " s");
            }
            return upstream.job(r.jobId())
                    .onFailure()
                    .recoverWithItem(e -> null)
                    .chain(answer -> {
                        Duration retryAfter = null;
                        if (answer != null && answer.ok()) {
                            JsonNode job = RetentionUpstream.readTree(answer.bodyAsString());
                            String status = job.path("status").asText("");
                            if (status.equals("COMPLETED")) {
                                String policyId =
                                        job.path("result").path("policyId").asText(null);
                                return deployed(request, r.withPolicy(policyId));
                            }
                            if (status.equals("FAILED")) {
                                return fail(
                                        request,
                                        r,
                                        "job " + r.jobId() + " failed: "
                                                + RetentionUpstream.redacted(
                                                        job.path("errorMessage").asText("no reason given"), redactor));
                            }
                        } else if (answer != null && answer.status() == 404) {
                            return fail(request, r, "job " + r.jobId() + " is unknown to Genesys");
                        } else if (answer != null) {
                            retryAfter = RetryAfter.parse(answer.headers().get("Retry-After"), clock.instant())
                                    .orElse(null);
                        }
                        Duration left = config.poll().bound().minus(Duration.between(since, clock.instant()));
                        if (left.isNegative() || left.isZero()) {
                            return fail(
                                    request,
                                    r,
                                    "job " + r.jobId() + " did not complete within "
                                            + config.poll().bound().toSeconds() + " s");
                        }
                        Duration delay = pollDelay(pollBackoff.delay(attempt), retryAfter, left);
                        return Uni.createFrom()
                                .voidItem()
                                .onItem()
                                .delayIt()
                                .by(delay)
                                .chain(() -> poll(request, r, attempt + 1));
                    });
        });
    }

    private Uni<Void> deployed(RetentionRequest request, RequestRecord record) {
        RequestRecord done = record.to(RequestState.deployed, clock.instant());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("requestId", request.requestId());
        data.put("jobId", done.jobId());
        data.put("policyId", done.policyId());
        data.put("objectType", done.objectType());
        data.put("mergedRetentionPeriod", done.mergedRetentionPeriod());
        data.put("replacedPolicyIds", done.replacedPolicyIds());
        data.put("latencyMs", done.latencyMs());
        return finish(request, AuditTypes.RETENTION_DEPLOYED, data, done);
    }

    private Uni<Void> fail(RetentionRequest request, RequestRecord record, String reason) {
        LOG.infof("retention request %s failed: %s", request.requestId(), reason);
        RequestRecord done = record.withError(reason).to(RequestState.failed, clock.instant());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("requestId", request.requestId());
        data.put("jobId", done.jobId());
        data.put("objectType", done.objectType());
        data.put("error", reason);
        data.put("latencyMs", done.latencyMs());
        return finish(request, AuditTypes.RETENTION_FAILED, data, done);
    }

    private Uni<Void> finish(RetentionRequest request, String type, Map<String, Object> data, RequestRecord done) {
        // the audit event is sent only by the replica that claimed the end, before the end is written; a failure
        // (a lost claim, the audit topic away) retries the end alone: process() again could POST the policy twice
        return retry.untilDone(
                        () -> "recording the end of retention request " + request.requestId(),
                        () -> store.finish(
                                done,
                                RequestStore.outcomeCounts(done),
                                () -> audit.emit(type, request.requestId(), request.traceId(), data)))
                .invoke(applied -> {
                    // already finished by another replica: that one reported it
                    if (applied) {
                        webhook.notify(done, request.traceId());
                    }
                })
                .replaceWithVoid();
    }

    /** Audit first (acknowledged by the broker), then the state: the event is out before the step is recorded. */
    private Uni<RequestRecord> durable(
            RetentionRequest request, String type, Map<String, Object> data, RequestRecord record) {
        return audit.emit(type, request.requestId(), request.traceId(), data).chain(() -> store.put(record));
    }

    /**
     * The most a job answer's {@code Retry-After} makes the poll wait (as fulfillment-svc caps a callback's): the
     * records of a partition are worked one at a time, so an hour's Retry-After would hold every request behind it.
     */
    static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(30);

    /**
     * The wait before the next look at the job: the longer of the backoff and the answer's {@code Retry-After}
     * (capped at {@link #MAX_RETRY_AFTER}), never past the poll bound ({@code left}): the last look is at the bound.
     */
    static Duration pollDelay(Duration backoff, Duration retryAfter, Duration left) {
        Duration delay = backoff;
        if (retryAfter != null) {
            Duration capped = retryAfter.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : retryAfter;
            delay = capped.compareTo(delay) > 0 ? capped : delay;
        }
        return delay.compareTo(left) > 0 ? left : delay;
    }

    static String jobId(GenesysResponse r) {
        String header = r.headers().get("x-job-id");
        if (header != null && !header.isBlank()) {
            return header;
        }
        return RetentionUpstream.readTree(r.bodyAsString()).path("jobId").asText(null);
    }
}
