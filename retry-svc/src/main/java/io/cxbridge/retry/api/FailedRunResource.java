package io.cxbridge.retry.api;

import io.cxbridge.common.problem.ProblemResponses;
import io.cxbridge.model.retry.RunRecord;
import io.cxbridge.retry.state.RunStore;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

@Path("/v1/data-actions/failed-runs")
@Produces(MediaType.APPLICATION_JSON)
public class FailedRunResource {

    private final RunStore store;

    public FailedRunResource(RunStore store) {
        this.store = store;
    }

    /** The API's view of a run (no payload: it may hold customer data). */
    public record RunView(
            String requestId,
            String actionId,
            String originalRunId,
            String state,
            int attempts,
            Instant nextAttemptAt,
            Integer lastStatus,
            String error,
            Instant firstSeen,
            Instant updatedAt,
            Instant replayedAt,
            List<RunRecord.AttemptLog> history) {

        static RunView of(RunRecord r) {
            return new RunView(
                    r.requestId(),
                    r.actionId(),
                    r.run() == null ? null : r.run().originalRunId(),
                    r.state().label(),
                    r.attempts(),
                    r.nextAttemptAt(),
                    r.lastStatus(),
                    r.error(),
                    r.firstSeen(),
                    r.updatedAt(),
                    r.replayedAt(),
                    r.history());
        }
    }

    @GET
    @Path("/{requestId}")
    @Operation(
            summary =
                    "A failed run's retry state: pending (with its next attempt time), succeeded, dead-lettered or replayed; attempts so far")
    public Uni<Response> get(@PathParam("requestId") String requestId) {
        return store.get(requestId)
                .map(found -> found.map(r -> Response.ok(RunView.of(r)).build())
                        .orElseGet(() -> ProblemResponses.of(
                                404,
                                "Not found",
                                "no failed run " + requestId + " is known (finished runs are kept 24 h)")));
    }
}
