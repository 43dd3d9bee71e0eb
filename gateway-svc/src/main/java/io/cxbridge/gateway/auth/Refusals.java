package io.cxbridge.gateway.auth;

import io.cxbridge.gateway.context.RequestContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

/** How the authentication, grant and rate-limit steps refuse a request: counted by status, then problem+json. */
@ApplicationScoped
public class Refusals {

    private final MeterRegistry registry;

    public Refusals(MeterRegistry registry) {
        this.registry = registry;
    }

    void count(int status) {
        registry.counter("cxbridge.gateway.refused", "status", String.valueOf(status))
                .increment();
    }

    /** Refuses with problem+json; the body, paused on admission, is resumed so the answer can be read. */
    void refuse(RoutingContext rc, int status, String title, String detail) {
        rc.request().resume();
        count(status);
        RequestContext.problem(rc, status, title, detail);
    }
}
