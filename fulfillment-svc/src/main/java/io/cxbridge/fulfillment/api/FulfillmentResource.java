package io.cxbridge.fulfillment.api;

import io.cxbridge.common.problem.ProblemResponses;
import io.cxbridge.fulfillment.state.JobStore;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** {@code GET /v1/fulfillment/jobs/{jobId}}: a job's state from Redis (reached through the gateway). */
@Path("/v1/fulfillment")
public class FulfillmentResource {

    private final JobStore store;

    public FulfillmentResource(JobStore store) {
        this.store = store;
    }

    @GET
    @Path("/jobs/{jobId}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "A fulfillment job's state",
            description = "{jobId, fulfillmentId, state (queued|calling|posting|complete|failed|dead-lettered), "
                    + "attempts, callbackAttempts, errorCode, errorMessage, receivedAt, deadline, startedAt, "
                    + "externalDoneAt, finishedAt, externalMs, totalMs}")
    @APIResponse(responseCode = "200", description = "the job")
    @APIResponse(responseCode = "404", description = "no such job")
    public Uni<Response> job(@PathParam("jobId") String jobId) {
        if (jobId == null || jobId.length() > 128) {
            return Uni.createFrom().item(ProblemResponses.of(404, "Not Found", "no such job"));
        }
        return store.get(jobId)
                .map(found -> found.map(r -> Response.ok(r).build())
                        .orElseGet(() -> ProblemResponses.of(404, "Not Found", "no job " + jobId)));
    }
}
