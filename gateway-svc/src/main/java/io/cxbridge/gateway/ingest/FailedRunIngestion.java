package io.cxbridge.gateway.ingest;

import com.fasterxml.jackson.databind.ObjectReader;
import io.cxbridge.common.problem.ProblemResponses;
import io.cxbridge.common.trace.TraceIds;
import io.cxbridge.gateway.auth.Authenticate;
import io.cxbridge.gateway.auth.GatewayClient;
import io.cxbridge.model.Json;
import io.cxbridge.model.event.FailedRun;
import io.cxbridge.model.problem.Violation;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.validation.Validator;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * {@code POST /v1/data-actions/failed-runs}: a failed Data Action run goes to
 * {@code cxbridge.dataactions.failed-runs.v1} (key actionId) for retry-svc. 202 {@code {requestId}} only once
 * the broker has the record; 503 with Retry-After when it does not acknowledge within the ack timeout (the
 * client sends it again; duplicates are harmless downstream: a run without a requestId gets one derived from the
 * client, the action and the original run, so the same run sent twice is one run). retry-svc resubmits the run as
 * {@code POST /api/v2/integrations/actions/{actionId}/execute} with the organisation's token, so a client hands over
 * only runs of actions its grants let it execute itself (else 403): the intake is no way around a grant.
 */
@Path("/v1/data-actions/failed-runs")
public class FailedRunIngestion {

    private static final ObjectReader READER = Json.mapper().readerFor(FailedRun.class);

    private final FailedRunPublisher publisher;
    private final Validator validator;
    private final Clock clock;

    public FailedRunIngestion(FailedRunPublisher publisher, Validator validator, Clock clock) {
        this.publisher = publisher;
        this.validator = validator;
        this.clock = clock;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Hand a failed Data Action run to retry-svc")
    @APIResponse(responseCode = "202", description = "the broker has the run: {requestId}")
    @APIResponse(responseCode = "400", description = "problem+json listing every invalid field")
    @APIResponse(
            responseCode = "403",
            description = "the client may not POST /api/v2/integrations/actions/{actionId}/execute itself")
    @APIResponse(
            responseCode = "413",
            description = "the run is larger than one Kafka record may be (1 MiB); nothing was published")
    @APIResponse(
            responseCode = "503",
            description = "the broker did not acknowledge in time; send the same run again (without a requestId, one"
                    + " derived from the client, actionId and originalRunId makes it the same run)")
    public Uni<Response> ingest(
            @RequestBody(
                            required = true,
                            content =
                                    @Content(
                                            mediaType = MediaType.APPLICATION_JSON,
                                            schema = @Schema(implementation = FailedRun.class)))
                    byte[] body,
            @Context RoutingContext rc) {
        IngestBodies.Parsed<FailedRun> parsed = IngestBodies.read(body, READER, "a field has the wrong type");
        if (parsed.refusal() != null) {
            return Uni.createFrom().item(parsed.refusal());
        }
        FailedRun run = parsed.value();
        List<Violation> violations = IngestBodies.violations(validator, run, FailedRunChecks::plainlyValid);
        if (!violations.isEmpty()) {
            return Uni.createFrom().item(ProblemResponses.validation(violations));
        }
        GatewayClient client = Authenticate.client(rc);
        Response refused = refusedWithoutExecuteGrant(client, run.actionId());
        if (refused != null) {
            return Uni.createFrom().item(refused);
        }
        if (run.requestId() == null) {
            run = run.withRequestId(FailedRunPublisher.requestIdFor(client.id(), run.actionId(), run.originalRunId()));
        }
        return publisher.publish(run.withDefaults(clock, TraceIds::current));
    }

    /** 403 unless {@code client} may execute the action itself; null when it may. */
    static Response refusedWithoutExecuteGrant(GatewayClient client, String actionId) {
        String execute = "/api/v2/integrations/actions/" + actionId + "/execute";
        if (client != null && client.allows("POST", execute)) {
            return null;
        }
        return ProblemResponses.of(
                403,
                "Forbidden",
                "client '" + (client == null ? "-" : client.id()) + "' may not POST " + execute
                        + ", which retry-svc would resubmit this run as");
    }
}
