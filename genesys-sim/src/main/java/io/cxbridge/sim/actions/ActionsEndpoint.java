package io.cxbridge.sim.actions;

import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxbridge.model.Json;
import io.cxbridge.sim.config.RuntimeConfig;
import io.cxbridge.sim.http.JsonAnswers;
import io.cxbridge.sim.http.RequestBodies;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code POST /api/v2/integrations/actions/{actionId}/execute}: answers 200 {@code {actionId, result}} where
 * {@code result} echoes the request body. Executions are counted by the pipeline when the request arrives, so a
 * request answered by a fault (or a 401/429) is counted too.
 */
@ApplicationScoped
public class ActionsEndpoint {

    private final RuntimeConfig config;

    public ActionsEndpoint(RuntimeConfig config) {
        this.config = config;
    }

    public void execute(RoutingContext ctx, String actionId) {
        RequestBodies.readJson(ctx, config.settings().maxJsonBodyBytes(), body -> {
            ObjectNode answer = Json.mapper().createObjectNode();
            answer.put("actionId", actionId);
            answer.set("result", body == null ? NullNode.getInstance() : body);
            JsonAnswers.json(ctx, 200, answer);
        });
    }
}
