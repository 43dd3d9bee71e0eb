package io.cxbridge.model.event;

import static io.cxbridge.model.ValidationSupport.fields;
import static io.cxbridge.model.ValidationSupport.read;
import static io.cxbridge.model.ValidationSupport.violations;
import static io.cxbridge.model.ValidationSupport.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.model.Json;
import io.cxbridge.model.problem.Violation;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FulfillmentJobTest {

    static final String TOKEN = "v1:key-2026-01:Q2lwaGVydGV4dE9ubHlOb3RBUmVhbFRva2Vu";
    static final Instant RECEIVED = Instant.parse("2026-03-02T09:20:00Z");
    static final Instant DEADLINE = Instant.parse("2026-03-02T09:21:00Z");

    static FulfillmentJob valid() {
        JsonNode data =
                Json.mapper().createObjectNode().put("orderId", "ORD-10042").put("customerPhone", "+1-555-0100");
        return new FulfillmentJob(
                "6c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
                "0b5f7a2c-3d4e-4f60-9a1b-2c3d4e5f6a7b",
                "https://api.mypurecloud.ie/api/v2/dataactions/fulfillments/0b5f7a2c-3d4e-4f60-9a1b-2c3d4e5f6a7b",
                TOKEN,
                data,
                RECEIVED,
                DEADLINE,
                "5e2d8a1c9b7f4e3d2a1b0c9d8e7f6a5b");
    }

    @Test
    void roundTripsThroughJsonWithIsoInstants() throws Exception {
        FulfillmentJob job = valid();
        String json = write(job);
        JsonNode tree = Json.mapper().readTree(json);
        assertThat(tree.get("receivedAt").asText()).isEqualTo("2026-03-02T09:20:00Z");
        assertThat(tree.get("deadline").asText()).isEqualTo("2026-03-02T09:21:00Z");
        assertThat(tree.get("fulfillmentToken").asText())
                .as("the (encrypted) token travels on the topic")
                .isEqualTo(TOKEN);
        assertThat(tree.get("data").get("orderId").asText()).isEqualTo("ORD-10042");
        assertThat(read(json, FulfillmentJob.class)).isEqualTo(job);
    }

    @Test
    void dataMayBeAnyJsonValueOrAbsent() {
        for (String data : new String[] {"[1,2]", "\"text\"", "7", "null", "{}"}) {
            FulfillmentJob job =
                    read(write(valid()).replaceFirst("\"data\":\\{[^}]*\\}", "\"data\":" + data), FulfillmentJob.class);
            assertThat(violations(job)).as("data=%s", data).isEmpty();
        }
        FulfillmentJob noData = new FulfillmentJob(
                "6c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f", "f", "https://x/y", TOKEN, null, RECEIVED, DEADLINE, null);
        assertThat(violations(noData)).isEmpty();
    }

    @Test
    void toStringNeverContainsTheToken() {
        FulfillmentJob job = valid();
        assertThat(job.toString())
                .doesNotContain(TOKEN)
                .doesNotContain("Q2lwaGVydGV4dE9ubHlOb3RBUmVhbFRva2Vu")
                .doesNotContain("key-2026-01")
                .contains("fulfillmentToken=***")
                .contains(job.jobId())
                .contains(job.fulfillmentId());
        assertThat(String.valueOf(job)).doesNotContain(TOKEN);
        assertThat(java.util.List.of(job).toString()).doesNotContain(TOKEN);
    }

    @Test
    void toStringLeavesOutTheDataToo() {
        assertThat(valid().toString()).doesNotContain("+1-555-0100");
    }

    @Test
    void validJobHasNoViolations() {
        assertThat(violations(valid())).isEmpty();
    }

    @Test
    void missingRequiredFieldsAreAllReportedAtOnce() {
        assertThat(violations(read("{\"data\":{}}", FulfillmentJob.class)))
                .containsExactly(
                        new Violation("deadline", "must not be null"),
                        new Violation("fulfillmentId", "must not be blank"),
                        new Violation("fulfillmentToken", "must not be blank"),
                        new Violation("fulfillmentUrl", "must not be blank"),
                        new Violation("jobId", "must not be blank"),
                        new Violation("receivedAt", "must not be null"));
    }

    @Test
    void badJobIdAndOversizedFieldsAreReportedTogether() {
        FulfillmentJob bad = new FulfillmentJob(
                "6c1e2d3f4a5b4c6d8e7f9a0b1c2d3e4f",
                "f".repeat(257),
                "https://x/" + "p".repeat(2048),
                "t".repeat(io.cxbridge.model.crypto.TokenCipher.MAX_SEALED_LENGTH + 1),
                null,
                RECEIVED,
                DEADLINE,
                "x".repeat(129));
        assertThat(fields(bad))
                .containsExactly("fulfillmentId", "fulfillmentToken", "fulfillmentUrl", "jobId", "traceId");
        assertThat(violations(bad)).contains(new Violation("jobId", "must be a UUID"));
    }

    @Test
    void blankStringsAreNotValues() {
        FulfillmentJob blank = new FulfillmentJob(" ", " ", " ", " ", null, RECEIVED, DEADLINE, null);
        assertThat(fields(blank)).contains("fulfillmentId", "fulfillmentToken", "fulfillmentUrl", "jobId");
    }

    @Test
    void unknownFieldsAreToleratedAndNotJsonFails() {
        String json = write(valid()).replaceFirst("\\{", "{\"schemaVersion\":2,\"extra\":{\"a\":[1]},");
        assertThat(read(json, FulfillmentJob.class)).isEqualTo(valid());
        assertThatThrownBy(() -> Json.mapper().readValue("<job/>", FulfillmentJob.class))
                .isInstanceOf(JsonProcessingException.class);
    }

    @Test
    void pastDeadlineOnlyAfterTheDeadline() {
        FulfillmentJob job = valid();
        assertThat(job.isPastDeadline(DEADLINE.minusMillis(1))).isFalse();
        assertThat(job.isPastDeadline(DEADLINE)).isFalse();
        assertThat(job.isPastDeadline(DEADLINE.plusMillis(1))).isTrue();
    }
}
