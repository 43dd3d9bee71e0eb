package io.cxbridge.sim.directory;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxbridge.model.Json;
import io.cxbridge.sim.http.JsonAnswers;
import io.cxbridge.sim.http.QueryParams;
import io.cxbridge.sim.listing.ListingFault;
import io.cxbridge.sim.listing.Listings;
import io.cxbridge.sim.store.Paging;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;

/**
 * {@code GET /api/v2/routing/directories/{id}/entries?pageSize=&pageNumber=} (defaults 25 and 1): body
 * {@code {entities, pageSize, pageNumber, total, pageCount, nextPage}}, {@code nextPage} the relative URI of
 * the next page (absent on the last); header {@code Last-Modified} of the directory's version;
 * {@code If-Modified-Since} gives 304 when nothing changed since. HEAD answers the headers only.
 */
@ApplicationScoped
public class DirectoryEndpoint {

    private final DirectoryService directories;
    private final Listings listings;

    public DirectoryEndpoint(DirectoryService directories, Listings listings) {
        this.directories = directories;
        this.listings = listings;
    }

    public void entries(RoutingContext ctx, String directoryId) {
        int pageSize = QueryParams.intParam(ctx, "pageSize", Paging.DEFAULT_PAGE_SIZE, 1);
        int pageNumber = QueryParams.intParam(ctx, "pageNumber", 1, 1);
        DirectoryService.Version version = directories.current(directoryId);
        ctx.response().putHeader("Last-Modified", version.lastModifiedHttp());
        String since = ctx.request().getHeader("If-Modified-Since");
        if (since != null && notModifiedSince(version, since)) {
            JsonAnswers.send(ctx, 304, JsonAnswers.JSON, new byte[0]);
            return;
        }
        if ("HEAD".equals(ctx.request().method().name())) {
            ctx.response()
                    .putHeader("Content-Type", JsonAnswers.JSON)
                    .setStatusCode(200)
                    .end();
            return;
        }
        Paging.Window window = Paging.Window.of(directories.size(), pageSize, ListingFault.of(ctx));
        int pageCount = window.pageCount();
        ObjectNode body = Json.mapper().createObjectNode();
        ArrayNode entities = body.putArray("entities");
        long from = (long) (pageNumber - 1) * pageSize;
        for (long i = from; i < Math.min(window.served(), from + pageSize); i++) {
            entities.add(directories.entry(directoryId, version.version(), (int) i));
        }
        body.put("pageSize", pageSize);
        body.put("pageNumber", pageNumber);
        body.put("total", window.total());
        body.put("pageCount", pageCount);
        if (pageNumber < pageCount) {
            body.put(
                    "nextPage",
                    Paging.uri("/api/v2/routing/directories/" + directoryId + "/entries", pageSize, pageNumber + 1));
        }
        listings.send(ctx, body);
    }

    private static boolean notModifiedSince(DirectoryService.Version version, String since) {
        try {
            ZonedDateTime date = ZonedDateTime.parse(since, DirectoryService.HTTP_DATE);
            return !version.lastModified().isAfter(date.toInstant());
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
