package io.cxbridge.common.problem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.model.Json;
import io.cxbridge.model.problem.Problem;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;

/** How a body Jackson could not read is worded: never a class name, and a parser limit said as such. */
class ProblemExceptionMappersUnitTest {

    private final ProblemExceptionMappers mappers = new ProblemExceptionMappers();

    private static JsonProcessingException readFailure(String body, Class<?> type) {
        return catchThrowableOfType(
                JsonProcessingException.class, () -> Json.mapper().readValue(body, type));
    }

    private static String detail(Response response) {
        assertThat(response.getStatus()).isEqualTo(400);
        return ((Problem) response.getEntity()).detail();
    }

    @Test
    void aBodyNestedPastTheParsersDepthIsSaidToGoBeyondTheJsonLimits() {
        String deep = "{\"a\":" + "[".repeat(1_001) + "]".repeat(1_001) + "}";
        JsonProcessingException e = readFailure(deep, JsonNode.class);

        assertThat(ProblemResponses.overJsonLimits(e)).isTrue();
        assertThat(detail(mappers.unreadable(e)))
                .isEqualTo(ProblemResponses.jsonLimitsDetail())
                .contains("nesting deeper than 1000 levels")
                .doesNotContain("StreamReadConstraints");
    }

    @Test
    void aNumberLongerThanTheParsersLimitIsSaidToGoBeyondTheJsonLimits() {
        JsonProcessingException e = readFailure("{\"n\":" + "9".repeat(1_001) + "}", JsonNode.class);

        assertThat(detail(mappers.unreadable(e))).isEqualTo(ProblemResponses.jsonLimitsDetail());
    }

    @Test
    void brokenJsonAndAWrongTypeKeepTheirOwnWords() {
        assertThat(detail(mappers.unreadable(readFailure("{not json", JsonNode.class))))
                .isEqualTo("the body is not valid JSON");
        JsonProcessingException wrongType = readFailure("{\"n\":\"x\"}", Numbered.class);
        assertThat(ProblemResponses.overJsonLimits(wrongType)).isFalse();
        assertThat(detail(mappers.unreadable(wrongType))).isEqualTo("field 'n' has the wrong type");
        assertThat(ProblemResponses.overJsonLimits(new IllegalStateException("x", new IllegalStateException())))
                .isFalse();
    }

    @Test
    void unreadableJsonIsDescribedWithoutTheValuesJacksonQuotes() {
        for (String body : new String[] {
            "tel15551234567",
            "{\"n\": 15551234567x}",
            "{\"n\":\"+15551234567\"}",
            "[\"+15551234567\"]",
            "\"+1 555 123 4567\""
        }) {
            JsonProcessingException e = readFailure(body, Numbered.class);
            String detail = ProblemResponses.unreadableDetail(e, "the record");

            assertThat(detail)
                    .as("for %s (Jackson said: %s)", body, e.getOriginalMessage())
                    .isIn("the record is not valid JSON", "field 'n' has the wrong type")
                    .doesNotContain("555");
        }
        // what the fixed words replace: Jackson quotes the value
        assertThat(readFailure("{\"n\":\"+15551234567\"}", Numbered.class).getMessage())
                .contains("15551234567");
    }

    record Numbered(int n) {}
}
