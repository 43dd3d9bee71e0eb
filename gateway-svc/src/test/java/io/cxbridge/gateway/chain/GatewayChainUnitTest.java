package io.cxbridge.gateway.chain;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxbridge.gateway.StepHarness;
import io.cxbridge.gateway.audit.AccessLog;
import io.cxbridge.gateway.audit.RequestIds;
import io.cxbridge.gateway.auth.Authenticate;
import io.cxbridge.gateway.auth.ClientRateLimit;
import io.cxbridge.gateway.auth.Grant;
import io.cxbridge.gateway.errors.GatewayErrors;
import io.cxbridge.gateway.login.ApiPrefixAlias;
import io.cxbridge.gateway.proxy.PathGuard;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The chain: its steps in the documented order, run in that order, before every route; a step that answers ends it. */
class GatewayChainUnitTest {

    @Test
    void theChainListsEveryStepInOrder() {
        assertThat(GatewayChain.stepNames())
                .containsExactly(
                        "sdk-prefix",
                        "request-id",
                        "log-and-audit",
                        "guard",
                        "authenticate",
                        "grant",
                        "client-rate-limit");
        // The constructor takes the step handlers in the same order as their names.
        List<Class<?>> parameters = Arrays.asList(GatewayChain.class.getConstructors()[0].getParameterTypes());
        assertThat(parameters.subList(0, 8))
                .containsExactly(
                        GatewayErrors.class,
                        ApiPrefixAlias.class,
                        RequestIds.class,
                        AccessLog.class,
                        PathGuard.class,
                        Authenticate.class,
                        Grant.class,
                        ClientRateLimit.class);
    }

    @Test
    void stepsRunInOrderBeforeRoutesAndAnAnsweringStepEndsTheRequest() throws Exception {
        List<String> ran = new CopyOnWriteArrayList<>();
        List<Handler<RoutingContext>> steps = new ArrayList<>();
        for (String name : GatewayChain.stepNames()) {
            steps.add(rc -> {
                ran.add(name);
                if (name.equals(rc.request().getHeader("X-Answer-At"))) {
                    rc.response().setStatusCode(403).end(name);
                } else {
                    rc.next();
                }
            });
        }
        try (StepHarness harness = StepHarness.start(router -> {
            // A route registered first (as Quarkus and the features do) still runs after every step.
            router.get("/route").handler(rc -> {
                ran.add("route");
                rc.response().end("routed");
            });
            GatewayChain.installSteps(router, steps);
        })) {
            assertThat(harness.send("GET", "/route").body()).isEqualTo("routed");
            List<String> expected = new ArrayList<>(GatewayChain.stepNames());
            expected.add("route");
            assertThat(ran).containsExactlyElementsOf(expected);

            ran.clear();
            var refused = harness.send("GET", "/route", "X-Answer-At", "grant");
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(ran)
                    .containsExactly("sdk-prefix", "request-id", "log-and-audit", "guard", "authenticate", "grant");
        }
    }
}
