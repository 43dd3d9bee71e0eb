package io.cxbridge.sim.pipeline;

import io.cxbridge.model.Headers;
import io.cxbridge.sim.actions.ActionsEndpoint;
import io.cxbridge.sim.blob.BlobEndpoint;
import io.cxbridge.sim.directory.DirectoryEndpoint;
import io.cxbridge.sim.external.ExternalApi;
import io.cxbridge.sim.faults.Fault;
import io.cxbridge.sim.faults.FaultRegistry;
import io.cxbridge.sim.fulfillment.FulfillmentReceiver;
import io.cxbridge.sim.http.GenesysErrors;
import io.cxbridge.sim.http.QueryParams;
import io.cxbridge.sim.http.RouteMetrics;
import io.cxbridge.sim.listing.ListingFault;
import io.cxbridge.sim.oauth.TokenEndpoint;
import io.cxbridge.sim.oauth.TokenStore;
import io.cxbridge.sim.platform.MediaRetentionPolicies;
import io.cxbridge.sim.platform.PlatformEndpoint;
import io.cxbridge.sim.ratelimit.RateLimiter;
import io.cxbridge.sim.retention.RetentionEndpoint;
import io.cxbridge.sim.stats.SimStats;
import io.cxbridge.sim.store.StoreEndpoint;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Every request to /api/v2/**, /oauth/** and /external/** goes through the same steps, in this order:
 * <ol>
 * <li>pause the body (nothing is lost while a fault delays the request), set {@code ININ-Correlation-Id};</li>
 * <li>count: {@code tokenRequests} for /oauth/token, {@code executions} for the execute endpoint (by
 * {@code X-Cxbridge-Request-Id}), {@code externalCalls} and concurrency for /external/api; the per
 * method/path/status count is taken when the answer's headers go out (status 0 for a dropped connection);</li>
 * <li>faults: the first matching active fault that fires may delay (timer), add {@code Retry-After}, close the
 * connection, or answer with its status; a fault without status or drop then lets the request go on;</li>
 * <li>/api/v2 only: the bearer check (401), then the client's rate limit (429);</li>
 * <li>the endpoint.</li>
 * </ol>
 * Faults come before the bearer check so tests can make the platform fail however the client authenticates,
 * and before the rate limit so faulted requests do not spend the client's budget.
 */
@ApplicationScoped
public class GenesysPipeline {

    private static final Logger LOG = Logger.getLogger(GenesysPipeline.class);

    static final Pattern EXECUTE = Pattern.compile("/api/v2/integrations/actions/([^/]+)/execute");
    static final String TOKEN_PATH = "/oauth/token";
    static final String EXTERNAL_PATH = "/external/api";

    private record Route(
            Pattern pattern, Set<String> methods, String template, BiConsumer<RoutingContext, Matcher> handler) {}

    private final List<Route> routes;
    private final SimStats stats;
    private final FaultRegistry faults;
    private final TokenStore tokens;
    private final RateLimiter rateLimiter;
    private final StoreEndpoint store;
    private final Vertx vertx;

