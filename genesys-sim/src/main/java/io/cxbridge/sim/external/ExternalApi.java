package io.cxbridge.sim.external;

import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxbridge.model.Json;
import io.cxbridge.sim.config.RuntimeConfig;
import io.cxbridge.sim.http.JsonAnswers;
import io.cxbridge.sim.http.RequestBodies;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code POST /external/api}: the "external API" fulfillment jobs call. Echoes its JSON body as
 * {@code {"echo": ...}} after {@code externalLatencyMs}, waiting on a Vert.x timer (no thread sleeps), so
 * thousands of calls can be in flight at once. Calls and concurrency are counted by the pipeline from arrival
 * to answer, faults included.
 */
@ApplicationScoped
public class ExternalApi {

    private final RuntimeConfig config;
    private final Vertx vertx;

    public ExternalApi(RuntimeConfig config, Vertx vertx) {
        this.config = config;
        this.vertx = vertx;
    }

    public void echo(RoutingContext ctx) {
        long latency = config.get().externalLatencyMs();
        RequestBodies.readJson(ctx, config.settings().maxJsonBodyBytes(), body -> {
            ObjectNode answer = Json.mapper().createObjectNode();
            answer.set("echo", body == null ? NullNode.getInstance() : body);
            if (latency > 0) {
                vertx.setTimer(latency, t -> JsonAnswers.json(ctx, 200, answer));
            } else {
                JsonAnswers.json(ctx, 200, answer);
            }
        });
    }
}
