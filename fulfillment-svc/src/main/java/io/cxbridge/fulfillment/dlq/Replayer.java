package io.cxbridge.fulfillment.dlq;

import io.cxbridge.common.audit.AuditEmitter;
import io.cxbridge.common.dlq.DeadLetterIndex;
import io.cxbridge.common.dlq.DeadLetterReplays;
import io.cxbridge.common.dlq.DeadLetterReplays.RecordOutcome;
import io.cxbridge.common.dlq.StoredDeadLetter;
import io.cxbridge.fulfillment.config.FulfillmentConfig;
import io.cxbridge.fulfillment.state.JobRecord;
import io.cxbridge.fulfillment.state.JobState;
import io.cxbridge.fulfillment.state.JobStore;
import io.cxbridge.model.Channels;
import io.cxbridge.model.Topics;
import io.cxbridge.model.audit.AuditTypes;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.mutiny.redis.client.RedisAPI;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * Hands a dead-lettered job back to {@code cxbridge.fulfillment.jobs.v1}: the original record value (its token still
 * sealed), keyed by fulfillmentId. Refused while the job's deadline has passed (it could only be answered
 * {@code DEADLINE_EXCEEDED}), when its result was posted since, while it is in progress, and for a record that is not
 * a valid job, while it is marked replayed (until it is dead-lettered again), and when its value is kept neither in
 * the index nor on the DLQ topic (a stub dead letter). The DLQ entry gets its replay mark
 * (set only if absent, so two replays at once publish once) and the job's state becomes {@code replayed} before the
 * record is published (so the consumer, which skips terminal jobs, runs it again; both are undone if the broker refuses
 * it), then {@code io.cxbridge.fulfillment.replayed} is emitted.
 */
@ApplicationScoped
public class Replayer {

    private static final Logger LOG = Logger.getLogger(Replayer.class);
    static final Duration ACK_TIMEOUT = Duration.ofSeconds(10);

    /** Why a replay was refused: an HTTP status and a message for the problem. */
    public record Refusal(int status, String title, String detail) {}

    /** The result of a replay: the updated entry, or why not. */
    public record Result(Optional<DeadLetterEntry> replayed, Optional<Refusal> refusal) {
        static Result refused(int status, String title, String detail) {
            return new Result(Optional.empty(), Optional.of(new Refusal(status, title, detail)));
        }

        static Result ok(DeadLetterEntry entry) {
            return new Result(Optional.of(entry), Optional.empty());
        }
    }

    private final DeadLetterIndex<JobDeadLetter, JobDeadLetter> index;
    private final JobStore store;
    private final AuditEmitter audit;
    private final MutinyEmitter<String> jobs;
    private final Clock clock;

