package io.cxbridge.sim.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxbridge.model.Json;
import io.cxbridge.sim.listing.ListingFault;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.QueryStringEncoder;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Genesys Cloud list envelope: {@code entities, pageSize, pageNumber, total, pageCount} and the page URIs
 * ({@code firstUri, selfUri, lastUri, nextUri?, previousUri?}), relative, keeping the request's other query
 * parameters. A {@link ListingFault} makes it lie: {@code short} says the page before the last is the last
 * (a one-page listing loses its last entity), {@code inflated-total} adds one page size to {@code total}.
 */
public final class Paging {

    /**
     * The platform's default {@code pageSize} where the SDK's docs give 25 (users, group and queue members,
     * data-table rows, media retention policies); the external-contacts search (20) and scan (100) differ.
     */
    public static final int DEFAULT_PAGE_SIZE = 25;

    /** The page of {@code all} this request asks for, with the request's path and query in its URIs. */
    public static ObjectNode envelope(RoutingContext ctx, List<? extends JsonNode> all, int pageSize, int pageNumber) {
        String query = ctx.request().query();
        return envelope(
                ctx.request().path(), query == null ? "" : query, all, pageSize, pageNumber, ListingFault.of(ctx));
    }

    public static ObjectNode envelope(
            String path, String query, List<? extends JsonNode> all, int pageSize, int pageNumber, ListingFault fault) {
        Window window = Window.of(all.size(), pageSize, fault);
        int pageCount = window.pageCount();
        int served = window.served();
        long from = (long) (pageNumber - 1) * pageSize;
        ObjectNode out = Json.mapper().createObjectNode();
        ArrayNode entities = out.putArray("entities");
        for (long i = from; i < Math.min(served, from + pageSize); i++) {
            entities.add(all.get((int) i));
        }
        out.put("pageSize", pageSize);
        out.put("pageNumber", pageNumber);
        out.put("total", window.total());
        out.put("pageCount", pageCount);
        out.put("firstUri", uri(path, query, pageSize, 1));
        out.put("selfUri", uri(path, query, pageSize, pageNumber));
        out.put("lastUri", uri(path, query, pageSize, Math.max(1, pageCount)));
        if (pageNumber < pageCount) {
            out.put("nextUri", uri(path, query, pageSize, pageNumber + 1));
        }
        if (pageNumber > 1 && pageNumber - 1 <= Math.max(1, pageCount)) {
            out.put("previousUri", uri(path, query, pageSize, pageNumber - 1));
        }
        return out;
    }

    /**
     * What a listing of {@code size} entities serves under a fault: how many entities, how many pages, and the
     * total it reports.
     */
    public record Window(int served, int pageCount, int total) {
        public static Window of(int size, int pageSize, ListingFault fault) {
            int pageCount = (int) ((size + (long) pageSize - 1) / pageSize);
            if (fault == ListingFault.SHORT) {
                return pageCount >= 2
                        ? new Window((pageCount - 1) * pageSize, pageCount - 1, size)
                        : new Window(Math.max(0, size - 1), pageCount, size);
            }
            return new Window(size, pageCount, fault == ListingFault.INFLATED_TOTAL ? size + pageSize : size);
        }
    }

    /** {@code path?<other params of query>&pageSize=..&pageNumber=..}, encoded. */
    public static String uri(String path, String query, int pageSize, int pageNumber) {
        Map<String, String> page = new LinkedHashMap<>();
        page.put("pageSize", String.valueOf(pageSize));
        page.put("pageNumber", String.valueOf(pageNumber));
        return uri(path, query, page);
    }

    /**
     * {@code path?<query without the replaced params>&<replacements>}, encoded; a null replacement value only
     * removes the parameter.
     */
    public static String uri(String path, String query, Map<String, String> replacements) {
        QueryStringEncoder encoder = new QueryStringEncoder(path);
        if (query != null && !query.isEmpty()) {
            for (Map.Entry<String, List<String>> param :
                    new QueryStringDecoder(query, false).parameters().entrySet()) {
                if (!replacements.containsKey(param.getKey())) {
                    param.getValue().forEach(v -> encoder.addParam(param.getKey(), v));
                }
            }
        }
        replacements.forEach((name, value) -> {
            if (value != null) {
                encoder.addParam(name, value);
            }
        });
        return encoder.toString();
    }

    public static String uri(String basePath, int pageSize, int pageNumber) {
        return uri(basePath, "", pageSize, pageNumber);
    }

    private Paging() {}
}
