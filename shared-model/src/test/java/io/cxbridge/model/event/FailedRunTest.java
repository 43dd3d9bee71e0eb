package io.cxbridge.model.event;

import static io.cxbridge.model.ValidationSupport.fields;
import static io.cxbridge.model.ValidationSupport.read;
import static io.cxbridge.model.ValidationSupport.violations;
import static io.cxbridge.model.ValidationSupport.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxbridge.model.Json;
import io.cxbridge.model.problem.Violation;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FailedRunTest {

    static final String REQUEST_ID = "3f2b8c1e-9a4d-4e7b-8c2f-1a6d5e9b0c47";
    static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
    static final Instant FIRST_FAILED = Instant.parse("2026-03-02T09:14:07.512Z");

    static ObjectNode payload() {
        ObjectNode p = Json.mapper().createObjectNode();
        p.put("customerPhone", "+1-555-0100");
        p.putObject("account").put("id", "ACC-000123").putArray("tags").add("gold");
        return p;
    }

    static FailedRun valid() {
        return new FailedRun(
                REQUEST_ID,
                "custom_-_8f14e45f-ceea-4e7a-9b1c-2d3e4f5a6b7c",
                "run-000417",
                payload(),
                2,
                FIRST_FAILED,
                503,
                TRACE_ID);
    }

    /** The three fields a caller must send, everything else left out. */
    static FailedRun minimal() {
        return new FailedRun(null, "order-lookup-v2", "run-000988", payload(), null, null, null, null);
    }

    @Test
    void roundTripsThroughJsonWithIsoInstants() throws Exception {
        FailedRun run = valid();
        String json = write(run);

        JsonNode tree = Json.mapper().readTree(json);
        assertThat(tree.get("firstFailedAt").isTextual())
                .as("instant written as text: %s", json)
                .isTrue();
        assertThat(tree.get("firstFailedAt").asText()).isEqualTo("2026-03-02T09:14:07.512Z");
        assertThat(tree.get("requestPayload").isObject()).isTrue();
        assertThat(tree.get("requestPayload").get("account").get("tags").get(0).asText())
                .isEqualTo("gold");
        assertThat(tree.get("attempt").asInt()).isEqualTo(2);
        assertThat(tree.get("lastStatus").asInt()).isEqualTo(503);

        FailedRun back = read(json, FailedRun.class);
        assertThat(back).isEqualTo(run);
        assertThat(back.firstFailedAt()).isEqualTo(FIRST_FAILED);
    }

    @Test
    void keepsNanosecondsAndReadsOffsetsAsTheSameInstant() {
        FailedRun nanos = new FailedRun(
                REQUEST_ID, "a", "r", payload(), 0, Instant.parse("2026-03-02T09:14:07.123456789Z"), null, null);
        assertThat(read(write(nanos), FailedRun.class).firstFailedAt()).isEqualTo(nanos.firstFailedAt());

        FailedRun offset = read("""
                {"actionId":"a","originalRunId":"r","requestPayload":{},"firstFailedAt":"2026-03-02T10:14:07.512+01:00"}
                """, FailedRun.class);
        assertThat(offset.firstFailedAt()).isEqualTo(FIRST_FAILED);
    }

    @Test
    void validInstancesHaveNoViolations() {
        assertThat(violations(valid())).isEmpty();
        assertThat(violations(minimal()))
                .as("requestId, attempt, firstFailedAt and traceId are optional")
                .isEmpty();
        assertThat(violations(new FailedRun(null, "a", "r", Json.mapper().createObjectNode(), 0, null, null, null)))
                .as("an empty object is a JSON object")
                .isEmpty();
    }

    @Test
    void missingRequiredFieldsAreAllReportedAtOnce() {
        FailedRun empty = read("{}", FailedRun.class);
        assertThat(violations(empty))
                .containsExactly(
                        new Violation("actionId", "must not be blank"),
                        new Violation("originalRunId", "must not be blank"),
                        new Violation("requestPayload", "must not be null"));
    }

    @Test
    void everyBadFieldIsListedInOneGo() {
        FailedRun bad = read("""
                {"requestId":"not-a-uuid","actionId":"bad action!","originalRunId":"  ",
                 "requestPayload":[1,2,3],"attempt":-1,"lastStatus":99,"traceId":"%s"}
                """.formatted("t".repeat(129)), FailedRun.class);

        assertThat(fields(bad))
                .containsExactly(
                        "actionId", "attempt", "lastStatus", "originalRunId", "requestId", "requestPayload", "traceId");
        assertThat(violations(bad))
                .contains(
                        new Violation("actionId", "must match " + Ids.ACTION_ID_REGEX),
                        new Violation("attempt", "must be greater than or equal to 0"),
                        new Violation("requestId", "must be a UUID"),
                        new Violation("requestPayload", "must be a JSON object"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1,2]", "\"a string\"", "42", "true", "null"})
    void requestPayloadMustBeAJsonObject(String payloadJson) {
        FailedRun run = read(
                "{\"actionId\":\"a\",\"originalRunId\":\"r\",\"requestPayload\":" + payloadJson + "}", FailedRun.class);
        assertThat(violations(run)).containsExactly(new Violation("requestPayload", "must be a JSON object"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a b", "a/b", "../etc", "a.b", "a?b=c", "acción", "a\nb", "%2e%2e"})
    void actionIdOutsideThePatternIsRefused(String actionId) {
        FailedRun run = new FailedRun(null, actionId, "r", payload(), null, null, null, null);
        assertThat(violations(run)).containsExactly(new Violation("actionId", "must match " + Ids.ACTION_ID_REGEX));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "a",
                "order-lookup-v2",
                "ABC-123",
                "custom_-_8f14e45f-ceea-4e7a-9b1c-2d3e4f5a6b7c",
                "static_-_salesforce-get-contact"
            })
    void actionIdsInThePatternAreAccepted(String actionId) {
        assertThat(violations(new FailedRun(null, actionId, "r", payload(), null, null, null, null)))
                .isEmpty();
    }

    @Test
    void lengthLimitsAreEnforced() {
        FailedRun tooLong = new FailedRun(null, "a".repeat(129), "r".repeat(257), payload(), null, null, null, null);
        assertThat(fields(tooLong)).containsExactly("actionId", "originalRunId");
        FailedRun atLimit =
                new FailedRun(null, "a".repeat(128), "r".repeat(256), payload(), null, null, null, "t".repeat(128));
        assertThat(violations(atLimit)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {99, 600, 0, -1})
    void lastStatusOutsideHttpRangeIsRefused(int status) {
        assertThat(fields(new FailedRun(null, "a", "r", payload(), 0, null, status, null)))
                .containsExactly("lastStatus");
    }

    @Test
    void unknownFieldsAreTolerated() {
        FailedRun run = read("""
                {"actionId":"a","originalRunId":"r","requestPayload":{"k":1},
                 "newFieldFromANewerProducer":{"x":[1,2]},"priority":"high"}
                """, FailedRun.class);
        assertThat(run.actionId()).isEqualTo("a");
        assertThat(run.requestPayload().get("k").asInt()).isEqualTo(1);
        assertThat(violations(run)).isEmpty();
    }

    @Test
    void notJsonFailsClearly() {
        assertThatThrownBy(() -> Json.mapper().readValue("actionId=a&originalRunId=r", FailedRun.class))
                .isInstanceOf(JsonProcessingException.class);
        assertThatThrownBy(() -> Json.mapper().readValue("{\"actionId\":\"a\",", FailedRun.class))
                .isInstanceOf(JsonProcessingException.class);
        assertThatThrownBy(() -> Json.mapper().readValue("[]", FailedRun.class))
                .isInstanceOf(MismatchedInputException.class);
    }

    @Test
    void wrongTypesNameTheField() {
        assertThatThrownBy(() -> Json.mapper()
                        .readValue(
                                "{\"actionId\":\"a\",\"originalRunId\":\"r\",\"requestPayload\":{},\"attempt\":\"many\"}",
                                FailedRun.class))
                .isInstanceOf(InvalidFormatException.class)
                .satisfies(e -> assertThat(
                                ((InvalidFormatException) e).getPath().get(0).getFieldName())
                        .isEqualTo("attempt"));
        assertThatThrownBy(() -> Json.mapper()
                        .readValue(
                                "{\"actionId\":\"a\",\"originalRunId\":\"r\",\"requestPayload\":{},\"firstFailedAt\":\"yesterday\"}",
                                FailedRun.class))
                .isInstanceOf(InvalidFormatException.class)
                .satisfies(e -> assertThat(
                                ((InvalidFormatException) e).getPath().get(0).getFieldName())
                        .isEqualTo("firstFailedAt"));
    }

    @Test
    void withDefaultsFillsWhatTheCallerLeftOut() {
        Instant now = Instant.parse("2026-03-02T09:14:07Z");
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        AtomicInteger traceCalls = new AtomicInteger();
        Supplier<String> traces = () -> {
            traceCalls.incrementAndGet();
            return TRACE_ID;
        };

        FailedRun filled = minimal().withDefaults(clock, traces);

        assertThat(filled.requestId()).matches(Ids.UUID_REGEX);
        assertThat(UUID.fromString(filled.requestId()).version()).isEqualTo(4);
        assertThat(filled.attempt()).isZero();
        assertThat(filled.firstFailedAt()).isEqualTo(now);
        assertThat(filled.traceId()).isEqualTo(TRACE_ID);
        assertThat(traceCalls).hasValue(1);
        assertThat(filled.actionId()).isEqualTo("order-lookup-v2");
        assertThat(filled.originalRunId()).isEqualTo("run-000988");
        assertThat(filled.requestPayload()).isEqualTo(payload());
        assertThat(filled.lastStatus()).isNull();
        assertThat(violations(filled)).isEmpty();

        assertThat(minimal().withDefaults(clock, traces).requestId())
                .as("every run gets its own requestId")
                .isNotEqualTo(filled.requestId());
    }

    @Test
    void withDefaultsKeepsWhatIsThere() {
        Clock clock = Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC);
        Supplier<String> mustNotBeCalled = () -> {
            throw new AssertionError("trace id supplier called although the run has one");
        };
        FailedRun run = valid();
        assertThat(run.withDefaults(clock, mustNotBeCalled)).isEqualTo(run);
    }

    @Test
    void withDefaultsReplacesABlankTraceId() {
        FailedRun blank = new FailedRun(null, "a", "r", payload(), null, null, null, "  ");
        FailedRun filled = blank.withDefaults(Clock.systemUTC(), () -> TRACE_ID);
        assertThat(filled.traceId()).isEqualTo(TRACE_ID);
    }

    @Test
    void nextAttemptCountsUpAndRecordsTheStatus() {
        FailedRun first = minimal().withDefaults(Clock.fixed(FIRST_FAILED, ZoneOffset.UTC), () -> TRACE_ID);

        FailedRun second = first.nextAttempt(429);
        assertThat(second.attempt()).isEqualTo(1);
        assertThat(second.lastStatus()).isEqualTo(429);
        assertThat(second.requestId()).isEqualTo(first.requestId());
        assertThat(second.actionId()).isEqualTo(first.actionId());
        assertThat(second.originalRunId()).isEqualTo(first.originalRunId());
        assertThat(second.requestPayload()).isEqualTo(first.requestPayload());
        assertThat(second.firstFailedAt()).isEqualTo(FIRST_FAILED);
        assertThat(second.traceId()).isEqualTo(TRACE_ID);

        assertThat(second.nextAttempt(503).attempt()).isEqualTo(2);
        assertThat(minimal().nextAttempt(500).attempt())
                .as("a null attempt counts as 0")
                .isEqualTo(1);
        assertThat(first.attempt()).as("records are immutable").isZero();
    }
}
