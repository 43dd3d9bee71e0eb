package io.cxbridge.sim.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxbridge.model.Json;
import java.util.List;

/** The Genesys Cloud list envelope: {@code entities, pageSize, pageNumber, total, pageCount} and the page URIs. */
public final class Paging {

    public static final int DEFAULT_PAGE_SIZE = 25;

    public static ObjectNode envelope(String basePath, List<? extends JsonNode> all, int pageSize, int pageNumber) {
        int total = all.size();
        int pageCount = (int) ((total + (long) pageSize - 1) / pageSize);
        long from = (long) (pageNumber - 1) * pageSize;
        ObjectNode out = Json.mapper().createObjectNode();
        ArrayNode entities = out.putArray("entities");
        for (long i = from; i < Math.min(total, from + pageSize); i++) {
            entities.add(all.get((int) i));
        }
        out.put("pageSize", pageSize);
        out.put("pageNumber", pageNumber);
        out.put("total", total);
        out.put("pageCount", pageCount);
        out.put("firstUri", uri(basePath, pageSize, 1));
        out.put("selfUri", uri(basePath, pageSize, pageNumber));
        out.put("lastUri", uri(basePath, pageSize, Math.max(1, pageCount)));
        if (pageNumber < pageCount) {
            out.put("nextUri", uri(basePath, pageSize, pageNumber + 1));
        }
        if (pageNumber > 1 && pageNumber - 1 <= Math.max(1, pageCount)) {
            out.put("previousUri", uri(basePath, pageSize, pageNumber - 1));
        }
        return out;
    }

    public static String uri(String basePath, int pageSize, int pageNumber) {
        return basePath + "?pageSize=" + pageSize + "&pageNumber=" + pageNumber;
    }

    private Paging() {
    }
}
