package io.cxbridge.gateway.idempotency;

import io.cxbridge.model.problem.Problem;
import io.vertx.core.http.HttpMethod;
import java.util.Optional;
import java.util.Set;

/**
 * Step "idempotency", its decisions: which requests are keyed, which keys and bodies are acceptable, and what a
 * claim finds decides the answer (run the call, replay the stored answer, or one of the refusals).
 */
public final class KeyedWrite {

    public static final String HEADER = "Idempotency-Key";
    /** The problem type of a keyed write whose outcome is unknown (sent, no answer). */
    public static final String OUTCOME_UNKNOWN = Problem.TYPE_PREFIX + "outcome-unknown";
    /**
     * The problem type of a new key refused (429) because the client has used up its idempotency storage budget: not
     * the rate limit, so a client can tell the two apart.
     */
    public static final String BUDGET_USED_UP = Problem.TYPE_PREFIX + "idempotency-budget-used-up";

    private static final Set<HttpMethod> WRITES = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH);

    /** What a claim found. */
    public enum Decision {
        /** This call owns the key: send it. */
        RUN,
        /** The same request completed: replay the stored answer. */
        REPLAY,
        /** 422: the key was used for another request. */
        DIFFERENT_REQUEST,
        /** 409 outcome-unknown: sent before and no answer came. */
        OUTCOME_UNKNOWN,
        /** 409: completed, the answer too large to replay. */
        TOO_LARGE,
        /** 409 with Retry-After: the first is still in flight. */
        IN_PROGRESS
    }

    private KeyedWrite() {}

    /** A write (POST, PUT, PATCH) with the header: the key, else null (GET and DELETE are idempotent already). */
    public static String keyOf(HttpMethod method, String header) {
        return header != null && WRITES.contains(method) ? header : null;
    }

    /** A keyed request refused before anything is claimed. */
    public record Refusal(int status, String title, String detail) {}

    /** Why a keyed request is refused before anything is claimed: its body not held (413), a bad key (400); or empty. */
    public static Optional<Refusal> refusal(String key, boolean chunked, long length, long bufferLimit) {
        if (chunked || length > bufferLimit) {
            return Optional.of(new Refusal(
                    413,
                    "Payload Too Large",
                    "a request with an Idempotency-Key may carry at most " + bufferLimit
                            + " bytes (its body is kept to recognise repeats)"));
        }
        if (key.isBlank() || key.length() > 255) {
            return Optional.of(new Refusal(400, "Bad Request", "Idempotency-Key must be 1 to 255 characters"));
        }
        return Optional.empty();
    }

    public static Decision decide(Optional<IdempotencyRecord> existing, String fingerprint) {
        if (existing.isEmpty()) {
            return Decision.RUN;
        }
        IdempotencyRecord found = existing.get();
        if (!found.fingerprint().equals(fingerprint)) {
            return Decision.DIFFERENT_REQUEST;
        }
        if (IdempotencyRecord.OUTCOME_UNKNOWN.equals(found.state())) {
            return Decision.OUTCOME_UNKNOWN;
        }
        if (IdempotencyRecord.TOO_LARGE.equals(found.state())) {
            return Decision.TOO_LARGE;
        }
        return found.done() ? Decision.REPLAY : Decision.IN_PROGRESS;
    }

    /** Whether an answer is kept for replay: 5xx and 429 are not (the key is released, a repeat runs again). */
    public static boolean kept(int status) {
        return status < 500 && status != 429;
    }
}
