package io.cxbridge.fulfillment.dlq;

import io.cxbridge.common.dlq.DeadLetterEndpoints;
import io.cxbridge.common.dlq.DeadLetterIndex;
import io.cxbridge.common.dlq.DeadLetterReplays;
import io.cxbridge.common.problem.ProblemResponses;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * The dead letters of fulfillment-svc on service-common's dead-letter core, which lists them (newest first, paged like
 * Genesys) and replays them in bulk as a job; the single replay (only while the deadline allows) is this service's
 * own. Reached through the gateway at the same paths.
 */
@Path(DeadLetterResource.PATH)
@Produces(MediaType.APPLICATION_JSON)
public class DeadLetterResource extends DeadLetterEndpoints<JobDeadLetter> {

    /** The path here and through the gateway (the listing's URIs are relative to it). */
    static final String PATH = "/v1/fulfillment/dlq";

    private final Replayer replayer;

    public DeadLetterResource(
            DeadLetterIndex<JobDeadLetter, JobDeadLetter> index, Replayer replayer, DeadLetterReplays replays) {
        super(PATH, new Filters("jobId", null, null), index, replays, DeadLetterEntry::of);
        this.replayer = replayer;
    }

    @POST
    @Path("/{jobId}/replay")
    @Operation(
            summary = "Hand a dead-lettered job back to the jobs topic",
            description = "Only while the job's deadline allows. 202 {status: replayed, jobId, fulfillmentId, "
                    + "replays}; 404 unknown; 409 deadline passed, result already posted, already replayed or job "
                    + "in progress, its value only on the DLQ topic (payload budget) or kept nowhere (the DLQ holds "
                    + "only a stub: payload too large to keep); 422 an invalid job (it would be dead-lettered again);"
                    + " 503 the broker did not "
                    + "take it.")
    @APIResponse(responseCode = "202", description = "republished")
    @APIResponse(responseCode = "404", description = "no such dead letter")
    @APIResponse(
            responseCode = "409",
            description = "deadline passed, already posted or replayed, in progress, value only on the DLQ topic, or"
                    + " payload too large to keep (a stub dead letter)")
    @APIResponse(responseCode = "422", description = "not a replayable job")
    public Uni<Response> replay(@PathParam("jobId") String jobId) {
        if (jobId == null || jobId.length() > 128) {
            return Uni.createFrom().item(ProblemResponses.of(404, "Not Found", "no such dead letter"));
        }
        return replayer.replay(jobId)
                .map(result -> result.refusal()
                        .map(r -> ProblemResponses.of(r.status(), r.title(), r.detail()))
                        .orElseGet(() -> {
                            DeadLetterEntry e = result.replayed().orElseThrow();
                            Map<String, Object> body = new LinkedHashMap<>();
                            body.put("status", "replayed");
                            body.put("jobId", e.jobId());
                            body.put("fulfillmentId", e.fulfillmentId());
                            body.put("replays", e.replays());
                            return Response.accepted(body)
                                    .type(MediaType.APPLICATION_JSON)
                                    .build();
                        }))
                .onFailure()
                .recoverWithItem(e ->
                        ProblemResponses.of(503, "Unavailable", "the job could not be handed back now; try again"));
    }
}
