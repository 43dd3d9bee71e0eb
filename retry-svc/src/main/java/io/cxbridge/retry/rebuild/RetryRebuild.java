package io.cxbridge.retry.rebuild;

import io.cxbridge.common.dlq.DeadLetterIndex;
import io.cxbridge.common.kafka.TopicReplay;
import io.cxbridge.common.problem.ProblemResponses;
import io.cxbridge.common.redis.RedisRebuild;
import io.cxbridge.model.Headers;
import io.cxbridge.model.Json;
import io.cxbridge.model.Topics;
import io.cxbridge.model.event.FailedRun;
import io.cxbridge.model.retry.RunRecord;
import io.cxbridge.model.retry.RunState;
import io.cxbridge.retry.config.RetryConfig;
import io.cxbridge.retry.dlq.DlqEntry;
import io.cxbridge.retry.dlq.RunDeadLetterWriter;
import io.cxbridge.retry.state.RunStore;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.jboss.logging.Logger;

/**
 * Rebuilds retry-svc's Redis state after a data loss ({@code RedisEpoch}): the latest journaled state of every run
 * ({@code cxbridge.dataactions.retry-state.v1}) goes back as a pending run in the schedule, a dedupe mark for what is
 * left of its {@code done-ttl}, or a replay pass; then the DLQ index is rebuilt from
 * {@code cxbridge.dataactions.failed-runs.dlq.v1} (ids from {@code cxbridge-dlq-id}, replay marks from the journal).
 * State written to Redis since the loss is kept (it is at least as new as its journal record). The topics are read
 * with {@link TopicReplay#lastPerKey} and {@link TopicReplay#restoreLast}: memory holds ids and positions, and the
 * dead-lettered runs' journaled fields without their payloads, never the journal's values. A record that does
 * not read (a journal value, a DLQ record's {@code cxbridge-attempts} or {@code cxbridge-first-seen} header) is
 * skipped with a warning that names where it is, never its value: one bad record on a topic kept 30 days must not
 * fail every rebuild (and hold intake) for that long.
 */
@ApplicationScoped
public class RetryRebuild implements RedisRebuild {

    private static final Logger LOG = Logger.getLogger(RetryRebuild.class);
    private static final int CONCURRENCY = 64;

    private final Map<String, Object> kafkaConfig;
    private final RunStore runs;
    private final DeadLetterIndex<DlqEntry, DlqEntry.Summary> dlq;
    private final RetryConfig config;
    private final Clock clock;

    public RetryRebuild(
            @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig,
            RunStore runs,
            DeadLetterIndex<DlqEntry, DlqEntry.Summary> dlq,
            RetryConfig config,
            Clock clock) {
        this.kafkaConfig = kafkaConfig;
        this.runs = runs;
        this.dlq = dlq;
        this.config = config;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "retry-svc runs, dedupe marks and DLQ index";
    }

    @Override
    public Uni<Void> rebuild() {
        // Blocking reads and waits: on a worker thread.
        return Uni.createFrom()
                .item(() -> {
                    rebuildFromTopics();
                    return null;
                })
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .replaceWithVoid();
    }

    /**
     * Four passes, none of which holds more than keys, positions and one poll of records: where each dead letter's
     * last record is, where each run's last state is, the runs restored (keeping, for the dead-lettered ones only, what
     * their entries need), then the dead letters restored.
     */
    void rebuildFromTopics() {
        Instant now = clock.instant();
        Instant cutoff = now.minus(config.dlqTtl());
        AtomicLong unreadDlq = new AtomicLong();
        // The last record of an id is its entry (an earlier one was dead-lettered again after a replay).
        TopicReplay.LastPerKey deadLetters =
                TopicReplay.lastPerKey(kafkaConfig, Topics.FAILED_RUNS_DLQ, config.rebuildTimeout(), r -> {
                    try {
                        DlqEntry e = entry(r, Map.of());
                        return e.deadLetteredAt().isAfter(cutoff) ? e.id() : null;
                    } catch (MalformedHeader bad) {
                        unreadDlq.incrementAndGet();
                        LOG.warnf(
                                "dead-letter record %s-%d@%d unreadable, skipped: %s",
                                r.topic(), r.partition(), r.offset(), bad.getMessage());
                        return null;
                    }
                });
        TopicReplay.LastPerKey journal = TopicReplay.lastPerKey(
                kafkaConfig,
                Topics.RETRY_STATE,
                config.rebuildTimeout(),
                r -> r.key() == null || (r.value() != null && state(r, true) == null) ? null : r.key());
        LOG.infof("read %d journal records: %d runs", journal.read(), journal.size());
        Map<String, Journaled> dead = new ConcurrentHashMap<>();
        AtomicLong unscorable = new AtomicLong();
        long restored = TopicReplay.restoreLast(
                kafkaConfig,
                Topics.RETRY_STATE,
                config.rebuildTimeout(),
                journal,
                r -> {
                    RunRecord state = r.value() == null ? null : state(r, false);
                    if (state == null) {
                        // a tombstone: the run is gone
                        return Uni.createFrom().item(false);
                    }
                    if (deadLetters.contains(r.key())) {
                        dead.put(r.key(), Journaled.of(state));
                    }
                    if (state.state() == RunState.pending && !RunStore.scorable(state)) {
                        // An older version journaled an unbounded Retry-After's time: it cannot be scheduled. One such
                        // state must not fail every rebuild (and hold intake) while the journal keeps it.
                        unscorable.incrementAndGet();
                        LOG.warnf(
                                "journal record %s-%d@%d skipped: its next attempt time cannot be scheduled",
                                r.topic(), r.partition(), r.offset());
                        return Uni.createFrom().item(false);
                    }
                    return runs.restore(state, now);
                },
                CONCURRENCY);
        LOG.infof(
                "restored %d of %d journaled runs (the rest were in Redis or expired; %d skipped: next attempt time"
                        + " out of range)",
                restored, journal.size(), unscorable.get());
        TopicReplay.restoreLast(
                kafkaConfig,
                Topics.FAILED_RUNS_DLQ,
                config.rebuildTimeout(),
                deadLetters,
                r -> {
                    DlqEntry e = entry(r, dead);
                    Journaled state = dead.get(e.id());
                    Instant replayedAt = state != null
                                    && state.replayedAt() != null
                                    && !state.replayedAt().isBefore(e.deadLetteredAt())
                            ? state.replayedAt()
                            : null;
                    return dlq.restore(e, null, replayedAt, replayedAt == null ? 0 : 1);
                },
                CONCURRENCY);
        LOG.infof("re-indexed %d dead letters (%d unreadable records skipped)", deadLetters.size(), unreadDlq.get());
    }

