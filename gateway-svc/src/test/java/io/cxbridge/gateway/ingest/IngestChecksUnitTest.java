package io.cxbridge.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.cxbridge.common.problem.ProblemResponses;
import io.cxbridge.model.event.FailedRun;
import io.cxbridge.model.problem.Problem;
import io.cxbridge.model.problem.Violation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The intake's plain checks against Bean Validation, the authority: whatever they call valid, the annotations call
 * valid too (so skipping the validator on the common path changes no answer), and edge cases on each side of every
 * rule are covered; an invalid record still gets the validator's own violations.
 */
class IngestChecksUnitTest {

    private static final jakarta.validation.ValidatorFactory FACTORY = Validation.byDefaultProvider()
            .configure()
            .messageInterpolator(new ParameterMessageInterpolator())
            .buildValidatorFactory();
    private static final Validator VALIDATOR = FACTORY.getValidator();
    private static final JsonNode OBJECT = JsonNodeFactory.instance.objectNode();
    private static final String UUID = "3f2b9c1e-0a4d-4e5f-9a6b-7c8d9e0f1a2b";

    @AfterAll
    static void close() {
        FACTORY.close();
    }

    private static FailedRun run(
            String requestId,
            String actionId,
            String originalRunId,
            JsonNode payload,
            Integer attempt,
            Integer lastStatus,
            String traceId) {
        return new FailedRun(requestId, actionId, originalRunId, payload, attempt, Instant.EPOCH, lastStatus, traceId);
    }

    @Test
    void whatThePlainChecksPassTheAnnotationsPassAndTheyRefuseEveryEdgeTheAnnotationsRefuse() {
        List<String> texts = List.of(
                "",
                " ",
                "\u0001",
                "\u2003",
                "a",
                " a ",
                "custom_-_3f2b",
                "a b",
                "a/b",
                "../x",
                "x".repeat(128),
                "x".repeat(129),
                "x".repeat(256),
                "x".repeat(257),
                UUID,
                UUID.toUpperCase(),
                UUID + "0",
                "\u00e9");
        List<JsonNode> payloads = List.of(
                OBJECT,
                JsonNodeFactory.instance.arrayNode(),
                JsonNodeFactory.instance.textNode("x"),
                JsonNodeFactory.instance.nullNode());
        List<Integer> ints = new ArrayList<>(List.of(-1, 0, 99, 100, 599, 600));
        ints.add(null);
        List<FailedRun> runs = new ArrayList<>();
        for (String t : texts) {
            runs.add(run(t, "a", "r", OBJECT, null, null, null));
            runs.add(run(null, t, "r", OBJECT, null, null, null));
            runs.add(run(null, "a", t, OBJECT, null, null, null));
            runs.add(run(null, "a", "r", OBJECT, null, null, t));
        }
        runs.add(run(null, null, "r", OBJECT, null, null, null));
        runs.add(run(null, "a", null, OBJECT, null, null, null));
        runs.add(run(null, "a", "r", null, null, null, null));
        for (JsonNode p : payloads) {
            runs.add(run(null, "a", "r", p, null, null, null));
        }
        for (Integer i : ints) {
            runs.add(run(null, "a", "r", OBJECT, i, null, null));
            runs.add(run(null, "a", "r", OBJECT, null, i, null));
        }
        runs.add(run(null, "a", "r", OBJECT, null, null, "t".repeat(129)));

        int plainlyValid = 0;
        int refused = 0;
        for (FailedRun r : runs) {
            boolean annotated = VALIDATOR.validate(r).isEmpty();
            boolean plain = FailedRunChecks.plainlyValid(r);
            if (plain) {
                plainlyValid++;
                assertThat(annotated).as("valid by the annotations too: %s", r).isTrue();
            } else {
                refused++;
                assertThat(annotated)
                        .as("refused by the annotations too: %s", r)
                        .isFalse();
            }
        }
        assertThat(plainlyValid).isGreaterThan(10);
        assertThat(refused).isGreaterThan(10);
    }

