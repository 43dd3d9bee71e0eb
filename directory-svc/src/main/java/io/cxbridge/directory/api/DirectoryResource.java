package io.cxbridge.directory.api;

import io.cxbridge.common.problem.ProblemResponses;
import io.cxbridge.common.trace.TraceIds;
import io.cxbridge.directory.cache.CachedDirectory;
import io.cxbridge.directory.cache.DirectoryAnswer;
import io.cxbridge.directory.cache.DirectoryCache;
import io.cxbridge.directory.cache.DirectoryNotFoundException;
import io.cxbridge.directory.cache.DirectoryUnavailableException;
import io.cxbridge.directory.entry.DirectoryEntry;
import io.cxbridge.directory.entry.InvalidDirectoryException;
import io.cxbridge.directory.invalidation.Invalidations;
import io.cxbridge.directory.metrics.CacheMetrics;
import io.cxbridge.directory.source.DirectorySources;
import io.cxbridge.model.event.Ids;
import io.cxbridge.model.problem.Problem;
import io.cxbridge.model.problem.Violation;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/** The directory API: entries (from the cache), invalidation, cache metrics. */
@Path("/v1/directories")
@Produces(MediaType.APPLICATION_JSON)
public class DirectoryResource {

    private static final Logger LOG = Logger.getLogger(DirectoryResource.class);
    private static final Pattern ID = Pattern.compile(Ids.DIRECTORY_ID_REGEX);
    static final int MAX_PAGE_SIZE = 10_000;

    /** One configured source as {@code GET /v1/directories} lists it. */
    public record SourceView(
            String id, String kind, int ttlSeconds, int cachedEntries, Instant lastLoadedAt, String lastOutcome) {}

    public record SourceList(List<SourceView> entities) {}

    private static final DateTimeFormatter LAST_MODIFIED = DateTimeFormatter.RFC_1123_DATE_TIME;

    private final DirectoryCache cache;
    private final Invalidations invalidations;

    public DirectoryResource(DirectoryCache cache, Invalidations invalidations) {
        this.cache = cache;
        this.invalidations = invalidations;
    }

    /** The configured sources and what this replica holds of each. */
    @GET
    public SourceList sources() {
        List<SourceView> views = new ArrayList<>();
        new TreeMap<>(cache.settings().sources().configured()).forEach((id, source) -> {
            CachedDirectory held = cache.peek(id);
            DirectoryCache.Status status = cache.status(id);
            Instant loadedAt = status != null && status.lastLoadedAt() != null
                    ? status.lastLoadedAt()
                    : held == null ? null : held.loadedAt();
            views.add(new SourceView(
                    id,
                    source.kind().configName(),
                    cache.ttlSeconds(id),
                    held == null ? 0 : held.entries().size(),
                    loadedAt,
                    status == null ? null : status.lastOutcome()));
        });
        return new SourceList(views);
    }

    @GET
    @Path("/{directoryId}/entries")
    public Uni<Response> entries(
            @PathParam("directoryId") String directoryId,
            @QueryParam("pageSize") String pageSize,
            @QueryParam("pageNumber") String pageNumber) {
        List<Violation> violations = new ArrayList<>();
        checkId(directoryId, violations);
        Integer size = intParam("pageSize", pageSize, 1, MAX_PAGE_SIZE, violations);
        Integer number = intParam("pageNumber", pageNumber, 1, Integer.MAX_VALUE, violations);
        if (!violations.isEmpty()) {
            return Uni.createFrom().item(ProblemResponses.validation(violations));
        }
        String traceId = TraceIds.current();
        return cache.read(directoryId)
                .map(read -> {
                    CachedDirectory d = read.directory();
                    Response.ResponseBuilder ok;
                    if (size != null || number != null) {
                        int s = size == null ? 250 : size;
                        int n = number == null ? 1 : number;
                        long from = (long) (n - 1) * s;
                        List<DirectoryEntry> entries = from >= d.entries().size()
                                ? List.of()
                                : d.entries().subList((int) from, (int)
                                        Math.min(d.entries().size(), from + s));
                        ok = Response.ok(DirectoryAnswer.of(d, entries))
                                .header("X-Total-Count", d.entries().size())
                                .header("X-Page-Count", (d.entries().size() + s - 1) / s);
                    } else {
                        // The whole directory: the bytes written when it was cached (an L1 hit copies them).
                        ok = Response.ok(read.answer() != null ? read.answer() : DirectoryAnswer.bytes(d));
                    }
                    return ok.header("X-Cache", read.source().header())
                            .header(
                                    "Last-Modified",
                                    LAST_MODIFIED.format(d.lastModified().atZone(ZoneOffset.UTC)))
                            .build();
                })
                .onFailure()
                .recoverWithItem(e -> failure(directoryId, e, traceId));
    }

