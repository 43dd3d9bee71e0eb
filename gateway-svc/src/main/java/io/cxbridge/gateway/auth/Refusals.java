package io.cxbridge.gateway.auth;

import io.cxbridge.gateway.context.RequestContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * How the gateway counts the requests it refuses itself, in {@code cxbridge_gateway_refused_total{status, reason}}
 * (status alone cannot tell a client over its rate limit from one over its idempotency budget: both are 429), and how
 * the authentication, grant and rate-limit steps refuse: counted, then problem+json. Every count carries both tags:
 * Prometheus needs one set of tag names per metric.
 */
@ApplicationScoped
public class Refusals {

    public static final String METRIC = "cxbridge.gateway.refused";
    /** 400: an unsafe request target (the guard step). */
    public static final String REQUEST_TARGET = "request-target";
    /** 401: no credential, an unknown key or token. */
    public static final String UNAUTHENTICATED = "unauthenticated";
    /** 503: an access token that could not be looked up (Redis away). */
    public static final String CREDENTIALS_UNAVAILABLE = "credentials-unavailable";
    /** 403: outside the client's grants, or the shared token's paths. */
    public static final String NOT_GRANTED = "not-granted";
    /** 429: over the client's rate limit. */
    public static final String RATE_LIMIT = "rate-limit";
    /** 429: a new Idempotency-Key past the client's idempotency storage budget. */
    public static final String IDEMPOTENCY_BUDGET = "idempotency-budget";

    private final MeterRegistry registry;

    public Refusals(MeterRegistry registry) {
        this.registry = registry;
    }

    public void count(int status, String reason) {
        count(registry, status, reason);
    }

    /** For a step that holds only the registry. */
    public static void count(MeterRegistry registry, int status, String reason) {
        registry.counter(METRIC, "status", String.valueOf(status), "reason", reason)
                .increment();
    }

    /** Refuses with problem+json; the body, paused on admission, is resumed so the answer can be read. */
    void refuse(RoutingContext rc, int status, String reason, String title, String detail) {
        rc.request().resume();
        count(status, reason);
        RequestContext.problem(rc, status, title, detail);
    }
}
