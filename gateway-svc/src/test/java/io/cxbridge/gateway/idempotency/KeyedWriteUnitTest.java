package io.cxbridge.gateway.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxbridge.gateway.idempotency.KeyedWrite.Decision;
import io.vertx.core.http.HttpMethod;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The idempotency step's decisions, without Redis. */
class KeyedWriteUnitTest {

    private static final String FP = "fp-1";

    @Test
    void onlyWritesAreKeyed() {
        assertThat(KeyedWrite.keyOf(HttpMethod.POST, "k")).isEqualTo("k");
        assertThat(KeyedWrite.keyOf(HttpMethod.PUT, "k")).isEqualTo("k");
        assertThat(KeyedWrite.keyOf(HttpMethod.PATCH, "k")).isEqualTo("k");
        assertThat(KeyedWrite.keyOf(HttpMethod.GET, "k")).isNull();
        assertThat(KeyedWrite.keyOf(HttpMethod.DELETE, "k")).isNull();
        assertThat(KeyedWrite.keyOf(HttpMethod.POST, null)).isNull();
    }

    @Test
    void aBodyThatCannotBeHeldIs413AndABadKey400() {
        assertThat(KeyedWrite.refusal("k", true, -1, 1024))
                .get()
                .extracting(KeyedWrite.Refusal::status)
                .isEqualTo(413);
        assertThat(KeyedWrite.refusal("k", false, 1025, 1024))
                .get()
                .extracting(KeyedWrite.Refusal::status)
                .isEqualTo(413);
        assertThat(KeyedWrite.refusal(" ", false, 10, 1024))
                .get()
                .extracting(KeyedWrite.Refusal::status)
                .isEqualTo(400);
        assertThat(KeyedWrite.refusal("k".repeat(256), false, 10, 1024))
                .get()
                .extracting(KeyedWrite.Refusal::detail)
                .asString()
                .contains("1 to 255");
        assertThat(KeyedWrite.refusal("k".repeat(255), false, 1024, 1024)).isEmpty();
    }

    @Test
    void whatTheClaimFindsDecidesTheAnswer() {
        assertThat(KeyedWrite.decide(Optional.empty(), FP)).isEqualTo(Decision.RUN);
        assertThat(KeyedWrite.decide(Optional.of(IdempotencyRecord.inFlight("other")), FP))
                .isEqualTo(Decision.DIFFERENT_REQUEST);
        assertThat(KeyedWrite.decide(Optional.of(IdempotencyRecord.inFlight(FP)), FP))
                .isEqualTo(Decision.IN_PROGRESS);
        assertThat(KeyedWrite.decide(Optional.of(IdempotencyRecord.outcomeUnknown(FP)), FP))
                .isEqualTo(Decision.OUTCOME_UNKNOWN);
        assertThat(KeyedWrite.decide(Optional.of(IdempotencyRecord.tooLarge(FP, 201)), FP))
                .isEqualTo(Decision.TOO_LARGE);
        assertThat(KeyedWrite.decide(
                        Optional.of(new IdempotencyRecord(IdempotencyRecord.DONE, FP, 201, Map.of(), "")), FP))
                .isEqualTo(Decision.REPLAY);
        // Another request under the key is 422 whatever state the first is in.
        assertThat(KeyedWrite.decide(Optional.of(IdempotencyRecord.outcomeUnknown("other")), FP))
                .isEqualTo(Decision.DIFFERENT_REQUEST);
    }

    @Test
    void fiveHundredsAnd429AreNotKept() {
        assertThat(KeyedWrite.kept(200)).isTrue();
        assertThat(KeyedWrite.kept(409)).isTrue();
        assertThat(KeyedWrite.kept(429)).isFalse();
        assertThat(KeyedWrite.kept(500)).isFalse();
        assertThat(KeyedWrite.kept(503)).isFalse();
    }
}
