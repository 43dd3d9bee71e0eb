package io.cxbridge.common.problem;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxbridge.model.problem.Problem;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;

/** Every service's 503 has one shape: the unavailable type, a problem body and a Retry-After a client can obey. */
class ProblemResponsesUnitTest {

    @Test
    void unavailableIsA503ProblemWithRetryAfterInSeconds() {
        Response response = ProblemResponses.unavailable("the broker did not answer", "trace-1", 5);

        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.getMediaType().toString()).isEqualTo(Problem.MEDIA_TYPE);
        assertThat(response.getHeaderString("Retry-After")).isEqualTo("5");
        Problem problem = (Problem) response.getEntity();
        assertThat(problem.type()).isEqualTo(Problem.UNAVAILABLE);
        assertThat(problem.title()).isEqualTo("Service Unavailable");
        assertThat(problem.detail()).isEqualTo("the broker did not answer");
        assertThat(problem.traceId()).isEqualTo("trace-1");
    }

    @Test
    void aRetryAfterBelowOneSecondIsSentAsOne() {
        // Retry-After: 0 reads as "at once", which would turn a client's back-off into a loop.
        assertThat(ProblemResponses.unavailable("x", "t", 0).getHeaderString("Retry-After"))
                .isEqualTo("1");
    }
}
