package io.cxbridge.fulfillment.dlq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.cxbridge.common.kafka.RecordCheck;
import io.cxbridge.model.Headers;
import io.cxbridge.model.Topics;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The rebuilt index lists what the worker listed: a record refused before its value was read stays off it. */
class DeadLetterIndexRebuildUnitTest {

    private static final String JOB = """
            {"jobId": "%s", "fulfillmentId": "ff-1", "fulfillmentUrl": "http://127.0.0.1:1/x", "fulfillmentToken": "t",
             "receivedAt": "2026-01-01T00:00:00Z", "deadline": "2026-01-01T00:10:00Z"}""";

    private static ConsumerRecord<String, String> deadLetter(String errorClass) {
        ConsumerRecord<String, String> r =
                new ConsumerRecord<>(Topics.FULFILLMENT_JOBS_DLQ, 0, 0, "ff-1", JOB.formatted(UUID.randomUUID()));
        r.headers().add(Headers.ERROR_CLASS, errorClass.getBytes(StandardCharsets.UTF_8));
        r.headers().add(Headers.ERROR_REASON, "why".getBytes(StandardCharsets.UTF_8));
        return r;
    }

    @Test
    void aJobDeadLetteredAfterItWasReadIsListed() {
        JobDeadLetter e = DeadLetterIndexRebuild.entry(deadLetter("token-unreadable"));
        assertNotNull(e);
        assertEquals("token-unreadable", e.errorClass());
    }

    @Test
    void aRecordRefusedBeforeItsValueWasReadIsNotListedEvenWithAValidJob() {
        for (String refused : new String[] {
            RecordCheck.MALFORMED_HEADER,
            RecordCheck.UNKNOWN_HEADER,
            RecordCheck.TOO_LARGE,
            RecordCheck.UNKNOWN_SCHEMA_VERSION
        }) {
            assertNull(DeadLetterIndexRebuild.entry(deadLetter(refused)), refused);
        }
    }
}
