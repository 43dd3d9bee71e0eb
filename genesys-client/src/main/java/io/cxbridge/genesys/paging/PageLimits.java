package io.cxbridge.genesys.paging;

import java.time.Duration;

/**
 * Bounds of one listing read: at most {@code maxPages} calls, {@code maxBytes} of page bodies in all and
 * {@code maxEntities} entities (a {@code total} above it is refused on the first page); each page call gets
 * {@code pageDeadline} (the client's retries run inside it).
 */
public record PageLimits(int maxPages, long maxBytes, int maxEntities, Duration pageDeadline) {

    public PageLimits {
        if (maxPages < 1 || maxBytes < 1 || maxEntities < 1) {
            throw new IllegalArgumentException("page limits must be positive: pages " + maxPages + ", bytes " + maxBytes
                    + ", entities " + maxEntities);
        }
    }
}
