package io.cxbridge.common.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.cxbridge.model.Headers;
import io.cxbridge.model.Json;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

/** A dead letter Kafka refuses as too large goes as a stub: a dead letter never stops a consumer. */
class DeadLetterRecordUnitTest {

    static final Instant FIRST_SEEN = Instant.parse("2026-03-02T09:14:07.731Z");

    final List<Message<String>> sent = new ArrayList<>();

    static Map<String, String> headers(Message<String> m) {
        Map<String, String> h = new LinkedHashMap<>();
        for (Header header :
                m.getMetadata(OutgoingKafkaRecordMetadata.class).orElseThrow().getHeaders()) {
            h.put(header.key(), new String(header.value(), UTF_8));
        }
        return h;
    }

    static Object key(Message<String> m) {
        return m.getMetadata(OutgoingKafkaRecordMetadata.class).orElseThrow().getKey();
    }

    @Test
    void aRecordTheProducerRefusesAsTooLargeIsSentAsAStubWithItsSizeAndSha256() throws Exception {
        String value = "{\"padding\":\"" + "x".repeat(9 * 1024 * 1024) + "\"}";
        String hugeKey = "k-" + "k".repeat(400_000);
        DeadLetterRecord.Parts parts = new DeadLetterRecord.Parts(
                hugeKey, value, "record-too-large", "the value is 9 MiB", 1, FIRST_SEEN, null, null);

        DeadLetterRecord.send(parts, m -> {
                    sent.add(m);
                    return sent.size() == 1
                            ? Uni.createFrom()
                                    .failure(
                                            new RecordTooLargeException(
                                                    "The message is 9437330 bytes when serialized which is larger than 8388608"))
                            : Uni.createFrom().voidItem();
                })
                .await()
                .atMost(Duration.ofSeconds(5));

        assertThat(sent).hasSize(2);
        assertThat(sent.get(0).getPayload()).isSameAs(value);
        Message<String> stub = sent.get(1);
        assertThat(key(stub)).isEqualTo(BoundedId.of(hugeKey));
        var json = Json.mapper().readTree(stub.getPayload()).path("deadLetterStub");
        assertThat(json.path("valueBytes").asLong()).isEqualTo(value.getBytes(UTF_8).length);
        assertThat(json.path("valueSha256").asText()).isEqualTo(BoundedId.sha256(value.getBytes(UTF_8)));
        assertThat(json.path("reason").asText()).contains("too large", "8388608");
        assertThat(headers(stub))
                .containsEntry(Headers.ERROR_CLASS, "record-too-large")
                .containsEntry(Headers.ERROR_REASON, "the value is 9 MiB")
                .containsEntry(Headers.ATTEMPTS, "1")
                .containsEntry(Headers.FIRST_SEEN, FIRST_SEEN.toString());
    }

    @Test
    void anyOtherFailureIsTheCallersToRetry() {
        DeadLetterRecord.Parts parts =
                new DeadLetterRecord.Parts("k", "v", "invalid-job", "not JSON", 1, FIRST_SEEN, null, null);
        TimeoutException outage = new TimeoutException("no ack");

        var done = DeadLetterRecord.send(parts, m -> {
                    sent.add(m);
                    return Uni.createFrom().<Void>failure(outage);
                })
                .subscribeAsCompletionStage();

        assertThat(done)
                .failsWithin(Duration.ofSeconds(5))
                .withThrowableOfType(ExecutionException.class)
                .withCause(outage);
        assertThat(sent).as("no stub for an outage").hasSize(1);
    }
}
