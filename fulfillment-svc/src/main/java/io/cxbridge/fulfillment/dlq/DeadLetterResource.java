package io.cxbridge.fulfillment.dlq;

import io.cxbridge.common.problem.ProblemResponses;
import io.cxbridge.model.problem.Violation;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * {@code GET /v1/fulfillment/dlq} (newest first, paged like Genesys lists: {@code pageSize} 1-100, default 25,
 * {@code pageNumber} from 1; answer {@code {entities, pageSize, pageNumber, total, pageCount}}) and
 * {@code POST /v1/fulfillment/dlq/{jobId}/replay}. Reached through the gateway.
 */
@Path("/v1/fulfillment/dlq")
public class DeadLetterResource {

    static final int DEFAULT_PAGE_SIZE = 25;
    static final int MAX_PAGE_SIZE = 100;

    private final DeadLetterIndex index;
    private final Replayer replayer;

    public DeadLetterResource(DeadLetterIndex index, Replayer replayer) {
        this.index = index;
        this.replayer = replayer;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Dead-lettered fulfillment jobs, newest first",
            description = "Paged: pageSize (1-100, default 25), pageNumber (from 1). Answer {entities: [{jobId, "
                    + "fulfillmentId, errorClass, reason, attempts, firstSeen, deadLetteredAt, deadline, traceId, "
                    + "replayed, replays, replayedAt}], pageSize, pageNumber, total, pageCount}.")
    @APIResponse(responseCode = "200", description = "a page of dead letters")
    @APIResponse(responseCode = "400", description = "pageSize or pageNumber out of range")
    public Uni<Response> list(@QueryParam("pageSize") String pageSize, @QueryParam("pageNumber") String pageNumber) {
        List<Violation> violations = new ArrayList<>();
        int size = integer("pageSize", pageSize, DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE, violations);
        int number = integer("pageNumber", pageNumber, 1, 1, 1_000_000, violations);
        if (!violations.isEmpty()) {
            return Uni.createFrom().item(ProblemResponses.validation(violations));
        }
        return index.page(number, size).map(page -> Response.ok(page).build());
    }

    @POST
    @Path("/{jobId}/replay")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Hand a dead-lettered job back to the jobs topic",
            description = "Only while the job's deadline allows. 202 {status: replayed, jobId, fulfillmentId, "
                    + "replays}; 404 unknown; 409 deadline passed, result already posted, or job in progress; 422 "
                    + "an invalid job (it would be dead-lettered again); 503 the broker did not take it.")
    @APIResponse(responseCode = "202", description = "republished")
    @APIResponse(responseCode = "404", description = "no such dead letter")
    @APIResponse(responseCode = "409", description = "deadline passed, already posted, or in progress")
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
                            return Response.accepted(body).type(MediaType.APPLICATION_JSON).build();
                        }))
                .onFailure().recoverWithItem(e -> ProblemResponses.of(503, "Unavailable",
                        "the job could not be handed back now; try again"));
    }

    private static int integer(String field, String raw, int dflt, int min, int max, List<Violation> violations) {
        if (raw == null || raw.isBlank()) {
            return dflt;
        }
        try {
            int v = Integer.parseInt(raw.trim());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        violations.add(new Violation(field, "must be a whole number from " + min + " to " + max));
        return dflt;
    }
}