    /** A journaled state, or null (with a warning when {@code warn}) for one that does not read. */
    private static RunRecord state(ConsumerRecord<String, String> r, boolean warn) {
        try {
            return Json.mapper().readValue(r.value(), RunRecord.class);
        } catch (Exception e) {
            if (warn) {
                // the schema's words, not Jackson's message: that quotes the run's values
                LOG.warnf(
                        "journal record %s-%d@%d unreadable, skipped: %s",
                        r.topic(), r.partition(), r.offset(), ProblemResponses.unreadableDetail(e, "the record"));
            }
            return null;
        }
    }

    /**
     * What a dead letter's entry takes from its run's last journaled state: the run as intake completed it, without
     * its request payload (the dead letter's record holds the same one), and when it was last replayed.
     */
    record Journaled(FailedRun run, Instant replayedAt) {

        static Journaled of(RunRecord state) {
            FailedRun r = state.run();
            return new Journaled(
                    new FailedRun(
                            r.requestId(),
                            r.actionId(),
                            r.originalRunId(),
                            null,
                            r.attempt(),
                            r.firstFailedAt(),
                            r.lastStatus(),
                            r.traceId()),
                    state.replayedAt());
        }

        /** The run with {@code payload}'s request payload, or null when the payload does not read. */
        FailedRun with(FailedRun payload) {
            return payload == null
                    ? null
                    : new FailedRun(
                            run.requestId(),
                            run.actionId(),
                            run.originalRunId(),
                            payload.requestPayload(),
                            run.attempt(),
                            run.firstFailedAt(),
                            run.lastStatus(),
                            run.traceId());
        }
    }

    /** A header of a DLQ record that does not read; the message names the header, never its value. */
    static final class MalformedHeader extends RuntimeException {
        MalformedHeader(String header, String expected) {
            super("header " + header + " is not " + expected, null, false, false);
        }
    }

    /**
     * A dead letter as it was indexed when written, from its DLQ record and the run's journaled state; fails with
     * {@link MalformedHeader} when a header it needs does not read.
     */
    static DlqEntry entry(ConsumerRecord<String, String> r, Map<String, Journaled> states) {
        String errorClass = header(r, Headers.ERROR_CLASS);
        FailedRun payload = parse(r.value());
        String id = header(r, Headers.DLQ_ID);
        if (id == null) {
            id = payload != null && payload.requestId() != null
                    ? payload.requestId()
                    : "invalid-"
                            + UUID.nameUUIDFromBytes((r.topic() + "/" + r.partition() + "/" + r.offset())
                                    .getBytes(StandardCharsets.UTF_8));
        }
        Journaled state = states.get(id);
        FailedRun run =
                RunDeadLetterWriter.INVALID.equals(errorClass) ? null : state != null ? state.with(payload) : payload;
        FailedRun described = run != null ? run : payload;
        String requestId = run != null ? run.requestId() : payload != null ? id : null;
        String attempts = header(r, Headers.ATTEMPTS);
        String firstSeen = header(r, Headers.FIRST_SEEN);
        Instant at = Instant.ofEpochMilli(r.timestamp());
        int attemptCount;
        Instant first;
        try {
            attemptCount = attempts == null ? 0 : Integer.parseInt(attempts.trim());
        } catch (NumberFormatException e) {
            throw new MalformedHeader(Headers.ATTEMPTS, "a number");
        }
        try {
            first = firstSeen == null ? at : Instant.parse(firstSeen.trim());
        } catch (DateTimeParseException e) {
            throw new MalformedHeader(Headers.FIRST_SEEN, "an ISO-8601 instant");
        }
        return new DlqEntry(
                id,
                requestId,
                described != null ? described.actionId() : r.key(),
                described == null ? null : described.originalRunId(),
                errorClass,
                header(r, Headers.ERROR_REASON),
                attemptCount,
                first,
                at,
                described == null ? null : described.traceId(),
                run,
                r.value() == null ? "" : r.value());
    }

    private static FailedRun parse(String value) {
        try {
            return value == null ? null : Json.mapper().readValue(value, FailedRun.class);
        } catch (Exception e) {
            return null;
        }
    }

    private static String header(ConsumerRecord<String, String> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
