package io.cxbridge.gateway.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.gateway.auth.Authenticate;
import io.cxbridge.gateway.auth.GatewayClient;
import io.cxbridge.gateway.context.RequestContext;
import io.cxbridge.gateway.ingest.FailedRunPublisher;
import io.cxbridge.genesys.breaker.CircuitOpenException;
import io.cxbridge.genesys.http.UpstreamException;
import io.cxbridge.genesys.shaping.RateLimitedException;
import io.cxbridge.model.Headers;
import io.cxbridge.model.Json;
import io.cxbridge.model.event.FailedRun;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Step "async-retry hand-over" (opt-in with {@code X-Cxbridge-Async-Retry: true} on a Data Action execute): an
 * execute that still ends transient after genesys-client's own retries is published to retry-svc as a FailedRun and
 * the client gets 202 {@code {requestId}} instead of the error.
 */
@ApplicationScoped
public class AsyncRetryHandOver {

    private static final Pattern EXECUTE = Pattern.compile("^/api/v2/integrations/actions/([^/]+)/execute$");

    private final FailedRunPublisher failedRuns;
    private final Clock clock;

    public AsyncRetryHandOver(FailedRunPublisher failedRuns, Clock clock) {
        this.failedRuns = failedRuns;
        this.clock = clock;
    }

    /** The action id when the request opts in ({@code POST .../actions/{id}/execute} with the header), else null. */
    static String optedIn(HttpServerRequest request, String path) {
        if (request.method() != HttpMethod.POST || !"true".equalsIgnoreCase(request.getHeader(Headers.ASYNC_RETRY))) {
            return null;
        }
        Matcher execute = EXECUTE.matcher(path);
        return execute.matches() ? execute.group(1) : null;
    }

    /**
     * Whether a final answer is handed over: 429 and every 5xx. genesys-client has no public classification of
     * answers yet (issue #21 gives it one); this is the one place the gateway decides it.
     */
    static boolean handsOver(int status) {
        return status == 429 || status >= 500;
    }

    /** The status handed over for a call that brought no answer, or -1 when the failure is not one to hand over. */
    static int handsOver(Throwable failure) {
        if (failure instanceof RateLimitedException) {
            return 429;
        }
        return failure instanceof UpstreamException || failure instanceof CircuitOpenException ? 503 : -1;
    }

    /** Publishes the run (the execute's JSON body) for retry-svc and answers 202, or 502/503 when it cannot. */
    void handOver(RoutingContext rc, String actionId, Buffer body, int lastStatus, String requestId) {
        JsonNode payload;
        try {
            payload = Json.mapper().readTree(body.getBytes());
        } catch (java.io.IOException e) {
            payload = null;
        }
        if (payload == null || !payload.isObject()) {
            RequestContext.problem(
                    rc,
                    502,
                    "Bad Gateway",
                    "Genesys answered " + lastStatus
                            + " and the body is not a JSON object, so the run cannot be retried asynchronously");
            return;
        }
        String traceId = RequestContext.traceId(rc);
        GatewayClient client = Authenticate.client(rc);
        // the same client, action and X-Request-Id make the same run: a call sent again is not a second run
        String runId = FailedRunPublisher.requestIdFor(client == null ? "-" : client.id(), actionId, requestId);
        FailedRun run = new FailedRun(runId, actionId, requestId, payload, 0, null, lastStatus, traceId)
                .withDefaults(clock, () -> traceId);
        rc.put(RequestContext.UPSTREAM_STATUS, lastStatus);
        failedRuns
                .send(run)
                .subscribe()
                .with(
                        ok -> rc.response()
                                .setStatusCode(202)
                                .putHeader("Content-Type", "application/json")
                                .putHeader("X-Request-Id", requestId)
                                .end("{\"requestId\":\"" + run.requestId() + "\"}"),
                        e -> {
                            rc.response().putHeader("Retry-After", "5");
                            RequestContext.problem(
                                    rc,
                                    503,
                                    "Service Unavailable",
                                    "Genesys answered " + lastStatus
                                            + " and the broker did not confirm the run for retry in time; it may"
                                            + " still be queued as requestId " + run.requestId()
                                            + " (GET /v1/data-actions/failed-runs/" + run.requestId()
                                            + " shows it once retry-svc has it), so calling again may run the"
                                            + " action twice; a call handed over again with the same X-Request-Id"
                                            + " is the same run");
                        });
    }
}
