package io.cxbridge.sim.fulfillment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxbridge.model.Json;
import io.cxbridge.sim.config.RuntimeConfig;
import io.cxbridge.sim.http.GenesysErrors;
import io.cxbridge.sim.http.JsonAnswers;
import io.cxbridge.sim.http.RequestBodies;
import io.cxbridge.sim.stats.SimStats;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;

/**
 * {@code POST /api/v2/dataactions/fulfillments/{fulfillmentId}}: the fulfillment callback receiver. A post whose
 * {@code Idempotency-Key} was already accepted for that fulfillment id is a duplicate: counted in
 * {@code duplicateCallbacks}, answered 200 {@code {"status":"duplicate"}} with {@code Idempotent-Replayed: true}
 * (so a sender that retries after a lost answer sees success), and not accepted again. Posts without the header
 * are always accepted. The body must be JSON.
 */
@ApplicationScoped
public class FulfillmentReceiver {

    private final RuntimeConfig config;
    private final FulfillmentLog log;
    private final SimStats stats;
    private final Clock clock;

    public FulfillmentReceiver(RuntimeConfig config, FulfillmentLog log, SimStats stats, Clock clock) {
        this.config = config;
        this.log = log;
        this.stats = stats;
        this.clock = clock;
    }

    public void receive(RoutingContext ctx, String fulfillmentId) {
        RequestBodies.readJson(ctx, config.settings().maxJsonBodyBytes(), body -> {
            if (body == null) {
                GenesysErrors.error(ctx, 400, GenesysErrors.codeFor(400), "The request body must be JSON");
                return;
            }
            String key = ctx.request().getHeader("Idempotency-Key");
            FulfillmentLog.Post post = new FulfillmentLog.Post(
                    body,
                    ctx.request().getHeader("X-Fulfillment-Token"),
                    key,
                    ctx.request().getHeader("Authorization") != null,
                    clock.instant());
            boolean accepted = log.accept(fulfillmentId, key, post);
            ObjectNode answer = Json.mapper().createObjectNode();
            answer.put("fulfillmentId", fulfillmentId);
            if (accepted) {
                stats.callback(fulfillmentId);
                answer.put("status", "accepted");
            } else {
                stats.duplicateCallback(fulfillmentId);
                answer.put("status", "duplicate");
                ctx.response().putHeader("Idempotent-Replayed", "true");
            }
            JsonAnswers.json(ctx, 200, answer);
        });
    }
}
