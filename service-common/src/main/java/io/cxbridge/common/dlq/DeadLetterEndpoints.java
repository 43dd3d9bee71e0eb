package io.cxbridge.common.dlq;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * The endpoints both dead-letter APIs share, written once: the listing, bulk replay as a job and its progress. A
 * service's resource extends this with its {@code @Path} (the same through the gateway), names its filters, says how
 * an entry is shown, and adds its own single replay.
 */
public abstract class DeadLetterEndpoints<S extends DeadLetter> {

    private static final String LIST = "pageSize (1-100, default 25), pageNumber (from 1); filters requestId "
            + "(retry-svc) or jobId (fulfillment-svc), actionId (retry-svc), since (ISO-8601 instant), reason (the "
            + "error class, or a part of the reason). Answer {entities, pageSize, pageNumber, total, pageCount, "
            + "firstUri, selfUri, previousUri, nextUri, lastUri}; the URIs are relative, as called through the gateway.";
    private static final String BULK = "Filters as the listing (at least one). 202 {id, state, selfUri} at once; "
            + "follow the job at selfUri. 409 while a bulk replay with an overlapping filter is not done.";

    /**
     * How a service names its filters: the id parameter ({@code requestId}, {@code jobId}) and, where it has groups,
     * the group parameter ({@code actionId}) and the pattern a group must match (else both null).
     */
    public record Filters(String idParam, String groupParam, Pattern groupPattern) {}

    private final String path;
    private final Filters filters;
    private final DeadLetterIndex<?, S> index;
    private final DeadLetterReplays replays;
    private final Function<StoredDeadLetter<S>, ?> view;

    /** {@code view}: a dead letter as the listing shows it, from the index's summary (never a payload). */
    protected DeadLetterEndpoints(
            String path,
            Filters filters,
            DeadLetterIndex<?, S> index,
            DeadLetterReplays replays,
            Function<StoredDeadLetter<S>, ?> view) {
        this.path = path;
        this.filters = filters;
        this.index = index;
        this.replays = replays;
        this.view = view;
    }

    private DeadLetterQuery filters(MultivaluedMap<String, String> params) {
        DeadLetterQuery query = new DeadLetterQuery().id(filters.idParam(), params.getFirst(filters.idParam()));
        if (filters.groupParam() != null) {
            query.group(filters.groupParam(), params.getFirst(filters.groupParam()), filters.groupPattern());
        }
        return query.since(params.getFirst("since")).reason(params.getFirst("reason"));
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Dead letters, newest first, paged like Genesys lists", description = LIST)
    @APIResponse(responseCode = "200", description = "a page of dead letters")
    @APIResponse(responseCode = "400", description = "a parameter out of range, named in violations")
    public Uni<Response> list(@Context UriInfo uri) {
        MultivaluedMap<String, String> params = uri.getQueryParameters();
        DeadLetterQuery query = filters(params).paging(params.getFirst("pageSize"), params.getFirst("pageNumber"));
        if (query.invalid()) {
            return Uni.createFrom().item(query.problem());
        }
        return index.list(query.filter(), query.pageNumber(), query.pageSize())
                .map(page -> Response.ok(query.listing(
                                path, page.entries().stream().map(view).toList(), page.total()))
                        .build());
    }

    @POST
    @Path("/replay")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Bulk replay as a job: every dead letter matching the filters and not replayed yet",
            description = BULK)
    @APIResponse(responseCode = "202", description = "the job was started")
    @APIResponse(responseCode = "400", description = "no filter, or a bad one")
    @APIResponse(responseCode = "409", description = "an overlapping bulk replay is not done")
    public Uni<Response> replayBulk(@Context UriInfo uri) {
        return replays.start(filters(uri.getQueryParameters()), path);
    }

    @GET
    @Path("/replays/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "A bulk replay: state (running, done, failed, interrupted), filters, counts and every "
                    + "record's outcome (replayed, refused, failed)")
    @APIResponse(responseCode = "200", description = "the job")
    @APIResponse(responseCode = "404", description = "no such job")
    public Uni<Response> replayJob(@PathParam("id") String id) {
        return replays.status(id);
    }
}
