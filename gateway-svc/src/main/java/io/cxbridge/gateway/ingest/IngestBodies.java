package io.cxbridge.gateway.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.ObjectReader;
import io.cxbridge.common.problem.ProblemResponses;
import io.cxbridge.model.Json;
import io.cxbridge.model.problem.Violation;
import io.cxbridge.model.validation.Violations;
import jakarta.validation.Validator;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.List;
import java.util.function.Predicate;

/**
 * Reads an intake body straight from its bytes into its record (no JSON tree in between) and validates it without
 * Bean Validation on the common path: a record that passes the endpoint's plain checks (the same rules as the
 * record's annotations, written out) is valid; only one that does not goes through the {@link Validator}, which
 * stays the authority and words the violations exactly as the annotations do.
 */
final class IngestBodies {

    /** The body as a record, or the 400 to answer instead. */
    record Parsed<T>(T value, Response refusal) {}

    static <T> Parsed<T> read(byte[] body, ObjectReader reader, String wrongTypeDetail) {
        try (JsonParser parser = Json.mapper().createParser(body == null ? new byte[0] : body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return new Parsed<>(
                        null, ProblemResponses.validation(List.of(new Violation("body", "must be a JSON object"))));
            }
            return new Parsed<>(reader.readValue(parser), null);
        } catch (StreamReadException e) {
            return new Parsed<>(null, ProblemResponses.of(400, "Malformed request", "the body is not valid JSON"));
        } catch (JsonProcessingException e) {
            // a body nested too deep (or with too long a number or name) is neither invalid JSON nor of a wrong type
            String detail = ProblemResponses.overJsonLimits(e) ? ProblemResponses.jsonLimitsDetail() : wrongTypeDetail;
            return new Parsed<>(null, ProblemResponses.of(400, "Malformed request", detail));
        } catch (IOException e) {
            return new Parsed<>(null, ProblemResponses.of(400, "Malformed request", "the body is not valid JSON"));
        }
    }

    /** No violations when {@code plainlyValid} holds; else what Bean Validation finds. */
    static <T> List<Violation> violations(Validator validator, T value, Predicate<T> plainlyValid) {
        return plainlyValid.test(value) ? List.of() : Violations.of(validator, value);
    }

    /** {@code @NotBlank} as Hibernate Validator 9 reads it: not null and not {@link String#isBlank()}. */
    static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }

    /** {@code @Size(max)} on a String: null passes, the length counts UTF-16 chars. */
    static boolean atMost(String s, int max) {
        return s == null || s.length() <= max;
    }

    private IngestBodies() {}
}
