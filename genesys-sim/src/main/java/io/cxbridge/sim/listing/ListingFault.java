package io.cxbridge.sim.listing;

import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;
import java.util.Optional;

/**
 * A fault that makes a listing lie (fault field {@code listing}): {@code short} ends it one page early,
 * {@code inflated-total} reports a {@code total} larger than it serves. The pipeline marks the request, the
 * listing endpoints read the mark; any other endpoint ignores it.
 */
public enum ListingFault {
    SHORT("short"),
    INFLATED_TOTAL("inflated-total");

    private static final String KEY = "sim.listingFault";

    private final String json;

    ListingFault(String json) {
        this.json = json;
    }

    public String json() {
        return json;
    }

    public static Optional<ListingFault> parse(String value) {
        return Arrays.stream(values()).filter(f -> f.json.equals(value)).findFirst();
    }

    public static void set(RoutingContext ctx, ListingFault fault) {
        ctx.put(KEY, fault);
    }

    /** The listing fault of this request, or null. */
    public static ListingFault of(RoutingContext ctx) {
        return ctx.get(KEY);
    }
}
