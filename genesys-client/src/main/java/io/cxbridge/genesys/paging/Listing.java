package io.cxbridge.genesys.paging;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.OptionalLong;

/**
 * A listing read whole: its entities in upstream order (each id once), the pages and bytes it took, the
 * {@code total} the platform reported (absent for listings without one) and the {@code ININ-Correlation-Id}
 * of every page, for the audit event of the work it belongs to. {@code lastModified} is the first page's
 * {@code Last-Modified} header where one was sent (the platform's list endpoints send none), else null.
 */
public record Listing(
        List<JsonNode> entities,
        int pages,
        long bytes,
        OptionalLong total,
        List<String> correlationIds,
        String lastModified) {

    public Listing {
        entities = List.copyOf(entities);
        correlationIds = List.copyOf(correlationIds);
    }
}
