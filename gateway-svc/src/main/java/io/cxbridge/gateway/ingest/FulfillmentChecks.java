package io.cxbridge.gateway.ingest;

import static io.cxbridge.gateway.ingest.IngestBodies.atMost;
import static io.cxbridge.gateway.ingest.IngestBodies.notBlank;

import io.cxbridge.model.crypto.TokenCipher;

/**
 * The annotations of {@link FulfillmentRequest}, written out for the intake's common path (see {@link IngestBodies});
 * {@code FailedRunChecksUnitTest} holds them against Bean Validation.
 */
final class FulfillmentChecks {

    static boolean plainlyValid(FulfillmentRequest request) {
        return notBlank(request.fulfillmentUrl())
                && atMost(request.fulfillmentUrl(), 2048)
                && notBlank(request.fulfillmentToken())
                && atMost(request.fulfillmentToken(), TokenCipher.MAX_TOKEN_BYTES)
                && atMost(request.fulfillmentId(), 256);
    }

    private FulfillmentChecks() {}
}
