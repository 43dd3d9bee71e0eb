package io.cxbridge.fulfillment.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxbridge.common.dlq.DeadLetterIndex;
import io.cxbridge.common.dlq.StoredDeadLetter;
import io.cxbridge.common.kafka.BoundedId;
import io.cxbridge.common.kafka.DeadLetterRecord;
import io.cxbridge.model.Headers;
import io.cxbridge.model.Topics;
import io.cxbridge.testkit.RedisClient;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A job's dead letter that Kafka refused as too large goes as service-common's stub: its entry says so (the value's
 * size and SHA-256), the stub names its job ({@code cxbridge-dlq-id}) so a rebuild lists it, and a replay with no
 * value kept is a 409 saying the value was too large to keep, never one pointing to a topic that holds only the stub.
 * The index is real (redis-server); the DLQ channel is a stand-in that refuses the first record as too large.
 */
class DeadLetterStubUnitTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String JOB = """
            {"jobId": "%s", "fulfillmentId": "ff-1", "fulfillmentUrl": "https://api.mypurecloud.com/x/ff-1",
             "fulfillmentToken": "sealed", "receivedAt": "2026-01-01T00:00:00Z", "deadline": "%s"}""";

    @RegisterExtension
    static final RedisClient REDIS = new RedisClient();

    /** An index that keeps no record value (a spent payload budget). */
    private static DeadLetterIndex<JobDeadLetter, JobDeadLetter> index() {
        return new DeadLetterIndex<>(
                REDIS.api(),
                "stub-test-" + UUID.randomUUID(),
                Duration.ofDays(7),
                Clock.systemUTC(),
                JobDeadLetter.class,
                JobDeadLetter.class,
                Function.identity(),
                0);
    }

    /** The DLQ channel: refuses the first record as too large (as Kafka does one over its limits), takes the rest. */
    @SuppressWarnings("unchecked")
    private static MutinyEmitter<String> refusingFirst(List<Message<String>> sent) {
        return (MutinyEmitter<String>) Proxy.newProxyInstance(
                DeadLetterStubUnitTest.class.getClassLoader(), new Class<?>[] {MutinyEmitter.class}, (p, m, args) -> {
                    if (!m.getName().equals("sendMessage")) {
                        throw new UnsupportedOperationException(m.getName());
                    }
                    sent.add((Message<String>) args[0]);
                    return sent.size() == 1
                            ? Uni.createFrom().failure(new RecordTooLargeException("over max.request.size"))
                            : Uni.createFrom().voidItem();
                });
    }

    private static String header(Message<String> m, String name) {
        Header h = m.getMetadata(OutgoingKafkaRecordMetadata.class)
                .orElseThrow()
                .getHeaders()
                .lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static JobDeadLetter entry(String jobId, Instant deadline) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return new JobDeadLetter(jobId, "ff-1", "callback-failed", "HTTP 503", 3, now, now, deadline, null, null);
    }

    @Test
    void aStubbedDeadLetterIsIndexedAsSuchAndItsReplayIsRefusedAsTooLargeToKeep() {
        DeadLetterIndex<JobDeadLetter, JobDeadLetter> index = index();
        List<Message<String>> sent = new ArrayList<>();
        String jobId = UUID.randomUUID().toString();
        Instant deadline = Instant.now().plus(Duration.ofHours(1));
        String value = JOB.formatted(jobId, deadline);

        new JobDeadLetterWriter(refusingFirst(sent), index)
                .send("ff-1", value, entry(jobId, deadline))
                .await()
                .atMost(WAIT);

        assertThat(sent).hasSize(2);
        assertThat(sent.get(1).getPayload()).startsWith("{\"deadLetterStub\"");
        // both the record and its stub name the job, so a rebuild from the topic can list the stub
        assertThat(header(sent.get(0), Headers.DLQ_ID)).isEqualTo(jobId);
        assertThat(header(sent.get(1), Headers.DLQ_ID)).isEqualTo(jobId);
        StoredDeadLetter<JobDeadLetter> stored =
                index.get(jobId).await().atMost(WAIT).orElseThrow();
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        assertThat(stored.entry().dlqStub())
                .isEqualTo(new JobDeadLetter.DlqStub(bytes.length, BoundedId.sha256(bytes)));
        assertThat(stored.payload()).isNull();
        assertThat(DeadLetterEntry.of(stored).dlqStub())
                .isEqualTo(stored.entry().dlqStub());

        // the store, audit and jobs channel are never reached: the refusal comes first
        Replayer.Result result = new Replayer(index, null, null, null, Clock.systemUTC())
                .replay(jobId)
                .await()
                .atMost(WAIT);
        assertThat(result.refusal()).isPresent();
        Replayer.Refusal refusal = result.refusal().get();
        assertThat(refusal.status()).isEqualTo(409);
        assertThat(refusal.title()).isEqualTo("Payload too large to keep");
        assertThat(refusal.detail())
                .contains(jobId, String.valueOf(bytes.length), BoundedId.sha256(bytes), Topics.FULFILLMENT_JOBS_DLQ)
                .contains("only a stub");
    }

    @Test
    void theRebuildListsAStubByItsJobIdAsNotReplayable() {
        String jobId = UUID.randomUUID().toString();
        String value = JOB.formatted(jobId, Instant.now().plus(Duration.ofHours(1)));
        Instant at = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Message<String> stub = new DeadLetterRecord.Parts(
                        "ff-1", value, "callback-failed", "HTTP 503", 3, at.minusSeconds(5), jobId, at)
                .stub("Kafka refused the dead letter as too large: test");
        ConsumerRecord<String, String> record = asConsumed(stub, at);

        JobDeadLetter e = DeadLetterIndexRebuild.entry(record);
        assertThat(e).isNotNull();
        assertThat(e.jobId()).isEqualTo(jobId);
        assertThat(e.fulfillmentId()).isEqualTo("ff-1");
        assertThat(e.errorClass()).isEqualTo("callback-failed");
        assertThat(e.reason()).isEqualTo("HTTP 503");
        assertThat(e.attempts()).isEqualTo(3);
        assertThat(e.firstSeen()).isEqualTo(at.minusSeconds(5));
        assertThat(e.deadLetteredAt()).isEqualTo(at);
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        assertThat(e.dlqStub()).isEqualTo(new JobDeadLetter.DlqStub(bytes.length, BoundedId.sha256(bytes)));

        // restored as the rebuild does (no value: the stub is not the job's), its replay is refused as too large
        DeadLetterIndex<JobDeadLetter, JobDeadLetter> index = index();
        assertThat(index.restore(e, null, null, 0).await().atMost(WAIT)).isTrue();
        Replayer.Refusal refusal = new Replayer(index, null, null, null, Clock.systemUTC())
                .replay(jobId)
                .await()
                .atMost(WAIT)
                .refusal()
                .orElseThrow();
        assertThat(refusal.status()).isEqualTo(409);
        assertThat(refusal.title()).isEqualTo("Payload too large to keep");

        // a stub that names no job (a record refused unread, or one written before the header) stays off the list
        Message<String> unnamed = new DeadLetterRecord.Parts(
                        "ff-1", value, "callback-failed", "HTTP 503", 3, at, null, at)
                .stub("too large");
        assertThat(DeadLetterIndexRebuild.entry(asConsumed(unnamed, at))).isNull();
    }

    /** The record a consumer of the DLQ topic reads for {@code m}. */
    @SuppressWarnings("unchecked")
    private static ConsumerRecord<String, String> asConsumed(Message<String> m, Instant at) {
        OutgoingKafkaRecordMetadata<String> meta =
                m.getMetadata(OutgoingKafkaRecordMetadata.class).orElseThrow();
        ConsumerRecord<String, String> r = new ConsumerRecord<>(
                Topics.FULFILLMENT_JOBS_DLQ,
                0,
                0L,
                at.toEpochMilli(),
                org.apache.kafka.common.record.TimestampType.CREATE_TIME,
                ConsumerRecord.NULL_SIZE,
                ConsumerRecord.NULL_SIZE,
                meta.getKey(),
                m.getPayload(),
                meta.getHeaders(),
                java.util.Optional.empty());
        return r;
    }
}
