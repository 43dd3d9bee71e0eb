package io.cxbridge.sim.listing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxbridge.sim.http.JsonAnswers;
import io.cxbridge.sim.stats.SimStats;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

/** Answers a listing page and counts it in {@code /sim/stats} {@code pages} (path and raw query). */
@ApplicationScoped
public class Listings {

    private final SimStats stats;

    public Listings(SimStats stats) {
        this.stats = stats;
    }

    public void send(RoutingContext ctx, ObjectNode page) {
        stats.page(ctx.request().path(), ctx.request().query());
        JsonAnswers.json(ctx, 200, page);
    }
}