    public GenesysPipeline(
            SimStats stats,
            FaultRegistry faults,
            TokenStore tokens,
            RateLimiter rateLimiter,
            TokenEndpoint tokenEndpoint,
            ActionsEndpoint actions,
            RetentionEndpoint retention,
            DirectoryEndpoint directories,
            FulfillmentReceiver fulfillments,
            ExternalApi external,
            BlobEndpoint blobs,
            StoreEndpoint store,
            PlatformEndpoint platform,
            MediaRetentionPolicies mediaRetention,
            Vertx vertx) {
        this.stats = stats;
        this.faults = faults;
        this.tokens = tokens;
        this.rateLimiter = rateLimiter;
        this.store = store;
        this.vertx = vertx;
        this.routes = List.of(
                route(TOKEN_PATH, Set.of("POST"), TOKEN_PATH, (ctx, m) -> tokenEndpoint.handle(ctx)),
                route(EXTERNAL_PATH, Set.of("POST"), EXTERNAL_PATH, (ctx, m) -> external.echo(ctx)),
                new Route(
                        EXECUTE,
                        Set.of("POST"),
                        "/api/v2/integrations/actions/{actionId}/execute",
                        (ctx, m) -> actions.execute(ctx, m.group(1))),
                route(
                        "/api/v2/datamanagement/retention/policies",
                        Set.of("GET", "POST"),
                        "/api/v2/datamanagement/retention/policies",
                        (ctx, m) -> {
                            if ("POST".equals(ctx.request().method().name())) {
                                retention.submit(ctx);
                            } else {
                                retention.list(ctx);
                            }
                        }),
                route(
                        "/api/v2/datamanagement/retention/policies/([^/]+)",
                        Set.of("GET", "DELETE"),
                        "/api/v2/datamanagement/retention/policies/{policyId}",
                        (ctx, m) -> retention.policy(ctx, m.group(1))),
                route(
                        "/api/v2/datamanagement/jobs/([^/]+)",
                        Set.of("GET"),
                        "/api/v2/datamanagement/jobs/{jobId}",
                        (ctx, m) -> retention.job(ctx, m.group(1))),
                route(
                        "/api/v2/routing/directories/([^/]+)/entries",
                        Set.of("GET", "HEAD"),
                        "/api/v2/routing/directories/{directoryId}/entries",
                        (ctx, m) -> directories.entries(ctx, m.group(1))),
                route(
                        "/api/v2/dataactions/fulfillments/([^/]+)",
                        Set.of("POST"),
                        "/api/v2/dataactions/fulfillments/{fulfillmentId}",
                        (ctx, m) -> fulfillments.receive(ctx, m.group(1))),
                route(
                        "/api/v2/downloads/blob",
                        Set.of("GET"),
                        "/api/v2/downloads/blob",
                        (ctx, m) -> blobs.download(ctx)),
                route("/api/v2/uploads/blob", Set.of("POST"), "/api/v2/uploads/blob", (ctx, m) -> blobs.upload(ctx)),
                // the published platform endpoints over the seeded resources
                route("/api/v2/users", Set.of("GET"), "/api/v2/users", (ctx, m) -> platform.users(ctx)),
                route(
                        "/api/v2/users/([^/]+)",
                        Set.of("GET"),
                        "/api/v2/users/{userId}",
                        (ctx, m) -> platform.user(ctx, m.group(1))),
                route(
                        "/api/v2/groups/([^/]+)/members",
                        Set.of("GET"),
                        "/api/v2/groups/{groupId}/members",
                        (ctx, m) -> platform.groupMembers(ctx, m.group(1))),
                route(
                        "/api/v2/routing/queues/([^/]+)/members",
                        Set.of("GET"),
                        "/api/v2/routing/queues/{queueId}/members",
                        (ctx, m) -> platform.queueMembers(ctx, m.group(1))),
                route(
                        "/api/v2/externalcontacts/contacts",
                        Set.of("GET"),
                        "/api/v2/externalcontacts/contacts",
                        (ctx, m) -> platform.contacts(ctx)),
                route(
                        "/api/v2/externalcontacts/contacts/([^/]+)",
                        Set.of("GET"),
                        "/api/v2/externalcontacts/contacts/{contactId}",
                        (ctx, m) -> platform.contact(ctx, m.group(1))),
                route(
                        "/api/v2/externalcontacts/scan/contacts",
                        Set.of("GET"),
                        "/api/v2/externalcontacts/scan/contacts",
                        (ctx, m) -> platform.scanContacts(ctx)),
                route(
                        "/api/v2/flows/datatables/([^/]+)/rows",
                        Set.of("GET"),
                        "/api/v2/flows/datatables/{datatableId}/rows",
                        (ctx, m) -> platform.datatableRows(ctx, m.group(1))),
                route(
                        MediaRetentionPolicies.PATH,
                        Set.of("GET", "POST"),
                        MediaRetentionPolicies.PATH,
                        (ctx, m) -> mediaRetention.collection(ctx)),
                route(
                        MediaRetentionPolicies.PATH + "/([^/]+)",
                        Set.of("GET", "PUT", "PATCH", "DELETE"),
                        MediaRetentionPolicies.PATH + "/{policyId}",
                        (ctx, m) -> mediaRetention.item(ctx, m.group(1))));
    }

    private static Route route(
            String regex, Set<String> methods, String template, BiConsumer<RoutingContext, Matcher> handler) {
        return new Route(Pattern.compile(regex), methods, template, handler);
    }

    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        request.pause();
        String method = request.method().name();
        String path = request.path();
        long started = System.nanoTime();
        GenesysErrors.correlate(ctx);
        RouteMetrics.uriTemplate(ctx, template(path));

        boolean external = EXTERNAL_PATH.equals(path);
        // the execute endpoint is also counted by request id and the status it was answered with
        String executionId = "POST".equals(method) && EXECUTE.matcher(path).matches()
                ? SimStats.key(request.getHeader(Headers.REQUEST_ID))
                : null;
        Answered recorded = new Answered(stats, method, path, executionId);
        ctx.addHeadersEndHandler(v -> {
            recorded.record(ctx.response().getStatusCode());
            if (!request.isEnded()) {
                // answered before the body was read (fault, 401, 429, ...): let the rest of it drain
                request.resume();
            }
        });
        ctx.addEndHandler(ar -> {
            recorded.record(0);
            if (external) {
                stats.externalFinished();
            }
            if (LOG.isDebugEnabled()) {
                LOG.debugf(
                        "%s %s -> %d in %d ms",
                        method,
                        path,
                        ctx.response().headWritten() ? ctx.response().getStatusCode() : 0,
                        (System.nanoTime() - started) / 1_000_000);
            }
        });

        if (TOKEN_PATH.equals(path)) {
            stats.tokenRequest();
        } else if (external) {
            stats.externalStarted(request.getHeader("Idempotency-Key"));
        } else if (executionId != null) {
            stats.execution(executionId);
        }