    @DELETE
    @Path("/{directoryId}/cache")
    public Uni<Response> invalidate(@PathParam("directoryId") String directoryId, @QueryParam("reason") String reason) {
        List<Violation> violations = new ArrayList<>();
        checkId(directoryId, violations);
        if (reason != null && reason.length() > 512) {
            violations.add(new Violation("reason", "must be at most 512 characters"));
        }
        if (!violations.isEmpty()) {
            return Uni.createFrom().item(ProblemResponses.validation(violations));
        }
        String traceId = TraceIds.current();
        if (!cache.settings().sources().readable(directoryId)) {
            // as its GET: no replica with this configuration holds it, so nothing is published or audited
            return Uni.createFrom()
                    .item(ProblemResponses.of(Problem.of(
                            404, Problem.NOT_FOUND, "Not Found", DirectorySources.notReadable(directoryId), traceId)));
        }
        return invalidations
                .issue(
                        directoryId,
                        reason == null ? "DELETE /v1/directories/" + directoryId + "/cache" : reason,
                        traceId)
                .map(inv -> Response.accepted(inv).build())
                .onFailure()
                .recoverWithItem(e -> {
                    if (e instanceof Invalidations.SharedCopyNotDroppedException
                            || e instanceof Invalidations.AuditNotTakenException) {
                        LOG.warnf("invalidation of directory %s incomplete: %s", directoryId, e.getMessage());
                        return ProblemResponses.unavailable(e.getMessage(), traceId, 5);
                    }
                    LOG.warnf(
                            "invalidation of directory %s applied here but not published: %s",
                            directoryId, e.getMessage());
                    return ProblemResponses.unavailable(
                            "the cache of this replica was invalidated, but the broker did "
                                    + "not take the invalidation for the other replicas; repeat the request",
                            traceId,
                            5);
                });
    }

    @GET
    @Path("/metrics")
    public CacheMetrics.Snapshot metrics() {
        return cache.metrics();
    }

    private static Response failure(String directoryId, Throwable e, String traceId) {
        if (e instanceof InvalidDirectoryException) {
            LOG.warnf("directory %s refused: %s", directoryId, e.getMessage());
            return ProblemResponses.of(Problem.of(502, Problem.typeFor(502), "Bad Gateway", e.getMessage(), traceId));
        }
        if (e instanceof DirectoryNotFoundException) {
            LOG.debugf("directory %s not found: %s", directoryId, e.getMessage());
            return ProblemResponses.of(Problem.of(404, Problem.NOT_FOUND, "Not Found", e.getMessage(), traceId));
        }
        LOG.warnf("directory %s unavailable: %s", directoryId, e.getMessage());
        String detail = e instanceof DirectoryUnavailableException
                ? e.getMessage()
                : "directory " + directoryId + " could not be loaded";
        return ProblemResponses.unavailable(detail + "; no copy within its stale bound is cached", traceId, 5);
    }

    private static void checkId(String id, List<Violation> violations) {
        if (id == null || id.length() > 128 || !ID.matcher(id).matches()) {
            violations.add(
                    new Violation("directoryId", "must match " + Ids.DIRECTORY_ID_REGEX + " (at most 128 characters)"));
        }
    }

    private static Integer intParam(String name, String value, int min, int max, List<Violation> violations) {
        if (value == null) {
            return null;
        }
        try {
            int v = Integer.parseInt(value.trim());
            if (v < min || v > max) {
                violations.add(new Violation(name, "must be between " + min + " and " + max));
                return null;
            }
            return v;
        } catch (NumberFormatException e) {
            violations.add(new Violation(name, "must be a whole number"));
            return null;
        }
    }
}
