package io.cxbridge.common.dlq;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One page of a dead-letter listing in the envelope Genesys lists use. The URIs are relative, as the client calls
 * them through the gateway, with the same filters; {@code previousUri} and {@code nextUri} are absent at the ends.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeadLetterListing<V>(
        List<V> entities,
        int pageSize,
        int pageNumber,
        long total,
        long pageCount,
        String firstUri,
        String selfUri,
        String previousUri,
        String nextUri,
        String lastUri) {}
