package io.cxbridge.fulfillment.action;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** {@code POST /v1/actions/{actionName}} and {@code DELETE /v1/actions/{actionName}/cache} (through the gateway). */
@Path("/v1/actions")
public class ActionResource {

    private final ActionService service;

    public ActionResource(ActionService service) {
        this.service = service;
    }

    @POST
    @Path("/{actionName}")
    @Consumes(MediaType.WILDCARD)
    @Produces({MediaType.APPLICATION_JSON, "application/problem+json"})
    @Operation(
            summary = "Run a configured action (the endpoint a Genesys web-services Data Action calls)",
            description = "The body is the JSON the Data Action's request template produced; the answer is the "
                    + "external API's JSON (header X-Cxbridge-Cache: MISS, HIT or STALE with Age when the action "
                    + "caches), always within the action's budget.")
    @APIResponse(responseCode = "200", description = "the external API's answer, fresh or cached")
    @APIResponse(responseCode = "400", description = "not JSON, or a field the URL template needs is missing")
    @APIResponse(responseCode = "404", description = "no such action")
    @APIResponse(responseCode = "502", description = "errorCode EXTERNAL_UNAVAILABLE or EXTERNAL_REJECTED")
    @APIResponse(responseCode = "503", description = "errorCode CIRCUIT_OPEN")
    @APIResponse(responseCode = "504", description = "errorCode EXTERNAL_TIMEOUT")
    public Uni<Response> run(
            @PathParam("actionName") String actionName, @HeaderParam("X-Request-Id") String requestId, String body) {
        return service.run(actionName, body, requestId);
    }

    @DELETE
    @Path("/{actionName}/cache")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Drop an action's cached answers", description = "{action, removed}")
    @APIResponse(responseCode = "200", description = "the entries were dropped")
    @APIResponse(responseCode = "404", description = "no such action")
    @APIResponse(responseCode = "503", description = "Redis did not answer; retry shortly")
    public Uni<Response> clearCache(@PathParam("actionName") String actionName) {
        return service.clearCache(actionName);
    }
}
