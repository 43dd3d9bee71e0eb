package io.cxbridge.gateway.ingest;

import static io.cxbridge.gateway.ingest.IngestBodies.atMost;
import static io.cxbridge.gateway.ingest.IngestBodies.notBlank;

import io.cxbridge.model.crypto.TokenCipher;
import io.cxbridge.model.event.FulfillmentJob;
import io.cxbridge.model.problem.Violation;
import io.cxbridge.model.validation.Violations;
import jakarta.validation.Validator;
import java.util.List;

/**
 * The annotations of {@link FulfillmentRequest}, written out for the intake's common path (see {@link IngestBodies});
 * {@code IngestChecksUnitTest} holds them against Bean Validation. An explicit {@code fulfillmentId} is checked
 * against the job record's own constraint ({@link #fulfillmentId}), the one rule fulfillment-svc holds jobs to.
 */
final class FulfillmentChecks {

    static boolean plainlyValid(FulfillmentRequest request) {
        return notBlank(request.fulfillmentUrl())
                && atMost(request.fulfillmentUrl(), 2048)
                && notBlank(request.fulfillmentToken())
                && atMost(request.fulfillmentToken(), TokenCipher.MAX_TOKEN_BYTES)
                && noControlCharacters(request.fulfillmentToken());
    }

    /** {@link FulfillmentRequest#NO_CONTROL_CHARACTERS}, without a regular expression on the common path. */
    static boolean noControlCharacters(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7F) {
                return false;
            }
        }
        return true;
    }

    /**
     * What {@link FulfillmentJob}'s constraints on {@code fulfillmentId} say of the explicit one (none when it is
     * absent or blank: the URL's id is used, and the URL policy holds it to the same rule).
     */
    static List<Violation> fulfillmentId(Validator validator, FulfillmentRequest request) {
        String explicit = request.explicitFulfillmentId();
        return explicit == null
                ? List.of()
                : Violations.of(validator.validateValue(FulfillmentJob.class, "fulfillmentId", explicit));
    }

    private FulfillmentChecks() {}
}
