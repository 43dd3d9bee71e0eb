package io.cxbridge.sim.http;

import io.cxbridge.model.event.Ids;
import io.cxbridge.model.problem.Problem;
import io.cxbridge.model.problem.Violation;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** The control API's errors: application/problem+json, with the caller's trace id where it sent one. */
public final class Problems {

    public static void problem(RoutingContext ctx, Problem problem) {
        JsonAnswers.send(ctx, problem.status(), Problem.MEDIA_TYPE, JsonAnswers.bytes(problem));
    }

    public static void problem(RoutingContext ctx, int status, String title, String detail) {
        problem(ctx, Problem.of(status, Problem.typeFor(status), title, detail, traceId(ctx)));
    }

    public static void invalid(RoutingContext ctx, List<Violation> violations) {
        problem(ctx, Problem.validation(violations, traceId(ctx)));
    }

    public static String traceId(RoutingContext ctx) {
        String traceparent = ctx.request().getHeader("traceparent");
        if (traceparent != null && traceparent.length() >= 35 && traceparent.charAt(2) == '-') {
            return traceparent.substring(3, 35);
        }
        return Ids.newTraceId();
    }

    private Problems() {}
}
