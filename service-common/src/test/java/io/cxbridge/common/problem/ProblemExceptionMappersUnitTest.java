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

    record Numbered(int n) {}
}
