package io.cxbridge.model.validation;

import io.cxbridge.model.problem.Violation;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/** Turns Bean Validation results into the contract's {@code violations: [{field, message}]}. */
public final class Violations {

    public static <T> List<Violation> of(Validator validator, T value) {
        if (value == null) {
            return List.of(new Violation("body", "must not be empty"));
        }
        return of(validator.validate(value));
    }

    public static List<Violation> of(Set<? extends ConstraintViolation<?>> violations) {
        return violations.stream()
                .map(v -> new Violation(v.getPropertyPath().toString(), v.getMessage()))
                .sorted(Comparator.comparing(Violation::field).thenComparing(Violation::message))
                .toList();
    }

    private Violations() {}
}
