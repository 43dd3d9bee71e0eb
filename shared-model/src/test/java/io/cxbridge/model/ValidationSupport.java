package io.cxbridge.model;

import io.cxbridge.model.problem.Violation;
import io.cxbridge.model.validation.Violations;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import java.util.List;

/** One Bean Validation validator for the tests (Hibernate Validator, expressly for message EL). */
public final class ValidationSupport {

    private static final ValidatorFactory FACTORY = Validation.buildDefaultValidatorFactory();
    private static final Validator VALIDATOR = FACTORY.getValidator();

    public static Validator validator() {
        return VALIDATOR;
    }

    public static List<Violation> violations(Object value) {
        return Violations.of(VALIDATOR, value);
    }

    /** The field names of every violation, in the sorted order {@link Violations} gives. */
    public static List<String> fields(Object value) {
        return violations(value).stream().map(Violation::field).toList();
    }

    /** Reads JSON with the contract's mapper, failing the test on a parse error. */
    public static <T> T read(String json, Class<T> type) {
        try {
            return Json.mapper().readValue(json, type);
        } catch (Exception e) {
            throw new AssertionError("cannot read " + type.getSimpleName() + " from " + json, e);
        }
    }

    public static String write(Object value) {
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (Exception e) {
            throw new AssertionError("cannot write " + value, e);
        }
    }

    private ValidationSupport() {}
}
