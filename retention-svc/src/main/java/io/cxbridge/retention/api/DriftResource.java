package io.cxbridge.retention.api;

import io.cxbridge.common.problem.ProblemResponses;
import io.cxbridge.retention.config.RetentionConfig;
import io.cxbridge.retention.media.DriftCheck;
import io.cxbridge.retention.media.MediaTargets;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** {@code GET /v1/retention/drift}: the media-retention target's last applied set against what Genesys holds. */
@Path("/v1/retention/drift")
@Produces(MediaType.APPLICATION_JSON)
public class DriftResource {

    private final DriftCheck drift;
    private final RetentionConfig config;

    public DriftResource(DriftCheck drift, RetentionConfig config) {
        this.drift = drift;
        this.config = config;
    }

    @GET
    @Operation(
            summary = "Media retention policies changed or deleted outside cxbridge since they were applied",
            description = "{target, checkedAt, applied (policies in the last applied set), drifted: [{name, policyId, "
                    + "change: changed|deleted, diff: [{path, before (as applied), after (at Genesys)}]}]}. Reads "
                    + "the last applied set from the journal cxbridge.retention.state.v1 and every policy from "
                    + "Genesys; reports only (the scheduled check emits io.cxbridge.retention.drift-detected).")
    @APIResponse(responseCode = "200", description = "the drift report")
    @APIResponse(responseCode = "404", description = "the media-retention target is not enabled")
    @APIResponse(responseCode = "502", description = "Genesys's policies could not be read")
    public Uni<Response> drift() {
        if (!config.targets().contains(MediaTargets.MEDIA_RETENTION)) {
            return Uni.createFrom()
                    .item(ProblemResponses.of(
                            404,
                            "Not Found",
                            "the media-retention target is not enabled (cxbridge.retention.targets)"));
        }
        return drift.check()
                .map(report -> Response.ok(report).build())
                .onFailure()
                .recoverWithItem(e -> ProblemResponses.of(
                        502,
                        "Bad Gateway",
                        "the drift check could not read the media retention policies: " + e.getMessage()));
    }
}
