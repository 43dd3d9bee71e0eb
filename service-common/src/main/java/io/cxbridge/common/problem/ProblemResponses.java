package io.cxbridge.common.problem;

import io.cxbridge.common.trace.TraceIds;
import io.cxbridge.model.problem.Problem;
import io.cxbridge.model.problem.Violation;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** Builds {@code application/problem+json} responses. */
public final class ProblemResponses {

    public static Response of(int status, String title, String detail) {
        return of(Problem.of(status, Problem.typeFor(status), title, detail, TraceIds.current()));
    }

    public static Response validation(List<Violation> violations) {
        return of(Problem.validation(violations, TraceIds.current()));
    }

    public static Response of(Problem problem) {
        return Response.status(problem.status())
                .type(Problem.MEDIA_TYPE)
                .entity(problem)
                .build();
    }

    private ProblemResponses() {}
}
