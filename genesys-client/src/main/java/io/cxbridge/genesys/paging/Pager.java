package io.cxbridge.genesys.paging;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.genesys.body.ResponseTooLargeException;
import io.cxbridge.genesys.http.GenesysClient;
import io.cxbridge.genesys.http.GenesysRequest;
import io.cxbridge.genesys.http.GenesysResponse;
import io.cxbridge.model.Json;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.QueryStringEncoder;
import io.smallrye.mutiny.Uni;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Reads a Genesys listing whole, one {@link GenesysClient} call per page (so every page takes its turn in the
 * shared rate budget and gets the client's retries). How it pages is decided by the first page: {@code nextUri}
 * (relative, or absolute on the configured API host; any other host is refused), else {@code cursors.after},
 * else {@code nextPage}, else {@code pageNumber} up to {@code pageCount}; a listing without any of them is one page.
 * <p>
 * Where the listing reports a {@code total}, the distinct entities read must match it. Real listings change while
 * being read (an insert shifts an entity onto the next page, where it is read twice), so on a mismatch the
 * listing is read once more; if that read does not match its total either, the read fails naming the counts.
 * Where there is no {@code total}, the listing is complete when its next link or cursor runs out.
 */
public final class Pager {

    private static final Logger LOG = Logger.getLogger(Pager.class);

    private enum Mode {
        NEXT_URI,
        CURSOR,
        NEXT_PAGE,
        PAGE_NUMBER,
        SINGLE
    }

    private final GenesysClient genesys;

    public Pager(GenesysClient genesys) {
        this.genesys = genesys;
    }

    /** The whole listing, or a {@link ListingException} (client failures such as no answer pass through as they are). */
    public Uni<Listing> readAll(ListingRequest request) {
        return readOnce(request).onItem().transformToUni(first -> {
            if (complete(first)) {
                return Uni.createFrom().item(first.listing());
            }
            LOG.warnf(
                    "%s: read %d distinct entities of a reported total of %d; reading it once more",
                    request.what(), first.entities.size(), first.total);
            return readOnce(request).map(second -> {
                if (complete(second)) {
                    return second.listing();
                }
                throw new ListingException(
                        ListingException.Kind.INCOMPLETE,
                        request.what() + " reported a total of "
                                + second.total + " entities but " + second.entities.size() + " were read (first read: "
                                + first.entities.size() + " of " + first.total + "); nothing of it was kept",
                        second.total,
                        second.entities.size(),
                        0);
            });
        });
    }

    private static boolean complete(Read read) {
        return read.total < 0 || read.total == read.entities.size();
    }

    /** One pass over the pages. */
    private final class Read {
        final ListingRequest request;
        final JsonPointer id;
        final List<JsonNode> entities = new ArrayList<>();
        final Set<String> seenIds = new HashSet<>();
        final Set<String> visited = new HashSet<>();
        final List<String> correlationIds = new ArrayList<>();
        /** The first page's path (without its query): every next link must stay on it. */
        final String path;

        Mode mode;
        long total = -1;
        long bytes;
        int pages;
        String lastModified;

        Read(ListingRequest request) {
            this.request = request;
            this.id = JsonPointer.compile(request.idPointer());
            this.path = new QueryStringDecoder(request.firstPage()).rawPath();
        }

        Listing listing() {
            return new Listing(
                    entities,
                    pages,
                    bytes,
                    total < 0 ? OptionalLong.empty() : OptionalLong.of(total),
                    correlationIds,
                    lastModified);
        }
    }

    private Uni<Read> readOnce(ListingRequest request) {
        Read read = new Read(request);
        return page(read, request.firstPage());
    }

    private Uni<Read> page(Read read, String pathAndQuery) {
        ListingRequest request = read.request;
        if (read.pages >= request.limits().maxPages()) {
            return Uni.createFrom()
                    .failure(new ListingException(
                            ListingException.Kind.TOO_LARGE,
                            request.what() + " has more than "
                                    + request.limits().maxPages() + " pages; nothing of it was kept",
                            read.total,
                            -1,
                            0));
        }
        if (!read.visited.add(pathAndQuery)) {
            return Uni.createFrom()
                    .failure(new ListingException(
                            ListingException.Kind.BAD_LINK,
                            request.what() + " links back to a page already read (" + pathAndQuery + ")",
                            read.total,
                            -1,
                            0));
        }
        // The page is read at most to the bytes the listing has left: a larger one is refused before it is buffered.
        long left = Math.max(0, request.limits().maxBytes() - read.bytes);
        return genesys.send(GenesysRequest.get(pathAndQuery)
                        .withDeadline(request.limits().pageDeadline())
                        .withMaxBodyBytes(left))
                .onFailure(ResponseTooLargeException.class)
                .transform(e -> {
                    ListingException tooLarge = tooLarge(request, read);
                    tooLarge.initCause(e);
                    return tooLarge;
                })
                .onItem()
                .transformToUni(response -> {
                    read.pages++;
                    if (read.pages == 1) {
                        read.lastModified = response.headers().get("Last-Modified");
                    }
                    String correlationId = response.correlationId();
                    read.correlationIds.add(correlationId);
                    LOG.debugf(
                            "%s page %d: GET %s -> %d (ININ-Correlation-Id %s)",
                            request.what(), read.pages, pathAndQuery, response.status(), correlationId);
                    String next = take(read, pathAndQuery, response);
                    return next == null ? Uni.createFrom().item(read) : page(read, next);
                });
    }

    /** Keeps one page's entities and answers the next page's path and query, or null at the end. */
    private String take(Read read, String pathAndQuery, GenesysResponse response) {
        ListingRequest request = read.request;
        if (response.status() != 200) {
            throw new ListingException(
                    ListingException.Kind.UPSTREAM_STATUS,
                    "Genesys answered " + response.status()
                            + " to page " + read.pages + " of " + request.what() + " (ININ-Correlation-Id "
                            + response.correlationId() + ")",
                    read.total,
                    -1,
                    response.status());
        }
        read.bytes += response.body() == null ? 0 : response.body().length();
        if (read.bytes > request.limits().maxBytes()) {
            throw tooLarge(request, read);
        }
        JsonNode body = parse(response, read);
        JsonNode total = body.get("total");
        if (total != null && !total.isNull()) {
            // A negative or fractional total would switch the count check off (or never match): not a listing.
            if (!total.isIntegralNumber() || !total.canConvertToLong() || total.asLong() < 0) {
                throw new ListingException(
                        ListingException.Kind.NOT_A_LISTING,
                        "page " + read.pages + " of " + request.what() + " has a total that is not a whole number of"
                                + " entities (" + abbreviated(total) + ")",
                        read.total,
                        -1,
                        0);
            }
            read.total = total.asLong();
            if (read.total > request.limits().maxEntities()) {
                throw tooMany(request, read.total);
            }
        }
        for (JsonNode entity : body.get("entities")) {
            JsonNode id = entity.at(read.id);
            // An entity without an identity cannot be matched across pages: every one is kept.
            if (id.isMissingNode() || id.isNull() || read.seenIds.add(id.asText())) {
                read.entities.add(entity);
            }
        }
        if (read.entities.size() > request.limits().maxEntities()) {
            throw tooMany(request, read.entities.size());
        }
        if (read.mode == null) {
            read.mode = mode(body);
        }
        return switch (read.mode) {
            case NEXT_URI -> link(read, text(body.get("nextUri")));
            case NEXT_PAGE -> link(read, text(body.get("nextPage")));
            case CURSOR -> {
                String after = text(body.path("cursors").get("after"));
                yield after == null ? null : withParameter(pathAndQuery, "cursor", after);
            }
            case PAGE_NUMBER -> {
                long number = body.path("pageNumber").asLong(0);
                long count = body.path("pageCount").asLong(0);
                yield number > 0 && number < count
                        ? withParameter(pathAndQuery, "pageNumber", String.valueOf(number + 1))
                        : null;
            }
            case SINGLE -> null;
        };
    }

    /** The first page decides: a listing that stops naming its next page has ended, whatever else it says. */
    private static Mode mode(JsonNode body) {
        if (text(body.get("nextUri")) != null) {
            return Mode.NEXT_URI;
        }
        if (body.path("cursors").isObject()) {
            return Mode.CURSOR;
        }
        if (text(body.get("nextPage")) != null) {
            return Mode.NEXT_PAGE;
        }
        if (body.path("pageCount").canConvertToLong() && body.path("pageNumber").canConvertToLong()) {
            return Mode.PAGE_NUMBER;
        }
        return Mode.SINGLE;
    }

    /** A next link as a path and query on the API base: relative, or absolute naming the configured host. */
    private String link(Read read, String link) {
        if (link == null) {
            return null;
        }
        URI base = genesys.apiBase();
        URI target;
        try {
            target = base.resolve(link);
        } catch (IllegalArgumentException e) {
            throw badLink(read, link, "is not a URI");
        }
        if (!Objects.equals(base.getScheme(), target.getScheme())
                || !base.getHost().equalsIgnoreCase(target.getHost())
                || base.getPort() != target.getPort()) {
            throw badLink(read, link, "names a host other than the configured API host " + base.getHost());
        }
        if (target.getRawPath() == null || !target.getRawPath().startsWith("/")) {
            throw badLink(read, link, "has no path");
        }
        if (!target.getRawPath().equals(read.path)) {
            // Only the query pages on: a link elsewhere on the API would read (and keep) another resource.
            throw badLink(read, link, "names a path other than the listing's " + read.path);
        }
        QueryStringEncoder relative = new QueryStringEncoder(target.getRawPath());
        new QueryStringDecoder(target).parameters().forEach((k, vs) -> vs.forEach(v -> relative.addParam(k, v)));
        return relative.toString();
    }

    private static ListingException tooLarge(ListingRequest request, Read read) {
        return new ListingException(
                ListingException.Kind.TOO_LARGE,
                request.what() + " is larger than " + request.limits().maxBytes() + " bytes; nothing of it was kept",
                read.total,
                -1,
                0);
    }

    /** A JSON value for a message, cut to a few characters (it came from upstream). */
    private static String abbreviated(JsonNode value) {
        String text = value.toString();
        return text.length() <= 32 ? text : text.substring(0, 32) + "...";
    }

    private static ListingException badLink(Read read, String link, String why) {
        return new ListingException(
                ListingException.Kind.BAD_LINK,
                read.request.what() + ": the next link '" + link + "' " + why + "; nothing of it was kept",
                read.total,
                -1,
                0);
    }

    /** The same path and query with one parameter set (replaced where present, else added). */
    static String withParameter(String pathAndQuery, String name, String value) {
        QueryStringDecoder current = new QueryStringDecoder(pathAndQuery);
        Map<String, List<String>> parameters = new LinkedHashMap<>(current.parameters());
        parameters.put(name, List.of(value));
        QueryStringEncoder next = new QueryStringEncoder(current.rawPath());
        parameters.forEach((k, vs) -> vs.forEach(v -> next.addParam(k, v)));
        return next.toString();
    }

    private static JsonNode parse(GenesysResponse response, Read read) {
        try {
            JsonNode body = Json.mapper().readTree(response.bodyAsString());
            if (body != null && body.isObject() && body.path("entities").isArray()) {
                return body;
            }
        } catch (IOException e) {
            // reported below
        }
        throw new ListingException(
                ListingException.Kind.NOT_A_LISTING,
                "page " + read.pages + " of " + read.request.what()
                        + " is not a listing (a JSON object with an entities array)",
                read.total,
                -1,
                0);
    }

    private static ListingException tooMany(ListingRequest request, long count) {
        return new ListingException(
                ListingException.Kind.TOO_LARGE,
                request.what() + " has " + count + " entities, more than the bound of "
                        + request.limits().maxEntities() + "; nothing of it was kept",
                count,
                -1,
                0);
    }

    private static String text(JsonNode node) {
        return node == null
                        || node.isNull()
                        || !node.isTextual()
                        || node.asText().isBlank()
                ? null
                : node.asText();
    }
}
