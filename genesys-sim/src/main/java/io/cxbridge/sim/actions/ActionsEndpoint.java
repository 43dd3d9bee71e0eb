package io.cxbridge.sim.actions;

import io.cxbridge.model.Json;
import io.cxbridge.sim.config.RuntimeConfig;
import io.cxbridge.sim.http.JsonAnswers;
import io.cxbridge.sim.http.RequestBodies;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code POST /api/v2/integrations/actions/{actionId}/execute}: answers 200 with the action's output, as the
 * platform (and the SDK's {@code postIntegrationsActionExecute}, which returns it as a bare object): the sim's
 * actions echo their input, so the output is the request body itself ({@code {}} for an empty body). Executions are
 * counted by the pipeline when the request arrives, so a request answered by a fault (or a 401/429) is counted too.
 */
@ApplicationScoped
public class ActionsEndpoint {

    private final RuntimeConfig config;

    public ActionsEndpoint(RuntimeConfig config) {
        this.config = config;
    }

    public void execute(RoutingContext ctx, String actionId) {
        RequestBodies.readJson(
                ctx,
                config.settings().maxJsonBodyBytes(),
                body -> JsonAnswers.json(ctx, 200, body == null ? Json.mapper().createObjectNode() : body));
    }
}
