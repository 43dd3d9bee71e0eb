package io.cxbridge.retry.dlq;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cxbridge.common.audit.AuditEmitter;
import io.cxbridge.common.dlq.DeadLetterIndex;
import io.cxbridge.common.dlq.DeadLetterReplays;
import io.cxbridge.common.dlq.DeadLetterReplays.RecordOutcome;
import io.cxbridge.common.dlq.StoredDeadLetter;
import io.cxbridge.model.Channels;
import io.cxbridge.model.Headers;
import io.cxbridge.model.Json;
import io.cxbridge.model.audit.AuditTypes;
import io.cxbridge.model.event.FailedRun;
import io.cxbridge.model.retry.RunRecord;
import io.cxbridge.model.retry.RunState;
import io.cxbridge.retry.config.RetryConfig;
import io.cxbridge.retry.journal.RunJournal;
import io.cxbridge.retry.metrics.RetryMetrics;
import io.cxbridge.retry.state.RunStore;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.mutiny.redis.client.RedisAPI;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Replays dead letters: the run (same requestId, attempts reset to 0, its trace id kept) is republished to
 * {@code cxbridge.dataactions.failed-runs.v1} with the header {@code cxbridge-replayed-at}, and
 * {@code io.cxbridge.retry.replayed} is emitted. Before the republish, the DLQ entry gets its replay mark (set only
 * if absent: a second replay of the same dead letter is a 409) and the run state becomes {@code replayed} with a
 * one-time pass through the dedupe of finished runs; if the broker refuses the record both are undone.
 */
@ApplicationScoped
public class DlqReplayer {

    private static final Logger LOG = Logger.getLogger(DlqReplayer.class);

    public enum Status {
        REPLAYED,
        NOT_FOUND,
        NOT_REPLAYABLE,
        ALREADY_REPLAYED
    }

    public record Result(Status status, DlqEntry entry, Instant replayedAt) {}

    private final DeadLetterIndex<DlqEntry, DlqEntry.Summary> dlq;
    private final RunStore runs;
    private final MutinyEmitter<String> failedRuns;
    private final AuditEmitter audit;
    private final RetryMetrics metrics;
    private final Clock clock;
    private final RetryConfig config;
    private final RunJournal journal;

    public DlqReplayer(
            DeadLetterIndex<DlqEntry, DlqEntry.Summary> dlq,
            RunStore runs,
            @Channel(Channels.FAILED_RUNS_OUT) MutinyEmitter<String> failedRuns,
            AuditEmitter audit,
            RetryMetrics metrics,
            Clock clock,
            RetryConfig config,
            RunJournal journal) {
        this.journal = journal;
        this.config = config;
        this.dlq = dlq;
        this.runs = runs;
        this.failedRuns = failedRuns;
        this.audit = audit;
        this.metrics = metrics;
        this.clock = clock;
    }

    public Uni<Result> replay(String id) {
        return dlq.get(id)
                .chain(found -> {
                    if (found.isEmpty()) {
                        return Uni.createFrom().item(new Result(Status.NOT_FOUND, null, null));
                    }
                    DlqEntry entry = found.get().entry();
                    if (!entry.replayable()) {
                        return Uni.createFrom().item(new Result(Status.NOT_REPLAYABLE, entry, null));
                    }
                    if (found.get().replayed()) {
                        return Uni.createFrom()
                                .item(new Result(
                                        Status.ALREADY_REPLAYED,
                                        entry,
                                        found.get().replayedAt()));
                    }
                    Instant now = clock.instant();
                    return dlq.markReplayed(id, now)
                            .onFailure()
                            .transform(e -> new ReplayUnavailableException(
                                    "the replay could not be marked (" + describe(e) + ")"))
                            .chain(marked -> marked
                                    ? replayMarked(entry, now)
                                    : dlq.get(id)
                                            .map(e -> new Result(
                                                    Status.ALREADY_REPLAYED,
                                                    entry,
                                                    e.map(StoredDeadLetter::replayedAt)
                                                            .orElse(null))));
                })
                // Redis away before anything changed (the dead letter not read, the mark not set): 503, not 500.
                .onFailure(e -> !(e instanceof ReplayUnavailableException))
                .transform(
                        e -> new ReplayUnavailableException("the dead letter could not be read (" + describe(e) + ")"));
    }

    /** Bulk replays: jobs of {@link #replayOutcome}. */
    @Produces
    @Singleton
    DeadLetterReplays bulkReplays(RedisAPI redis) {
        return new DeadLetterReplays(redis, dlq, clock, config.dlqTtl(), this::replayOutcome);
    }

    /** One dead letter of a bulk replay: what {@link #replay} did, as the job records it. */
    public Uni<RecordOutcome> replayOutcome(String id) {
        return replay(id)
                .map(r -> switch (r.status()) {
                    case REPLAYED -> RecordOutcome.replayed(id);
                    case NOT_FOUND -> RecordOutcome.refused(id, 404, "no longer kept");
                    case NOT_REPLAYABLE ->
                        RecordOutcome.refused(
                                id, 409, "an invalid record (" + r.entry().reason() + ")");
                    case ALREADY_REPLAYED -> RecordOutcome.refused(id, 409, "already replayed at " + r.replayedAt());
                })
                .onFailure(ReplayUnavailableException.class)
                .recoverWithItem(e -> ((ReplayUnavailableException) e).happened()
                        ? RecordOutcome.replayed(id)
                        : RecordOutcome.failed(id, e.getMessage()));
    }

