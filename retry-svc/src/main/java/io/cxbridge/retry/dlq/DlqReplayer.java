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
        return dlq.get(id).chain(found -> {
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
                                Status.ALREADY_REPLAYED, entry, found.get().replayedAt()));
            }
            Instant now = clock.instant();
            return dlq.markReplayed(id, now)
                    .chain(marked -> marked
                            ? replayMarked(entry, now)
                            : dlq.get(id)
                                    .map(e -> new Result(
                                            Status.ALREADY_REPLAYED,
                                            entry,
                                            e.map(StoredDeadLetter::replayedAt).orElse(null))));
        });
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
                .recoverWithItem(e -> RecordOutcome.failed(id, e.getMessage()));
    }

    private Uni<Result> replayMarked(DlqEntry entry, Instant now) {
        String requestId = entry.run().requestId();
        return runs.get(requestId).chain(previous -> {
            RunRecord base = previous.orElseGet(() -> RunRecord.pending(
                            entry.run(), entry.originalPayload(), entry.firstSeen())
                    .finished(RunState.dead_lettered, entry.attempts(), null, entry.reason(), entry.deadLetteredAt()));
            // Journaled first: a Redis rebuild restores the replayed state and its pass, or the state before it.
            return journal.write(base.replayed(now))
                    .ifNoItem()
                    .after(config.replayPublishTimeout())
                    .failWith(() -> new ReplayUnavailableException("the broker did not take the replayed state within "
                            + config.replayPublishTimeout().toMillis() + " ms"))
                    .chain(replayed -> runs.markReplayed(replayed))
                    .chain(() -> publish(entry.run(), now))
                    .onFailure()
                    .call(e -> {
                        LOG.warnf("replay of %s not published (%s): undone", requestId, e.toString());
                        // The journal gets the state back when the broker takes it; Redis is undone at once.
                        journal.write(base)
                                .subscribe()
                                .with(
                                        x -> {},
                                        f -> LOG.warnf(
                                                "journaling the undone replay of %s: %s", requestId, f.toString()));
                        return runs.unmarkReplayed(requestId, previous.orElse(null))
                                .chain(() -> dlq.unmarkReplayed(entry.id()))
                                .onFailure()
                                .recoverWithNull();
                    })
                    .onFailure(e -> !(e instanceof ReplayUnavailableException))
                    .transform(e -> new ReplayUnavailableException("the replayed run was not published: " + e))
                    .chain(() -> audit.emit(
                            AuditTypes.RETRY_REPLAYED, requestId, entry.run().traceId(), auditData(entry, now)))
                    .invoke(() -> metrics.replayed().increment())
                    .replaceWith(new Result(Status.REPLAYED, entry, now));
        });
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

    /** The replay could not be published: nothing changed, try again later. */
    public static class ReplayUnavailableException extends RuntimeException {
        public ReplayUnavailableException(String message) {
            super(message);
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
