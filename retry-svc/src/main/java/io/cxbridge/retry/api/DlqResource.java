package io.cxbridge.retry.api;

import io.cxbridge.common.problem.ProblemResponses;
import io.cxbridge.model.event.Ids;
import io.cxbridge.model.problem.Violation;
import io.cxbridge.retry.dlq.DlqEntry;
import io.cxbridge.retry.dlq.DlqReplayer;
import io.cxbridge.retry.dlq.DlqStore;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** The dead letters of retry-svc: list (newest first, paged), replay one, replay an action's. */
@Path("/v1/data-actions/dlq")
@Produces(MediaType.APPLICATION_JSON)
public class DlqResource {

    static final int MAX_PAGE_SIZE = 200;

    private final DlqStore store;
    private final DlqReplayer replayer;

    public DlqResource(DlqStore store, DlqReplayer replayer) {
        this.store = store;
        this.replayer = replayer;
    }

    /** A dead letter as the API shows it (no payload: it may hold customer data). */
    public record EntryView(String requestId, String actionId, String originalRunId, String state, String errorClass,
                            String reason, int attempts, Instant firstSeen, Instant deadLetteredAt,
                            Instant replayedAt, boolean replayable) {

        static EntryView of(DlqEntry e) {
            return new EntryView(e.id(), e.actionId(), e.originalRunId(),
                    e.replayedAt() == null ? "dead-lettered" : "replayed", e.errorClass(), e.reason(), e.attempts(),
                    e.firstSeen(), e.deadLetteredAt(), e.replayedAt(), e.replayable());
        }
    }

    public record PageView(List<EntryView> entries, int page, int pageSize, long total, long pageCount) {
    }

    @GET
    @Operation(summary = "Dead letters, newest first; page (from 1) and pageSize (1-200, default 25); filters "
            + "requestId and actionId")
    public Uni<Response> list(@QueryParam("page") @DefaultValue("1") String pageParam,
                              @QueryParam("pageSize") @DefaultValue("25") String pageSizeParam,
                              @QueryParam("requestId") String requestId, @QueryParam("actionId") String actionId) {
        List<Violation> violations = new ArrayList<>();
        int page = intParam("page", pageParam, 1, Integer.MAX_VALUE, violations);
        int pageSize = intParam("pageSize", pageSizeParam, 1, MAX_PAGE_SIZE, violations);
        if (actionId != null && !actionId.matches(Ids.ACTION_ID_REGEX)) {
            violations.add(new Violation("actionId", "must match " + Ids.ACTION_ID_REGEX));
        }
        if (requestId != null && (requestId.isBlank() || requestId.length() > 128)) {
            violations.add(new Violation("requestId", "must be 1 to 128 characters"));
        }
        if (!violations.isEmpty()) {
            return Uni.createFrom().item(ProblemResponses.validation(violations));
        }
        if (requestId != null) {
            return store.get(requestId).map(found -> {
                List<EntryView> one = found.filter(e -> actionId == null || actionId.equals(e.actionId()))
                        .map(e -> List.of(EntryView.of(e))).orElse(List.of());
                List<EntryView> shown = page == 1 ? one : List.of();
                return Response.ok(new PageView(shown, page, pageSize, one.size(), one.isEmpty() ? 0 : 1)).build();
            });
        }
        return store.list(actionId, page, pageSize).map(p -> Response.ok(new PageView(
                p.entries().stream().map(EntryView::of).toList(), page, pageSize, p.total(),
                (p.total() + pageSize - 1) / pageSize)).build());
    }

    @POST
    @Path("/{requestId}/replay")
    @Operation(summary = "Replays one dead letter: the run is republished with its attempts reset and the same "
            + "requestId; 409 if it was already replayed (until it is dead-lettered again) or cannot be replayed")
    public Uni<Response> replay(@PathParam("requestId") String requestId) {
        return replayer.replay(requestId).map(r -> switch (r.status()) {
            case REPLAYED -> Response.accepted(Map.of("requestId", requestId, "state", "replayed",
                    "replayedAt", r.replayedAt().toString())).build();
            case NOT_FOUND -> ProblemResponses.of(404, "Not found", "no dead letter " + requestId
                    + " is known (dead letters are kept 30 days)");
            case NOT_REPLAYABLE -> ProblemResponses.of(409, "Not replayable", "dead letter " + requestId
                    + " is an invalid record (" + r.entry().reason() + "); fix it and publish it again");
            case ALREADY_REPLAYED -> ProblemResponses.of(409, "Already replayed", "dead letter " + requestId
                    + " was replayed at " + r.replayedAt() + "; follow it at /v1/data-actions/failed-runs/"
                    + requestId);
        }).onFailure(DlqReplayer.ReplayUnavailableException.class).recoverWithItem(DlqResource::unavailable);
    }

    static Response unavailable(Throwable e) {
        Response problem = ProblemResponses.of(503, "Replay unavailable", e.getMessage()
                + "; nothing was changed, try again");
        return Response.fromResponse(problem).header("Retry-After", "5").build();
    }

    @POST
    @Path("/replay")
    @Operation(summary = "Replays every dead letter of one action not replayed yet (actionId is required)")
    public Uni<Response> replayAction(@QueryParam("actionId") String actionId) {
        if (actionId == null || !actionId.matches(Ids.ACTION_ID_REGEX)) {
            return Uni.createFrom().item(ProblemResponses.validation(List.of(new Violation("actionId",
                    actionId == null ? "is required" : "must match " + Ids.ACTION_ID_REGEX))));
        }
        return replayer.replayAction(actionId).map(b -> Response.accepted(b).build())
                .onFailure(DlqReplayer.ReplayUnavailableException.class).recoverWithItem(DlqResource::unavailable);
    }

    private static int intParam(String name, String value, int min, int max, List<Violation> violations) {
        try {
            int v = Integer.parseInt(value.trim());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        violations.add(new Violation(name, max == Integer.MAX_VALUE ? "must be an integer of at least " + min
                : "must be an integer from " + min + " to " + max));
        return min;
    }
}