        Fault fault = faults.pick(method, path);
        if (fault == null) {
            proceed(ctx, path);
            return;
        }
        Long latency = fault.spec().latencyMs();
        if (latency != null && latency > 0) {
            vertx.setTimer(latency, t -> {
                if (!ctx.response().closed() && !ctx.response().ended()) {
                    applyFault(ctx, fault, path, recorded);
                }
            });
        } else {
            applyFault(ctx, fault, path, recorded);
        }
    }

    /** Counts the answer of one request once: its status when the headers go out, 0 when dropped. */
    private static final class Answered {
        private final AtomicBoolean done = new AtomicBoolean();
        private final SimStats stats;
        private final String method;
        private final String path;
        private final String executionId;

        Answered(SimStats stats, String method, String path, String executionId) {
            this.stats = stats;
            this.method = method;
            this.path = path;
            this.executionId = executionId;
        }

        void record(int status) {
            if (done.compareAndSet(false, true)) {
                stats.request(method, path, status);
                if (executionId != null) {
                    stats.executionAnswered(executionId, status);
                }
            }
        }
    }

    private void applyFault(RoutingContext ctx, Fault fault, String path, Answered recorded) {
        HttpServerResponse response = ctx.response();
        String retryAfter = fault.spec().retryAfterHeader();
        if (retryAfter != null) {
            response.putHeader("Retry-After", retryAfter);
        }
        if (fault.spec().drop()) {
            recorded.record(0);
            ctx.request().connection().close();
            return;
        }
        if (fault.spec().listing() != null) {
            ListingFault.set(ctx, fault.spec().listing());
        }
        Integer status = fault.spec().status();
        if (status != null) {
            GenesysErrors.error(
                    ctx, status, GenesysErrors.codeFor(status), "Injected by genesys-sim fault " + fault.id());
            return;
        }
        proceed(ctx, path);
    }

    private void proceed(RoutingContext ctx, String path) {
        try {
            if (path.startsWith("/api/v2") && !authorized(ctx)) {
                return;
            }
            dispatch(ctx, path);
        } catch (QueryParams.BadParam e) {
            GenesysErrors.error(ctx, 400, GenesysErrors.codeFor(400), e.getMessage());
        } catch (RuntimeException e) {
            LOG.errorf(e, "%s %s failed", ctx.request().method().name(), path);
            GenesysErrors.error(
                    ctx,
                    500,
                    GenesysErrors.codeFor(500),
                    "The sim failed to answer: " + e.getClass().getSimpleName());
        }
    }

    /** Bearer check and rate limit; false when the request has been answered. */
    private boolean authorized(RoutingContext ctx) {
        String authorization = ctx.request().getHeader("Authorization");
        if (authorization == null
                || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                || authorization.substring(7).isBlank()) {
            GenesysErrors.error(
                    ctx,
                    401,
                    "authentication.required",
                    "No authentication bearer token specified in authorization header.");
            return false;
        }
        Optional<TokenStore.IssuedToken> token =
                tokens.lookup(authorization.substring(7).trim());
        if (token.isEmpty()) {
            GenesysErrors.error(ctx, 401, "bad.credentials", "Invalid login credentials.");
            return false;
        }
        RateLimiter.Decision decision = rateLimiter.take(token.get().clientId());
        if (decision == null) {
            return true;
        }
        HttpServerResponse response = ctx.response();
        response.putHeader("inin-ratelimit-count", String.valueOf(decision.count()))
                .putHeader("inin-ratelimit-allowed", String.valueOf(decision.allowedPerMinute()))
                .putHeader("inin-ratelimit-reset", String.valueOf(decision.resetSeconds()));
        if (!decision.allowed()) {
            response.putHeader("Retry-After", String.valueOf(decision.retryAfterSeconds()));
            GenesysErrors.error(
                    ctx,
                    429,
                    GenesysErrors.codeFor(429),
                    "Rate limit exceeded the maximum. Retry the request in [" + decision.retryAfterSeconds()
                            + "] seconds");
            return false;
        }
        return true;
    }

    /** The URI template the HTTP server metrics use for a path. */
    private String template(String path) {
        for (Route route : routes) {
            if (route.pattern().matcher(path).matches()) {
                return route.template();
            }
        }
        if (path.startsWith("/api/v2/")) {
            return StoreEndpoint.template(path);
        }
        return path.startsWith("/oauth") ? "/oauth/*" : path.startsWith("/external") ? "/external/*" : "/api/v2";
    }

    private void dispatch(RoutingContext ctx, String path) {
        String method = ctx.request().method().name();
        for (Route route : routes) {
            Matcher matcher = route.pattern().matcher(path);
            if (matcher.matches()) {
                if (!route.methods().contains(method)) {
                    GenesysErrors.methodNotAllowed(
                            ctx,
                            String.join(", ", route.methods().stream().sorted().toList()));
                    return;
                }
                route.handler().accept(ctx, matcher);
                return;
            }
        }
        if (path.startsWith("/api/v2/") && path.length() > "/api/v2/".length()) {
            store.handle(ctx);
            return;
        }
        GenesysErrors.notFound(ctx, "No such endpoint: " + path);
    }
}
