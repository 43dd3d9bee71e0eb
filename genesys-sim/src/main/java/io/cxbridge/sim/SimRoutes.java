package io.cxbridge.sim;

import io.cxbridge.sim.config.RuntimeConfig;
import io.cxbridge.sim.control.ControlApi;
import io.cxbridge.sim.pipeline.GenesysPipeline;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Mounts the sim on the Quarkus HTTP router: the Genesys-facing paths go through {@link GenesysPipeline}, /sim
 * to {@link ControlApi}. /q (health, metrics, OpenAPI) stays Quarkus's.
 */
@ApplicationScoped
public class SimRoutes {

    private static final Logger LOG = Logger.getLogger(SimRoutes.class);

    private final GenesysPipeline pipeline;
    private final ControlApi control;
    private final RuntimeConfig config;

    public SimRoutes(GenesysPipeline pipeline, ControlApi control, RuntimeConfig config) {
        this.pipeline = pipeline;
        this.control = control;
        this.config = config;
    }

    void mount(@Observes Router router) {
        router.route("/api/v2*").handler(pipeline::handle);
        router.route("/oauth/*").handler(pipeline::handle);
        router.route("/external/*").handler(pipeline::handle);
        router.route("/sim/*").handler(control::handle);
        LOG.infof(
                "genesys-sim routes mounted: /api/v2/**, /oauth/token, /external/api, /sim/**; OAuth client id %s; "
                        + "configuration %s",
                config.settings().clientId(), config.get());
    }
}
