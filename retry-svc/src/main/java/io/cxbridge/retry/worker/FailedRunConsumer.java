package io.cxbridge.retry.worker;

import io.cxbridge.common.audit.AuditEmitter;
import io.cxbridge.common.kafka.BoundedId;
import io.cxbridge.common.messaging.InfrastructureRetry;
import io.cxbridge.common.messaging.PerKeyTurns;
import io.cxbridge.common.problem.ProblemResponses;
import io.cxbridge.common.trace.TraceIds;
import io.cxbridge.genesys.retry.Backoff;
import io.cxbridge.model.Channels;
import io.cxbridge.model.Headers;
import io.cxbridge.model.Json;
import io.cxbridge.model.audit.AuditTypes;
import io.cxbridge.model.event.FailedRun;
import io.cxbridge.model.problem.Violation;
import io.cxbridge.model.retry.RunRecord;
import io.cxbridge.model.retry.RunState;
import io.cxbridge.model.validation.Violations;
import io.cxbridge.retry.config.RetryConfig;
import io.cxbridge.retry.dlq.DlqEntry;
import io.cxbridge.retry.dlq.RunDeadLetterWriter;
import io.cxbridge.retry.journal.RunJournal;
import io.cxbridge.retry.state.RunStore;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.Validator;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes {@code cxbridge.dataactions.failed-runs.v1}. A record that is bad in itself (over {@code max-record-bytes},
 * a malformed {@code cxbridge-replayed-at} or unknown {@code cxbridge-schema-version} header, not JSON, invalid) is
 * dead-lettered with the reason and the other records are processed. A valid run is journaled as pending
 * ({@link RunJournal}) and then admitted into the schedule in Redis, due after the backoff's step for its incoming
 * {@code attempt} ({@code base} for a new run); the {@link Resubmitter} does every attempt. A run without a
 * requestId gets one derived from the record's topic, partition and offset, so a redelivery is the same run. A
 * requestId already known (pending, or finished in the last {@code done-ttl}) is skipped. With {@code max-pending}
 * runs scheduled the consumer is held and the records in hand wait for room. A poll's records are worked
 * {@code intake-concurrency} at a time (runs with the same requestId in turn) and committed together when the
 * returned Uni completes; Kafka or Redis away: the records in hand are retried until they answer (the fetch is
 * paused meanwhile, {@code ConsumerHolds}). A run whose state would not fit the journal ({@code max-state-bytes}, with
 * room for its attempts) is dead-lettered as invalid at intake; a run that fails in a way no wait can mend
 * ({@link InfrastructureRetry#permanent}: a state refused as too large, a value that does not serialise or read) is
 * dead-lettered as invalid with that reason, and the batch goes on.
 */
@ApplicationScoped
public class FailedRunConsumer {

    private static final Logger LOG = Logger.getLogger(FailedRunConsumer.class);

    /** The only payload schema version known; a record without the header is version 1. */
    static final String SCHEMA_VERSION = "1";

    private final RunStore store;
    private final RunDeadLetterWriter deadLetters;
    private final AuditEmitter audit;
    private final Validator validator;
    private final Clock clock;
    private final RetryConfig config;
    private final RunJournal journal;
    private final Backoff backoff;
    private final InfrastructureRetry infra;
    private final Intake intake;
    private final Resubmitter resubmitter;
    private final PerKeyTurns turns = new PerKeyTurns();

    public FailedRunConsumer(
            RunStore store,
            RunDeadLetterWriter deadLetters,
            AuditEmitter audit,
            Validator validator,
            Clock clock,
            RetryConfig config,
            RunJournal journal,
            Backoff backoff,
            InfrastructureRetry infra,
            Intake intake,
            Resubmitter resubmitter) {
        this.resubmitter = resubmitter;
        this.config = config;
        this.store = store;
        this.deadLetters = deadLetters;
        this.audit = audit;
        this.validator = validator;
        this.clock = clock;
        this.journal = journal;
        this.backoff = backoff;
        this.infra = infra;
        this.intake = intake;
    }

    /** The schedule is full: the record waits (retried) with the consumer held. */
    static final class ScheduleFull extends RuntimeException {
        ScheduleFull(int max) {
            super(max + " runs are pending (max-pending): waiting for room", null, false, false);
        }
    }

    /**
     * A poll's records, up to {@code intake-concurrency} at once; runs with the same requestId one after the other in
     * offset order. The batch is acknowledged (its offsets committed) once every record's outcome is durable.
     */
    @Incoming(Channels.FAILED_RUNS_IN)
    public Uni<Void> consume(ConsumerRecords<String, String> records) {
        return Multi.createFrom()
                .iterable(records)
                .onItem()
                .transformToUni(this::consume)
                .merge(Math.max(1, config.intakeConcurrency()))
                .onItem()
                .ignoreAsUni();
    }

    /**
     * One record: checked and parsed once; only what needs Redis or Kafka is retried (until they answer), in its
     * requestId's turn.
     */
    Uni<Void> consume(ConsumerRecord<String, String> record) {
        String where = record.topic() + "-" + record.partition() + "@" + record.offset();
        Step step = step(record);
        String label = "failed-run record " + where;
        return turns.run(
                step.requestId(),
                () -> infra.<Void>untilDone(label, step.work()::get)
                        .onFailure(e -> step.unkept() != null && InfrastructureRetry.permanent(e))
                        .recoverWithUni(e ->
                                infra.<Void>untilDone(label, () -> step.unkept().apply(e))));
    }

    /**
     * What a record asks for: its work, the requestId it is admitted under (null: nothing is admitted) and, for a
     * run, how it is dead-lettered when its work fails permanently (null: the failure goes to the channel).
     */
    record Step(String requestId, Supplier<Uni<Void>> work, Function<Throwable, Uni<Void>> unkept) {}

    private static Step deadLetter(Supplier<Uni<Void>> work) {
        return new Step(null, work, null);
    }

    Step step(ConsumerRecord<String, String> record) {
        Instant now = clock.instant();
        String key = record.key();
        String value = record.value();
        String derivedId = derivedId(record.topic(), record.partition(), record.offset());
        int size = value == null ? 0 : value.getBytes(StandardCharsets.UTF_8).length;
        if (size > config.maxRecordBytes()) {
            return deadLetter(() -> invalid(
                    key,
                    truncated(value),
                    null,
                    derivedId,
                    "record of " + size + " bytes is over the limit of " + config.maxRecordBytes() + " bytes",
                    now));
        }
        Instant replayedAt;
        try {
            String version = header(record, Headers.SCHEMA_VERSION);
            if (version != null && !SCHEMA_VERSION.equals(version.trim())) {
                return deadLetter(() -> invalid(
                        key,
                        value,
                        null,
                        derivedId,
                        "unknown schema version in header " + Headers.SCHEMA_VERSION + ": '" + abbreviate(version)
                                + "' (known: " + SCHEMA_VERSION + ")",
                        now));
            }
            String replayed = header(record, Headers.REPLAYED_AT);
            replayedAt = replayed == null ? null : Instant.parse(replayed);
        } catch (DateTimeParseException e) {
            return deadLetter(() -> invalid(
                    key,
                    value,
                    null,
                    derivedId,
                    "malformed header " + Headers.REPLAYED_AT + ": '" + abbreviate(header(record, Headers.REPLAYED_AT))
                            + "' is not an ISO-8601 instant",
                    now));
        }
        return step(key, value, replayedAt, derivedId);
    }

    Step step(String key, String value, Instant replayedAt, String derivedId) {
        Instant now = clock.instant();
        FailedRun parsed;
        try {
            parsed = value == null ? null : Json.mapper().readValue(value, FailedRun.class);
        } catch (Exception e) {
            // never Jackson's message: it quotes the value it stopped at, which may be a customer's phone number
            String reason = "not a FailedRun JSON object: " + ProblemResponses.unreadableDetail(e, "the record");
            return deadLetter(() -> invalid(key, value, null, derivedId, reason, now));
        }
        if (parsed == null) {
            return deadLetter(() -> invalid(key, value, null, derivedId, "empty record", now));
        }
        FailedRun run = withRequestId(parsed, derivedId).withDefaults(clock, TraceIds::current);
        List<Violation> violations = Violations.of(validator, run);
        if (!violations.isEmpty()) {
            String reason =
                    violations.stream().map(v -> v.field() + " " + v.message()).collect(Collectors.joining("; "));
            return deadLetter(() -> invalid(key != null ? key : run.actionId(), value, run, derivedId, reason, now));
        }
        Instant due = NextAttempt.first(
                backoff,
                run.attempt(),
                config.initialDelay(),
                now,
                NextAttempt.longestWait(config.pendingTtl(), config.claimLease()));
        RunRecord pending = RunRecord.pending(run, value, now, due, replayedAt);
        String dlqKey = key != null ? key : run.actionId();
        String json;
        try {
            json = RunJournal.json(pending);
        } catch (RuntimeException e) {
            return deadLetter(() -> invalid(dlqKey, value, run, derivedId, unkeptReason(e), now));
        }
        long stateBytes = RunJournal.bytes(json);
        long room = RunJournal.growth(config.maxAttempts());
        if (stateBytes + room > config.maxStateBytes()) {
            // Journaled, it would be refused by the producer (or on a later attempt, as its history grows): the
            // record would never commit. The state keeps the payload twice (the run and the consumed value).
            return deadLetter(() -> invalid(
                    dlqKey,
                    value,
                    run,
                    derivedId,
                    "run too large to keep: its state would be " + stateBytes + " bytes, with room for "
                            + config.maxAttempts() + " attempts over max-state-bytes (" + config.maxStateBytes()
                            + ")",
                    now));
        }
        return new Step(
                run.requestId(),
                () -> admitNew(pending, json),
                e -> unkept(dlqKey, value, run, derivedId, pending, e, now));
    }

    private static String unkeptReason(Throwable e) {
        return "the run cannot be kept: " + InfrastructureRetry.describe(e);
    }

    /**
     * The run's work failed in a way no wait can mend: dead-lettered as invalid with the reason, and its state
     * journaled as dead-lettered (a pending state journaled before the failure must not come back in a rebuild)
     * when the journal takes it.
     */
    private Uni<Void> unkept(
            String key, String value, FailedRun run, String derivedId, RunRecord pending, Throwable e, Instant now) {
        String reason = unkeptReason(e);
        LOG.warnf("failed run %s cannot be kept (%s); dead-lettering it", run.requestId(), reason);
        return invalid(key, value, run, derivedId, reason, now)
                .chain(() -> journal.write(
                                pending.finished(RunState.dead_lettered, pending.attempts(), null, reason, now))
                        .onFailure(InfrastructureRetry::permanent)
                        .recoverWithItem(f -> {
                            LOG.warnf(
                                    "run %s: its dead-lettered state is not journaled: %s",
                                    run.requestId(), InfrastructureRetry.describe(f));
                            return null;
                        }))
                .replaceWithVoid();
    }

    /** Skips a requestId already known; else journals and admits the run, waiting while the schedule is full. */
    private Uni<Void> admitNew(RunRecord pending, String json) {
        return store.admissible(pending.requestId()).chain(admissible -> {
            if (!admissible) {
                LOG.debugf("failed run %s is already known; skipping the redelivered record", pending.requestId());
                return Uni.createFrom().voidItem();
            }
            // A full schedule is waited out here, polled often (room comes as runs finish), not as an outage.
            return Uni.createFrom()
                    .deferred(() -> admitWhenRoom(pending, json))
                    .onFailure(ScheduleFull.class)
                    .retry()
                    .withBackOff(Duration.ofMillis(100), Duration.ofMillis(500))
                    .indefinitely();
        });
    }

    /** Journals and admits the run when the schedule has room; fails with {@link ScheduleFull} (consumer held). */
    private Uni<Void> admitWhenRoom(RunRecord pending, String json) {
        return store.pendingCount()
                .chain(count -> count >= config.maxPending()
                        ? full()
                        : journal.write(pending, json)
                                .chain(() -> store.admit(pending))
                                .chain(admission -> {
                                    if (admission == RunStore.Admission.FULL) {
                                        return full();
                                    }
                                    intake.held(Intake.FULL, false, null);
                                    // The poll loop may be asleep past this run's first attempt.
                                    resubmitter.scheduled(pending.nextAttemptAt());
                                    return Uni.createFrom().voidItem();
                                }));
    }

    private Uni<Void> full() {
        intake.held(Intake.FULL, true, "max-pending (" + config.maxPending() + ") runs are scheduled");
        return Uni.createFrom().failure(new ScheduleFull(config.maxPending()));
    }

    /** A run produced without a requestId gets one from where it is in Kafka: a redelivery is the same run. */
    private static FailedRun withRequestId(FailedRun run, String derivedId) {
        return run.requestId() != null || derivedId == null ? run : run.withRequestId(derivedId);
    }

    static String derivedId(String topic, int partition, long offset) {
        return topic == null
                ? null
                : UUID.nameUUIDFromBytes((topic + "/" + partition + "/" + offset).getBytes(StandardCharsets.UTF_8))
                        .toString();
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header h = record.headers() == null ? null : record.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** What a DLQ record keeps of an oversized value: its beginning, so people can see what it was. */
    private static String truncated(String value) {
        return value.substring(0, Math.min(value.length(), 1024));
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }

    private Uni<Void> invalid(String key, String value, FailedRun run, String derivedId, String reason, Instant now) {
        LOG.infof("dead-lettering an invalid failed-run record: %s", reason);
        // Ids of an invalid record are anything a producer sent (a key of megabytes arrives gzipped): bounded before
        // they name Redis keys and sets or fill an entry kept for dlq-ttl.
        String requestId = run == null ? null : BoundedId.of(run.requestId());
        String actionId = BoundedId.of(run == null ? key : run.actionId());
        String traceId = run == null ? null : BoundedId.of(run.traceId());
        Map<String, Object> data = new LinkedHashMap<>();
        String subject = requestId != null ? requestId : key != null ? key : "unknown";
        data.put("requestId", requestId);
        data.put("actionId", actionId);
        data.put("errorClass", RunDeadLetterWriter.INVALID);
        data.put("reason", reason);
        data.put("attempts", 0);
        String id = requestId != null ? requestId : derivedId != null ? derivedId : "invalid-" + UUID.randomUUID();
        DlqEntry entry = new DlqEntry(
                id,
                requestId,
                actionId,
                run == null ? null : BoundedId.of(run.originalRunId()),
                RunDeadLetterWriter.INVALID,
                reason,
                0,
                now,
                now,
                traceId,
                null,
                value == null ? "" : value);
        return deadLetters
                .send(key, entry)
                .chain(() -> audit.emit(
                        AuditTypes.RETRY_DEAD_LETTERED, subject, run == null ? TraceIds.current() : traceId, data));
    }
}
