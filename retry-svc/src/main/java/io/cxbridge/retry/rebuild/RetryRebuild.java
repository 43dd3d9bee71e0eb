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
import io.cxbridge.retry.config.RetryConfig;
import io.cxbridge.retry.dlq.DlqEntry;
import io.cxbridge.retry.dlq.RunDeadLetterWriter;
import io.cxbridge.retry.state.RunStore;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.jboss.logging.Logger;

/**
 * Rebuilds retry-svc's Redis state after a data loss ({@code RedisEpoch}): the latest journaled state of every run
 * ({@code cxbridge.dataactions.retry-state.v1}) goes back as a pending run in the schedule, a dedupe mark for what is
 * left of its {@code done-ttl}, or a replay pass; then the DLQ index is rebuilt from
 * {@code cxbridge.dataactions.failed-runs.dlq.v1} (ids from {@code cxbridge-dlq-id}, replay marks from the journal).
 * State written to Redis since the loss is kept (it is at least as new as its journal record). A record that does
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
    private final DeadLetterIndex<DlqEntry> dlq;
    private final RetryConfig config;
    private final Clock clock;

    public RetryRebuild(
            @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig,
            RunStore runs,
            DeadLetterIndex<DlqEntry> dlq,
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
        return Uni.createFrom()
                .item(this::readJournal)
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .chain(states -> restoreRuns(states)
                        .chain(() -> Uni.createFrom()
                                .item(this::readDlq)
                                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool()))
                        .chain(records -> restoreDlq(records, states)));
    }

    Map<String, RunRecord> readJournal() {
        Map<String, RunRecord> latest = new HashMap<>();
        long n = TopicReplay.read(kafkaConfig, Topics.RETRY_STATE, config.rebuildTimeout(), r -> {
            if (r.key() == null) {
                return;
            }
            if (r.value() == null) {
                latest.remove(r.key());
                return;
            }
            try {
                latest.put(r.key(), Json.mapper().readValue(r.value(), RunRecord.class));
            } catch (Exception e) {
                // the schema's words, not Jackson's message: that quotes the run's values
                LOG.warnf(
                        "journal record %s-%d@%d unreadable, skipped: %s",
                        r.topic(), r.partition(), r.offset(), ProblemResponses.unreadableDetail(e, "the record"));
            }
        });
        LOG.infof("read %d journal records: %d runs", n, latest.size());
        return latest;
    }

    private Uni<Void> restoreRuns(Map<String, RunRecord> states) {
        Instant now = clock.instant();
        AtomicLong restored = new AtomicLong();
        return Multi.createFrom()
                .iterable(states.values())
                .onItem()
                .transformToUni(r -> runs.restore(r, now).invoke(w -> {
                    if (w) {
                        restored.incrementAndGet();
                    }
                }))
                .merge(CONCURRENCY)
                .collect()
                .last()
                .invoke(() -> LOG.infof(
                        "restored %d of %d journaled runs (the rest were in Redis or expired)",
                        restored.get(), states.size()))
                .replaceWithVoid();
    }

    List<ConsumerRecord<String, String>> readDlq() {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        TopicReplay.read(kafkaConfig, Topics.FAILED_RUNS_DLQ, config.rebuildTimeout(), records::add);
        return records;
    }

    private Uni<Void> restoreDlq(List<ConsumerRecord<String, String>> records, Map<String, RunRecord> states) {
        Instant cutoff = clock.instant().minus(config.dlqTtl());
        // The last record of an id is its entry (an earlier one was dead-lettered again after a replay).
        Map<String, DlqEntry> last = new LinkedHashMap<>();
        long skipped = 0;
        for (ConsumerRecord<String, String> r : records) {
            DlqEntry e;
            try {
                e = entry(r, states);
            } catch (MalformedHeader bad) {
                skipped++;
                LOG.warnf(
                        "dead-letter record %s-%d@%d unreadable, skipped: %s",
                        r.topic(), r.partition(), r.offset(), bad.getMessage());
                continue;
            }
            if (e.deadLetteredAt().isAfter(cutoff)) {
                last.put(e.id(), e);
            }
        }
        long unread = skipped;
        List<DlqEntry> entries = new ArrayList<>(last.values());
        return Multi.createFrom()
                .iterable(entries)
                .onItem()
                .transformToUni(e -> {
                    RunRecord state = states.get(e.id());
                    Instant replayedAt = state != null
                                    && state.replayedAt() != null
                                    && !state.replayedAt().isBefore(e.deadLetteredAt())
                            ? state.replayedAt()
                            : null;
                    return dlq.restore(e, null, replayedAt, replayedAt == null ? 0 : 1);
                })
                .merge(CONCURRENCY)
                .collect()
                .last()
                .invoke(() ->
                        LOG.infof("re-indexed %d dead letters (%d unreadable records skipped)", entries.size(), unread))
                .replaceWithVoid();
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
    static DlqEntry entry(ConsumerRecord<String, String> r, Map<String, RunRecord> states) {
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
        RunRecord state = states.get(id);
        FailedRun run = RunDeadLetterWriter.INVALID.equals(errorClass) ? null : state != null ? state.run() : payload;
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
