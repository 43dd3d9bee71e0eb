package io.cxbridge.model.event;

import static io.cxbridge.model.ValidationSupport.fields;
import static io.cxbridge.model.ValidationSupport.read;
import static io.cxbridge.model.ValidationSupport.violations;
import static io.cxbridge.model.ValidationSupport.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxbridge.model.Json;
import io.cxbridge.model.problem.Violation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RetentionRequestTest {

    static final String REQUEST_ID = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d";

    static ObjectNode policy() {
        ObjectNode p = Json.mapper().createObjectNode();
        p.put("name", "calls-90-days")
                .put("objectType", "call")
                .put("retentionPeriod", 90)
                .put("enabled", true);
        p.putObject("schedule")
                .put("frequency", "WEEKLY")
                .put("dayOfWeek", "SUNDAY")
                .put("timezone", "Europe/Dublin");
        p.put("dailyVolumeGB", 12.5);
        return p;
    }

    static RetentionRequest valid() {
        return new RetentionRequest(REQUEST_ID, policy(), true, "7c3e9a1f5b2d4c6e8a0b1c2d3e4f5a6b");
    }

    @Test
    void roundTripsThroughJson() throws Exception {
        RetentionRequest request = valid();
        String json = write(request);
        JsonNode tree = Json.mapper().readTree(json);
        assertThat(tree.get("dryRun").isBoolean()).isTrue();
        assertThat(tree.get("policy").get("schedule").get("frequency").asText()).isEqualTo("WEEKLY");
        assertThat(tree.get("policy").get("dailyVolumeGB").asDouble()).isEqualTo(12.5);
        assertThat(read(json, RetentionRequest.class)).isEqualTo(request);
    }

    @Test
    void validRequestHasNoViolations() {
        assertThat(violations(valid())).isEmpty();
        assertThat(violations(new RetentionRequest(REQUEST_ID, policy(), false, null)))
                .isEmpty();
    }

    @Test
    void dryRunDefaultsToFalse() {
        RetentionRequest r =
                read("{\"requestId\":\"" + REQUEST_ID + "\",\"policy\":{\"name\":\"p\"}}", RetentionRequest.class);
        assertThat(r.dryRun()).isFalse();
        assertThat(violations(r)).isEmpty();
    }

    @Test
    void missingRequiredFieldsAreAllReportedAtOnce() {
        assertThat(violations(read("{}", RetentionRequest.class)))
                .containsExactly(
                        new Violation("policy", "must not be null"), new Violation("requestId", "must not be blank"));
    }

    @Test
    void everyBadFieldIsListedInOneGo() {
        RetentionRequest bad = read("""
                {"requestId":"a1b2c3d4e5f64a7b8c9d0e1f2a3b4c5d","policy":["name","calls"],"traceId":"%s"}
                """.formatted("t".repeat(129)), RetentionRequest.class);
        assertThat(violations(bad))
                .containsExactly(
                        new Violation("policy", "must be a JSON object"),
                        new Violation("requestId", "must be a UUID"),
                        new Violation("traceId", "size must be between 0 and 128"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "\"calls-90-days\"", "90", "false", "null"})
    void policyMustBeAJsonObject(String policyJson) {
        RetentionRequest r =
                read("{\"requestId\":\"" + REQUEST_ID + "\",\"policy\":" + policyJson + "}", RetentionRequest.class);
        assertThat(violations(r)).containsExactly(new Violation("policy", "must be a JSON object"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "not-a-uuid",
                "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5",
                "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5dd",
                "g1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
                "{a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d}"
            })
    void requestIdMustBeAUuid(String id) {
        assertThat(fields(new RetentionRequest(id, policy(), false, null))).containsExactly("requestId");
    }

    @Test
    void unknownFieldsAreToleratedAndNotJsonFails() {
        RetentionRequest r =
                read("{\"requestId\":\"" + REQUEST_ID + "\",\"policy\":{},\"priority\":1}", RetentionRequest.class);
        assertThat(r.requestId()).isEqualTo(REQUEST_ID);
        assertThatThrownBy(() -> Json.mapper().readValue("requestId: " + REQUEST_ID, RetentionRequest.class))
                .isInstanceOf(JsonProcessingException.class);
    }
}
