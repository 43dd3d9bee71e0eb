package io.cxbridge.model.validation;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;

public class JsonObjectValueValidator implements ConstraintValidator<JsonObjectValue, JsonNode> {
    @Override
    public boolean isValid(JsonNode value, ConstraintValidatorContext context) {
        // Absent (Java null) is left to @NotNull; an explicit JSON null is present and not an object.
        return value == null || value.isObject();
    }
}