    @Test
    void theFulfillmentChecksAgreeWithItsAnnotations() {
        List<String> texts = List.of(
                "",
                " ",
                "\u0001",
                "a\nb",
                "a\tb",
                "a\u007fb",
                "\u00e9",
                "u",
                "x".repeat(256),
                "x".repeat(257),
                "x".repeat(2049));
        List<FulfillmentRequest> requests = new ArrayList<>();
        for (String t : texts) {
            requests.add(new FulfillmentRequest(t, "t", null, null, null));
            requests.add(new FulfillmentRequest("u", t, null, null, null));
            requests.add(new FulfillmentRequest("u", "t", null, t, null));
        }
        requests.add(new FulfillmentRequest(null, "t", null, null, null));
        requests.add(new FulfillmentRequest("u", null, null, null, null));
        requests.add(new FulfillmentRequest("u", "t".repeat(8192), null, null, null));
        requests.add(new FulfillmentRequest("u", "t".repeat(8193), null, null, null));
        for (FulfillmentRequest r : requests) {
            assertThat(FulfillmentChecks.plainlyValid(r))
                    .as("%s", r)
                    .isEqualTo(VALIDATOR.validate(r).isEmpty());
        }
    }

    @Test
    void anInvalidRecordGetsTheValidatorsOwnViolationsAndAValidOneNone() {
        FailedRun bad = run("not-a-uuid", "../x", " ", OBJECT, -1, 42, null);
        assertThat(IngestBodies.violations(VALIDATOR, bad, FailedRunChecks::plainlyValid))
                .extracting(Violation::field)
                .containsExactly("actionId", "attempt", "lastStatus", "originalRunId", "requestId");
        assertThat(IngestBodies.violations(
                        VALIDATOR, run(null, "a", "r", OBJECT, null, null, null), FailedRunChecks::plainlyValid))
                .isEmpty();
    }

    @Test
    void aBodyThatIsNotAnObjectOrNotJsonOrOfTheWrongTypeIsRefusedWithoutARecord() {
        var reader = io.cxbridge.model.Json.mapper().readerFor(FailedRun.class);
        assertThat(IngestBodies.read("[1,2]".getBytes(StandardCharsets.UTF_8), reader, "wrong type")
                        .refusal()
                        .getEntity())
                .isInstanceOfSatisfying(
                        Problem.class,
                        p -> assertThat(p.violations())
                                .containsExactly(new Violation("body", "must be a JSON object")));
        assertThat(IngestBodies.read(new byte[0], reader, "wrong type")
                        .refusal()
                        .getStatus())
                .isEqualTo(400);
        assertThat(IngestBodies.read("{not json".getBytes(StandardCharsets.UTF_8), reader, "wrong type")
                        .refusal()
                        .getEntity())
                .isInstanceOfSatisfying(
                        Problem.class, p -> assertThat(p.detail()).isEqualTo("the body is not valid JSON"));
        assertThat(IngestBodies.read("{\"attempt\":\"many\"}".getBytes(StandardCharsets.UTF_8), reader, "wrong type")
                        .refusal()
                        .getEntity())
                .isInstanceOfSatisfying(
                        Problem.class, p -> assertThat(p.detail()).isEqualTo("wrong type"));
        // nested past the parser's depth limit under a field the record does not have: said as such
        String deep = "{\"actionId\":\"a\",\"extra\":" + "[".repeat(1_001) + "]".repeat(1_001) + "}";
        assertThat(IngestBodies.read(deep.getBytes(StandardCharsets.UTF_8), reader, "wrong type")
                        .refusal()
                        .getEntity())
                .isInstanceOfSatisfying(
                        Problem.class,
                        p -> assertThat(p.detail())
                                .isEqualTo(ProblemResponses.jsonLimitsDetail())
                                .contains("nesting deeper than 1000 levels"));
        IngestBodies.Parsed<FailedRun> ok = IngestBodies.read(
                "{\"actionId\":\"a\",\"originalRunId\":\"r\",\"requestPayload\":{\"k\":1}}"
                        .getBytes(StandardCharsets.UTF_8),
                reader,
                "wrong type");
        assertThat(ok.refusal()).isNull();
        assertThat(ok.value().requestPayload().get("k").asInt()).isEqualTo(1);
    }
}
