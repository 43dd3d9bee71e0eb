package io.cxbridge.retry.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cxbridge.genesys.breaker.CircuitOpenException;
import io.cxbridge.genesys.http.GenesysResponse;
import io.cxbridge.genesys.redaction.Redactor;
import io.cxbridge.genesys.shaping.RateLimitedException;
import io.vertx.mutiny.core.MultiMap;
import io.vertx.mutiny.core.buffer.Buffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** Which answers are retried, dead-lettered at once, or not counted as an attempt. */
class GenesysAnswerUnitTest {

    private static final Redactor REDACTOR = new Redactor(List.of("phone", "email"), List.of());

    static Resubmitter.GenesysAnswer answer(int status) {
        return Resubmitter.GenesysAnswer.of(new GenesysResponse(
                status, MultiMap.caseInsensitiveMultiMap(), Buffer.buffer("{\"message\":\"m\"}"), 1));
    }

    @Test
    void retryableAnswers() {
        for (int status : new int[] {408, 429, 500, 502, 503, 504}) {
            assertTrue(answer(status).retryable(), "HTTP " + status);
        }
        Resubmitter.GenesysAnswer timeout = Resubmitter.GenesysAnswer.noAnswer(new TimeoutException("slow"));
        assertTrue(timeout.retryable());
        assertNull(timeout.notSent(), "a timeout was sent: it is an attempt");
    }

    @Test
    void clientErrorsAreFinal() {
        for (int status : new int[] {400, 401, 403, 404, 409, 422}) {
            assertFalse(answer(status).retryable(), "HTTP " + status);
        }
        assertTrue(
                answer(400).reason(REDACTOR).startsWith("HTTP 400"), answer(400).reason(REDACTOR));
    }

    @Test
    void theReasonCarriesGenesyssAnswerRedacted() {
        // a Data Action's error quotes what its back end answered
        String body = "{\"status\":400,\"code\":\"bad.request\",\"message\":\"REST call for action execute failed."
                + " Message: Request to backend service failed. Response from web service:"
                + " {\\\"phone\\\":\\\"+1 555 123 4567\\\",\\\"email\\\":\\\"ann@example.com\\\"}\"}";
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Content-Type", "application/json");
        String reason = Resubmitter.GenesysAnswer.of(new GenesysResponse(400, headers, Buffer.buffer(body), 1))
                .reason(REDACTOR);

        assertTrue(reason.startsWith("HTTP 400 "), reason);
        assertTrue(reason.contains("bad.request") && reason.contains("Request to backend service failed"), reason);
        assertFalse(reason.contains("555 123 4567") || reason.contains("ann@example.com"), reason);
        assertTrue(reason.contains(Redactor.MASK), reason);
    }

    @Test
    void callsTheClientDidNotSendAreNotAttempts() {
        assertEquals(
                Duration.ofSeconds(3),
                Resubmitter.GenesysAnswer.noAnswer(new CircuitOpenException("genesys", Duration.ofSeconds(3)))
                        .notSent());
        assertEquals(
                Duration.ofMillis(700),
                Resubmitter.GenesysAnswer.noAnswer(new RateLimitedException(Duration.ofMillis(700), 300))
                        .notSent());
    }
}
