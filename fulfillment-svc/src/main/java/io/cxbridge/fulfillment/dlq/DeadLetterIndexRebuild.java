package io.cxbridge.fulfillment.dlq;

import io.cxbridge.common.dlq.DeadLetterIndex;
import io.cxbridge.common.kafka.RecordCheck;
import io.cxbridge.common.kafka.TopicReplay;
import io.cxbridge.common.redis.RedisRebuild;
import io.cxbridge.model.Headers;
import io.cxbridge.model.Json;
import io.cxbridge.model.Topics;
import io.cxbridge.model.event.FulfillmentJob;
import io.cxbridge.model.event.Ids;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.jboss.logging.Logger;

/**
 * Rebuilds the DLQ index from {@code cxbridge.fulfillment.jobs.dlq.v1}, its system of record, after Redis lost its
 * data (called by service-common's {@code RedisEpoch}, consumption held meanwhile). The last record of a jobId is
 * its entry; earlier ones of the same jobId were replays. What only Redis knew is not rebuilt: a replay not
 * dead-lettered again shows as not replayed (replaying it again is refused as already posted, or runs it once more
 * with the same Idempotency-Key). Entries written since the loss are kept. A stub dead letter of a job is listed as
 * not replayable ({@link JobDeadLetter#dlqStub}): the topic never had its value.
 */
@ApplicationScoped
public class DeadLetterIndexRebuild implements RedisRebuild {

    private static final Logger LOG = Logger.getLogger(DeadLetterIndexRebuild.class);
    private static final Pattern UUID = Pattern.compile(Ids.UUID_REGEX);
    static final Duration READ_TIMEOUT = Duration.ofMinutes(2);
    private static final int CONCURRENCY = 16;
    /** Refused before their value was read: the worker lists them on the topic only, so the rebuild does too. */
    private static final Set<String> REFUSED_UNREAD = Set.of(
            RecordCheck.TOO_LARGE,
            RecordCheck.MALFORMED_HEADER,
            RecordCheck.UNKNOWN_HEADER,
            RecordCheck.UNKNOWN_SCHEMA_VERSION);

    private final Map<String, Object> kafkaConfig;
    private final DeadLetterIndex<JobDeadLetter, JobDeadLetter> index;

    public DeadLetterIndexRebuild(
            @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig,
            DeadLetterIndex<JobDeadLetter, JobDeadLetter> index) {
        this.kafkaConfig = kafkaConfig;
        this.index = index;
    }

    @Override
    public String name() {
        return "fulfillment dlq index";
    }

    @Override
    public Uni<Void> rebuild() {
        // Two passes (TopicReplay): memory holds jobIds, never payloads.
        return TopicReplay.restoreLastPerKey(
                        kafkaConfig,
                        Topics.FULFILLMENT_JOBS_DLQ,
                        READ_TIMEOUT,
                        r -> {
                            JobDeadLetter e = entry(r);
                            return e == null ? null : e.jobId();
                        },
                        (last, r) -> {
                            JobDeadLetter e = entry(r);
                            // earlier records of the same jobId were replays; a stub's value is not the job's
                            return index.restore(
                                    e, e.dlqStub() == null ? r.value() : null, null, last.records(e.jobId()) - 1);
                        },
                        CONCURRENCY)
                .invoke(done -> LOG.infof(
                        "fulfillment dlq index: %d record(s) read, %d job(s) listed, %d restored",
                        done.read(), done.keys(), done.restored()))
                .replaceWithVoid();
    }

    /**
     * The entry a DLQ record stands for, or null for one that names no job (listed on the topic only). A stub (Kafka
     * refused the dead letter as too large) names its job by its {@code cxbridge-dlq-id} header: it is listed as not
     * replayable, its value lost to the DLQ (size and SHA-256 kept), its deadline and trace id unknown.
     */
    static JobDeadLetter entry(ConsumerRecord<String, String> r) {
        if (REFUSED_UNREAD.contains(header(r, Headers.ERROR_CLASS))) {
            return null;
        }
        Optional<JobDeadLetter.DlqStub> stub = JobDeadLetter.DlqStub.of(r.value());
        if (stub.isPresent()) {
            String jobId = header(r, Headers.DLQ_ID);
            return jobId == null || !UUID.matcher(jobId).matches()
                    ? null
                    : new JobDeadLetter(
                            jobId,
                            r.key(),
                            header(r, Headers.ERROR_CLASS),
                            header(r, Headers.ERROR_REASON),
                            attempts(r),
                            instant(header(r, Headers.FIRST_SEEN), Instant.ofEpochMilli(r.timestamp())),
                            Instant.ofEpochMilli(r.timestamp()),
                            null,
                            null,
                            stub.get());
        }
        FulfillmentJob job;
        try {
            job = r.value() == null ? null : Json.mapper().readValue(r.value(), FulfillmentJob.class);
        } catch (Exception e) {
            return null;
        }
        if (job == null
                || job.jobId() == null
                || !UUID.matcher(job.jobId()).matches()
                || job.receivedAt() == null
                || job.deadline() == null) {
            return null;
        }
        Instant at = Instant.ofEpochMilli(r.timestamp());
        Instant firstSeen = instant(header(r, Headers.FIRST_SEEN), at);
        return new JobDeadLetter(
                job.jobId(),
                job.fulfillmentId(),
                header(r, Headers.ERROR_CLASS),
                header(r, Headers.ERROR_REASON),
                attempts(r),
                firstSeen,
                at,
                job.deadline(),
                job.traceId(),
                null);
    }

    private static int attempts(ConsumerRecord<?, ?> r) {
        try {
            return Integer.parseInt(header(r, Headers.ATTEMPTS));
        } catch (RuntimeException e) {
            return 1; // the header is ours; a missing one counts as one attempt
        }
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static Instant instant(String s, Instant fallback) {
        try {
            return s == null ? fallback : Instant.parse(s);
        } catch (RuntimeException e) {
            return fallback;
        }
    }
}