    public Replayer(
            DeadLetterIndex<JobDeadLetter, JobDeadLetter> index,
            JobStore store,
            AuditEmitter audit,
            @Channel(Channels.FULFILLMENT_JOBS_OUT) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 256)
                    MutinyEmitter<String> jobs,
            Clock clock) {
        this.index = index;
        this.store = store;
        this.audit = audit;
        this.jobs = jobs;
        this.clock = clock;
    }

    public Uni<Result> replay(String jobId) {
        return index.get(jobId).chain(found -> {
            if (found.isEmpty()) {
                return Uni.createFrom().item(Result.refused(404, "Not Found", "no dead-lettered job " + jobId));
            }
            StoredDeadLetter<JobDeadLetter> stored = found.get();
            JobDeadLetter entry = stored.entry();
            if (JobDeadLetterWriter.INVALID_JOB.equals(entry.errorClass())) {
                return Uni.createFrom()
                        .item(Result.refused(
                                422,
                                "Not replayable",
                                "job " + jobId + " was dead-lettered as an invalid job (" + entry.reason()
                                        + "); replaying it would dead-letter it again"));
            }
            if (stored.payload() == null && entry.dlqStub() != null) {
                // before the deadline: a stub rebuilt from the topic has none, and the value is what is missing
                return Uni.createFrom().item(tooLargeToKeep(entry));
            }
            Instant now = clock.instant();
            if (entry.deadline() == null || !now.isBefore(entry.deadline())) {
                return Uni.createFrom()
                        .item(Result.refused(
                                409,
                                "Deadline passed",
                                "the deadline of job " + jobId + " (" + entry.deadline()
                                        + ") has passed: it can no longer" + " be replayed"));
            }
            return store.posted(entry.fulfillmentId())
                    .chain(posted -> posted
                            ? Uni.createFrom()
                                    .item(Result.refused(
                                            409,
                                            "Already posted",
                                            "a result for fulfillment " + entry.fulfillmentId()
                                                    + " has been posted since; nothing to replay"))
                            : store.get(jobId).chain(state -> {
                                if (state.isPresent() && !state.get().state().terminal()) {
                                    return Uni.createFrom()
                                            .item(Result.refused(
                                                    409,
                                                    "In progress",
                                                    "job " + jobId + " is "
                                                            + state.get()
                                                                    .state()
                                                                    .wire() + "; replay it once it has ended"));
                                }
                                if (stored.replayed()) {
                                    return Uni.createFrom()
                                            .item(Result.refused(
                                                    409,
                                                    "Already replayed",
                                                    "job " + jobId
                                                            + " was replayed at " + stored.replayedAt()
                                                            + "; follow it at "
                                                            + "/v1/fulfillment/jobs/" + jobId));
                                }
                                if (stored.payload() == null && stored.payloadOmitted()) {
                                    return Uni.createFrom().item(onlyOnTopic(entry));
                                }
                                return stored.payload() == null
                                        ? Uni.createFrom()
                                                .item(Result.refused(
                                                        404,
                                                        "Not Found",
                                                        "the record of job " + jobId + " is no longer kept"))
                                        : index.markReplayed(jobId, now)
                                                .chain(marked -> marked
                                                        ? publish(stored, state.orElse(null), now)
                                                        : Uni.createFrom()
                                                                .item(Result.refused(
                                                                        409,
                                                                        "Already replayed",
                                                                        "job " + jobId + " was replayed meanwhile")));
                            }));
        });
    }

    /**
     * 409: the dead letter's record value was not kept in the index (the payload budget,
     * {@code cxbridge.fulfillment.dlq.payload-budget}, was spent when it was dead-lettered): it is only on the DLQ
     * topic, where an operator can find it by key and time and produce it to the jobs topic again.
     */
    static Result onlyOnTopic(JobDeadLetter entry) {
        return Result.refused(
                409,
                "Payload only on the DLQ topic",
                "the record of job " + entry.jobId() + " was not kept for replay (the DLQ payload budget"
                        + " cxbridge.fulfillment.dlq.payload-budget was spent); it is only on the DLQ topic "
                        + Topics.FULFILLMENT_JOBS_DLQ + ", key " + entry.fulfillmentId() + ", dead-lettered at "
                        + entry.deadLetteredAt());
    }

    /**
     * 409: Kafka refused the dead letter as too large, so the DLQ topic holds only a stub of it (the value's size and
     * SHA-256), and the index did not keep the value (its payload budget was spent, or the index was rebuilt from the
     * topic): there is nothing to replay from. The source topic keeps the job's record until its retention ends.
     */
    static Result tooLargeToKeep(JobDeadLetter entry) {
        JobDeadLetter.DlqStub stub = entry.dlqStub();
        return Result.refused(
                409,
                "Payload too large to keep",
                "the record of job " + entry.jobId() + " (" + stub.valueBytes() + " bytes, SHA-256 "
                        + stub.valueSha256() + ") was too large for the DLQ topic " + Topics.FULFILLMENT_JOBS_DLQ
                        + ", which holds only a stub of it, and was not kept for replay; it may still be on "
                        + Topics.FULFILLMENT_JOBS + " (key " + entry.fulfillmentId() + ") until that topic's retention"
                        + " ends");
    }

    /** Bulk replays: jobs of {@link #replayOutcome}. */
    @Produces
    @Singleton
    DeadLetterReplays bulkReplays(RedisAPI redis, FulfillmentConfig config) {
        return new DeadLetterReplays(redis, index, clock, config.stateTtl(), this::replayOutcome);
    }

    /** One dead letter of a bulk replay: what {@link #replay} did, as the job records it. */
    public Uni<RecordOutcome> replayOutcome(String jobId) {
        return replay(jobId)
                .map(r -> r.refusal()
                        .map(x -> RecordOutcome.refused(jobId, x.status(), x.detail()))
                        .orElseGet(() -> RecordOutcome.replayed(jobId)))
                .onFailure()
                .recoverWithItem(e -> RecordOutcome.failed(jobId, "not handed back: " + e));
    }

    /** The mark is set: the state, then the record; a record the broker refuses undoes both (a new state is deleted). */
    private Uni<Result> publish(StoredDeadLetter<JobDeadLetter> stored, JobRecord before, Instant now) {
        JobDeadLetter entry = stored.entry();
        JobRecord base = before != null
                ? before
                : JobRecord.queued(entry.jobId(), entry.fulfillmentId(), null, entry.deadline(), now)
                        .finished(JobState.dead_lettered, 0, now);
        JobRecord replayedState = base.replayed(now);
        DeadLetterEntry replayedEntry =
                DeadLetterEntry.of(new StoredDeadLetter<>(entry, null, now, stored.replays() + 1));
        String payload = stored.payload();
        Message<String> record = Message.of(payload)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                        .withKey(entry.fulfillmentId())
                        .build());
        return store.put(replayedState)
                .chain(() -> Uni.createFrom()
                        .deferred(() -> jobs.sendMessage(record))
                        .ifNoItem()
                        .after(ACK_TIMEOUT)
                        .fail())
                .onFailure()
                .call(e -> {
                    LOG.warnf("replay of job %s not taken by the broker: %s", entry.jobId(), e.toString());
                    // A job without a state before (expired, or lost with Redis) has none again: left `replayed`,
                    // every replay would be refused as in progress until it expired (7 days).
                    Uni<?> restoreState = before == null ? store.delete(entry.jobId()) : store.put(before);
                    return restoreState
                            .chain(() -> index.unmarkReplayed(entry.jobId()))
                            .onFailure()
                            .recoverWithNull();
                })
                .chain(() -> {
                    Map<String, Object> data = new LinkedHashMap<>();
                    data.put("jobId", entry.jobId());
                    data.put("fulfillmentId", entry.fulfillmentId());
                    data.put("errorClass", entry.errorClass());
                    data.put("replays", replayedEntry.replays());
                    return audit.emit(AuditTypes.FULFILLMENT_REPLAYED, entry.fulfillmentId(), entry.traceId(), data);
                })
                .invoke(() -> LOG.infof(
                        "job %s (fulfillment %s) replayed from the DLQ", entry.jobId(), entry.fulfillmentId()))
                .replaceWith(Result.ok(replayedEntry));
    }
}
