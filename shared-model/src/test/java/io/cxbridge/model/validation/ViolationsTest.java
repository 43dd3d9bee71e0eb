package io.cxbridge.model.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.model.Json;
import io.cxbridge.model.ValidationSupport;
import io.cxbridge.model.problem.Violation;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;
import org.junit.jupiter.api.Test;

class ViolationsTest {

    record Sample(
            @NotBlank @Size(min = 3) String b,
            @NotNull String a,
            @JsonObjectValue JsonNode c) {}

    @Test
    void aMissingBodyIsOneViolation() {
        assertThat(Violations.of(ValidationSupport.validator(), null))
                .containsExactly(new Violation("body", "must not be empty"));
    }

    @Test
    void violationsAreSortedByFieldThenMessage() {
        List<Violation> v = Violations.of(
                ValidationSupport.validator(),
                new Sample(" ", null, Json.mapper().createArrayNode()));
        assertThat(v)
                .containsExactly(
                        new Violation("a", "must not be null"),
                        new Violation("b", "must not be blank"),
                        new Violation("b", "size must be between 3 and 2147483647"),
                        new Violation("c", "must be a JSON object"));
    }

    @Test
    void jsonObjectValueAcceptsObjectsAndAbsence() {
        JsonObjectValueValidator validator = new JsonObjectValueValidator();
        assertThat(validator.isValid(null, null)).isTrue();
        assertThat(validator.isValid(Json.mapper().createObjectNode(), null)).isTrue();
        assertThat(validator.isValid(Json.mapper().createArrayNode(), null)).isFalse();
        assertThat(validator.isValid(Json.mapper().getNodeFactory().textNode("x"), null))
                .isFalse();
        assertThat(validator.isValid(Json.mapper().getNodeFactory().numberNode(1), null))
                .isFalse();
        assertThat(validator.isValid(Json.mapper().getNodeFactory().nullNode(), null))
                .as("an explicit JSON null is not an object")
                .isFalse();
    }

    @Test
    void noViolationsForAValidValue() {
        assertThat(Violations.of(ValidationSupport.validator(), new Sample("abc", "x", null)))
                .isEmpty();
    }
}
