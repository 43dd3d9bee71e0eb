package io.cxbridge.retention.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxbridge.genesys.http.GenesysResponse;
import io.cxbridge.genesys.redaction.Redactor;
import io.vertx.mutiny.core.MultiMap;
import io.vertx.mutiny.core.buffer.Buffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Genesys's wording in a request's error: kept for the operator, redacted, and cut. */
class RetentionUpstreamUnitTest {

    private static final Redactor REDACTOR = new Redactor(List.of("email", "phone"), List.of());

    private static GenesysResponse answer(String body) {
        return new GenesysResponse(400, MultiMap.caseInsensitiveMultiMap(), Buffer.buffer(body), 1);
    }

    @Test
    void genesyssMessageIsKeptWithTheValuesItQuotesMasked() {
        String message = RetentionUpstream.message(
                answer("{\"status\":400,\"code\":\"bad.request\",\"message\":\"Invalid value 'jane.doe@example.com'"
                        + " for description; call +1 415 555 0100\"}"),
                REDACTOR);

        assertThat(message)
                .startsWith("Invalid value '")
                .contains("for description")
                .contains(Redactor.MASK)
                .doesNotContain("jane.doe")
                .doesNotContain("555 0100");
    }

    @Test
    void aLongMessageIsCutAndNoMessageIsEmpty() {
        assertThat(RetentionUpstream.message(answer("{\"message\":\"" + "x".repeat(2_000) + "\"}"), REDACTOR))
                .hasSize(RetentionUpstream.MAX_MESSAGE);
        assertThat(RetentionUpstream.message(answer("not json"), REDACTOR)).isEmpty();
        assertThat(RetentionUpstream.redacted("job failed for ann@example.com", REDACTOR))
                .doesNotContain("ann@example.com");
    }
}