    /**
     * The replay after its mark was set. Any failure from here on (reading the run's state included: Redis away, a
     * stored state that does not read) undoes what was done, the mark always, and answers 503: a mark left set would
     * make the dead letter unreplayable for good.
     */
    private Uni<Result> replayMarked(DlqEntry entry, Instant now) {
        String requestId = entry.run().requestId();
        // Set once the run's state was read: only then was anything but the mark touched.
        AtomicReference<Optional<RunRecord>> read = new AtomicReference<>();
        return Uni.createFrom()
                .deferred(() -> runs.get(requestId))
                .chain(previous -> {
                    read.set(previous);
                    // Journaled first: a Redis rebuild restores the replayed state and its pass, or the one before.
                    return journal.write(base(entry, previous).replayed(now))
                            .ifNoItem()
                            .after(config.replayPublishTimeout())
                            .failWith(() -> new ReplayUnavailableException("the broker did not take the replayed state"
                                    + " within " + config.replayPublishTimeout().toMillis() + " ms"));
                })
                .chain(replayed -> runs.markReplayed(replayed))
                .chain(() -> publish(entry.run(), now))
                .onFailure()
                .call(e -> {
                    LOG.warnf("replay of %s failed (%s): undone", requestId, e.toString());
                    return undo(entry, read.get());
                })
                .onFailure(e -> !(e instanceof ReplayUnavailableException))
                .transform(e -> new ReplayUnavailableException("the replay did not go through (" + describe(e) + ")"))
                .chain(() -> audit.emit(
                                AuditTypes.RETRY_REPLAYED,
                                requestId,
                                entry.run().traceId(),
                                auditData(entry, now))
                        .onFailure()
                        .transform(e -> new ReplayUnavailableException(
                                "the replay was published but its audit event was not sent (" + describe(e) + ")",
                                true)))
                .invoke(() -> metrics.replayed().increment())
                .replaceWith(new Result(Status.REPLAYED, entry, now));
    }

    /** The run's state before the replay: the one stored, else what the dead letter says. */
    private static RunRecord base(DlqEntry entry, Optional<RunRecord> previous) {
        return previous.orElseGet(() -> RunRecord.pending(entry.run(), entry.originalPayload(), entry.firstSeen())
                .finished(RunState.dead_lettered, entry.attempts(), null, entry.reason(), entry.deadLetteredAt()));
    }

    /**
     * Puts back what a failed replay changed: the run's state and pass (when its state was read; before that nothing
     * of the run was touched) and the dead letter's mark. Never fails: the caller answers 503 either way.
     */
    private Uni<Void> undo(DlqEntry entry, Optional<RunRecord> previous) {
        String requestId = entry.run().requestId();
        Uni<Void> run = Uni.createFrom().voidItem();
        if (previous != null) {
            // The journal gets the state back when the broker takes it; Redis is undone at once.
            journal.write(base(entry, previous))
                    .subscribe()
                    .with(x -> {}, f -> LOG.warnf("journaling the undone replay of %s: %s", requestId, f.toString()));
            run = runs.unmarkReplayed(requestId, previous.orElse(null))
                    .onFailure()
                    .invoke(f -> LOG.warnf("undoing the replayed state of %s: %s", requestId, f.toString()))
                    .onFailure()
                    .recoverWithNull();
        }
        // The mark goes whether or not the run's state could be put back: a dead letter left marked is never
        // replayable.
        return run.chain(() -> dlq.unmarkReplayed(entry.id()))
                .onFailure()
                .invoke(f -> LOG.warnf("undoing the replay mark of %s: %s", entry.id(), f.toString()))
                .onFailure()
                .recoverWithNull()
                .replaceWithVoid();
    }

    /** A failure for the 503's detail: its kind and, for the service's own exceptions, their words (no values). */
    private static String describe(Throwable e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    private Uni<Void> publish(FailedRun run, Instant now) {
        FailedRun again = new FailedRun(
                run.requestId(),
                run.actionId(),
                run.originalRunId(),
                run.requestPayload(),
                0,
                run.firstFailedAt(),
                run.lastStatus(),
                run.traceId());
        String json;
        try {
            json = Json.mapper().writeValueAsString(again);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        RecordHeaders headers = new RecordHeaders();
        headers.add(Headers.REPLAYED_AT, now.toString().getBytes(StandardCharsets.UTF_8));
        Message<String> message = Message.of(json)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                        .withKey(run.actionId())
                        .withHeaders(headers)
                        .build());
        // A broker that does not take the record in time: 503, the mark undone. Should the producer still deliver it
        // later, the consumer skips it (no pass), and the caller's retry of the replay publishes it again.
        return Uni.createFrom()
                .deferred(() -> failedRuns.sendMessage(message))
                .ifNoItem()
                .after(config.replayPublishTimeout())
                .failWith(() -> new ReplayUnavailableException("the broker did not take the replayed run within "
                        + config.replayPublishTimeout().toMillis() + " ms"));
    }

    /**
     * A 503: the replay could not be done and nothing changed (try again later), or ({@link #happened}) it was
     * published and only its audit event failed (a repeat gets 409).
     */
    public static class ReplayUnavailableException extends RuntimeException {
        private final boolean happened;

        public ReplayUnavailableException(String message) {
            this(message, false);
        }

        public ReplayUnavailableException(String message, boolean happened) {
            super(message);
            this.happened = happened;
        }

        public boolean happened() {
            return happened;
        }
    }

    private static Map<String, Object> auditData(DlqEntry entry, Instant now) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("requestId", entry.run().requestId());
        data.put("actionId", entry.actionId());
        data.put("originalRunId", entry.originalRunId());
        data.put("errorClass", entry.errorClass());
        data.put("attemptsBeforeReplay", entry.attempts());
        data.put("deadLetteredAt", entry.deadLetteredAt().toString());
        data.put("replayedAt", now.toString());
        return data;
    }
}
