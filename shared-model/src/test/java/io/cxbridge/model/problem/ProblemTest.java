package io.cxbridge.model.problem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.model.Json;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProblemTest {

    static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

    static JsonNode json(Problem p) throws Exception {
        return Json.mapper().readTree(Json.mapper().writeValueAsString(p));
    }

    @Test
    void jsonOmitsNullFields() throws Exception {
        JsonNode node = json(Problem.of(404, Problem.NOT_FOUND, "Not found", null, null));
        assertThat(node.has("detail")).isFalse();
        assertThat(node.has("traceId")).isFalse();
        assertThat(node.has("violations")).isFalse();
        assertThat(node.get("type").asText()).isEqualTo("urn:cxbridge:problem:not-found");
        assertThat(node.get("title").asText()).isEqualTo("Not found");
        assertThat(node.get("status").asInt()).isEqualTo(404);
        assertThat(node.size()).isEqualTo(3);
    }

    @Test
    void jsonCarriesEveryFieldThatIsSet() throws Exception {
        JsonNode node = json(Problem.of(503, Problem.UNAVAILABLE, "Unavailable", "broker did not acknowledge", TRACE));
        assertThat(node.get("detail").asText()).isEqualTo("broker did not acknowledge");
        assertThat(node.get("traceId").asText()).isEqualTo(TRACE);
        assertThat(node.get("status").isInt()).isTrue();
    }

    @Test
    void validationListsEveryViolation() throws Exception {
        List<Violation> violations = List.of(
                new Violation("actionId", "must match ^[A-Za-z0-9_-]+$"),
                new Violation("requestPayload", "must be a JSON object"));
        Problem p = Problem.validation(violations, TRACE);

        assertThat(p.status()).isEqualTo(400);
        assertThat(p.type()).isEqualTo(Problem.VALIDATION);
        assertThat(p.title()).isEqualTo("Invalid request");
        assertThat(p.detail()).isEqualTo("2 fields are invalid");
        assertThat(p.traceId()).isEqualTo(TRACE);
        assertThat(p.violations()).containsExactlyElementsOf(violations);

        JsonNode node = json(p);
        assertThat(node.get("violations")).hasSize(2);
        assertThat(node.get("violations").get(0).get("field").asText()).isEqualTo("actionId");
        assertThat(node.get("violations").get(1).get("message").asText()).isEqualTo("must be a JSON object");
        assertThat(node.get("violations").get(0).size())
                .as("only field and message")
                .isEqualTo(2);
    }

    @Test
    void validationOfOneViolationNamesItInTheDetail() {
        Problem p = Problem.validation(List.of(new Violation("policy.retentionPeriod", "must be at least 30")), null);
        assertThat(p.detail()).isEqualTo("policy.retentionPeriod: must be at least 30");
        assertThat(p.violations()).hasSize(1);
    }

    @Test
    void violationsAreCopiedAndImmutable() {
        List<Violation> source = new ArrayList<>(List.of(new Violation("a", "b")));
        Problem p = Problem.validation(source, TRACE);
        source.add(new Violation("c", "d"));
        assertThat(p.violations()).hasSize(1);
        assertThatThrownBy(() -> p.violations().add(new Violation("e", "f")))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void emptyViolationsAreLeftOut() throws Exception {
        Problem p = new Problem(Problem.CONFLICT, "Conflict", 409, null, TRACE, List.of());
        assertThat(p.violations()).isNull();
        assertThat(json(p).has("violations")).isFalse();
    }

    @Test
    void readsBackFromJson() throws Exception {
        Problem p = Problem.validation(List.of(new Violation("x", "y")), TRACE);
        String json = Json.mapper().writeValueAsString(p);
        assertThat(Json.mapper().readValue(json, Problem.class)).isEqualTo(p);
    }

    @ParameterizedTest
    @CsvSource({
        "400, urn:cxbridge:problem:malformed-request",
        "401, urn:cxbridge:problem:unauthorized",
        "403, urn:cxbridge:problem:forbidden",
        "404, urn:cxbridge:problem:not-found",
        "409, urn:cxbridge:problem:conflict",
        "422, urn:cxbridge:problem:validation",
        "429, urn:cxbridge:problem:rate-limited",
        "503, urn:cxbridge:problem:unavailable",
        "500, urn:cxbridge:problem:internal",
        "502, urn:cxbridge:problem:internal",
        "504, urn:cxbridge:problem:internal",
        "413, urn:cxbridge:problem:http-413",
        "405, urn:cxbridge:problem:http-405"
    })
    void typeForMapsStatuses(int status, String type) {
        assertThat(Problem.typeFor(status)).isEqualTo(type);
    }

    @Test
    void everyTypeIsAUrnUnderThePrefix() {
        for (String t : List.of(
                Problem.VALIDATION,
                Problem.MALFORMED,
                Problem.NOT_FOUND,
                Problem.UNAUTHORIZED,
                Problem.FORBIDDEN,
                Problem.CONFLICT,
                Problem.RATE_LIMITED,
                Problem.UNAVAILABLE,
                Problem.INTERNAL)) {
            assertThat(t).startsWith("urn:cxbridge:problem:").matches("urn:cxbridge:problem:[a-z-]+");
        }
        assertThat(Problem.MEDIA_TYPE).isEqualTo("application/problem+json");
    }
}
