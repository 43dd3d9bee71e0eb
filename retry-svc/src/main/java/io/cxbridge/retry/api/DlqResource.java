package io.cxbridge.retry.api;

import io.cxbridge.common.dlq.DeadLetterEndpoints;
import io.cxbridge.common.dlq.DeadLetterIndex;
import io.cxbridge.common.dlq.DeadLetterReplays;
import io.cxbridge.common.dlq.StoredDeadLetter;
import io.cxbridge.common.problem.ProblemResponses;
import io.cxbridge.model.event.Ids;
import io.cxbridge.retry.dlq.DlqEntry;
import io.cxbridge.retry.dlq.DlqReplayer;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * The dead letters of retry-svc on service-common's dead-letter core, which lists them (newest first, paged like
 * Genesys) and replays them in bulk as a job; the single replay is retry-svc's own.
 */
@Path(DlqResource.PATH)
@Produces(MediaType.APPLICATION_JSON)
public class DlqResource extends DeadLetterEndpoints<DlqEntry.Summary> {

    /** The path here and through the gateway (the listing's URIs are relative to it). */
    static final String PATH = "/v1/data-actions/dlq";

    private final DlqReplayer replayer;

    public DlqResource(
            DeadLetterIndex<DlqEntry, DlqEntry.Summary> index, DlqReplayer replayer, DeadLetterReplays replays) {
        super(
                PATH,
                new Filters("requestId", "actionId", Pattern.compile(Ids.ACTION_ID_REGEX)),
                index,
                replays,
                EntryView::of);
        this.replayer = replayer;
    }

    /** A dead letter as the API shows it (no payload: it may hold customer data). */
    public record EntryView(
            String requestId,
            String actionId,
            String originalRunId,
            String state,
            String errorClass,
            String reason,
            int attempts,
            Instant firstSeen,
            Instant deadLetteredAt,
            Instant replayedAt,
            boolean replayable) {

        static EntryView of(StoredDeadLetter<DlqEntry.Summary> s) {
            DlqEntry e = s.entry().slim();
            return new EntryView(
                    e.id(),
                    e.actionId(),
                    e.originalRunId(),
                    s.replayed() ? "replayed" : "dead-lettered",
                    e.errorClass(),
                    e.reason(),
                    e.attempts(),
                    e.firstSeen(),
                    e.deadLetteredAt(),
                    s.replayedAt(),
                    s.entry().replayable());
        }
    }

    @POST
    @Path("/{requestId}/replay")
    @Operation(
            summary =
                    "Replays one dead letter: the run is republished with its attempts reset and the same "
                            + "requestId; 409 if it was already replayed (until it is dead-lettered again) or cannot be replayed")
    public Uni<Response> replay(@PathParam("requestId") String requestId) {
        return replayer.replay(requestId)
                .map(r -> switch (r.status()) {
                    case REPLAYED ->
                        Response.accepted(Map.of(
                                        "requestId",
                                        requestId,
                                        "state",
                                        "replayed",
                                        "replayedAt",
                                        r.replayedAt().toString()))
                                .build();
                    case NOT_FOUND ->
                        ProblemResponses.of(
                                404,
                                "Not found",
                                "no dead letter " + requestId + " is known (dead letters are kept 30 days)");
                    case NOT_REPLAYABLE ->
                        ProblemResponses.of(
                                409,
                                "Not replayable",
                                "dead letter " + requestId + " is an invalid record ("
                                        + r.entry().reason() + "); fix it and publish it again");
                    case ALREADY_REPLAYED ->
                        ProblemResponses.of(
                                409,
                                "Already replayed",
                                "dead letter " + requestId
                                        + " was replayed at " + r.replayedAt()
                                        + "; follow it at /v1/data-actions/failed-runs/"
                                        + requestId);
                })
                .onFailure(DlqReplayer.ReplayUnavailableException.class)
                .recoverWithItem(DlqResource::unavailable);
    }

    static Response unavailable(Throwable e) {
        boolean happened = e instanceof DlqReplayer.ReplayUnavailableException u && u.happened();
        return ProblemResponses.unavailable(
                e.getMessage() + (happened ? "; the run was replayed" : "; nothing was changed, try again"), 5);
    }
}
