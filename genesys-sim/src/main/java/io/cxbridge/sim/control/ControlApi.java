package io.cxbridge.sim.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxbridge.model.Json;
import io.cxbridge.model.problem.Violation;
import io.cxbridge.sim.actions.ActionRun;
import io.cxbridge.sim.actions.ActionRunner;
import io.cxbridge.sim.config.ConfigPatch;
import io.cxbridge.sim.config.RuntimeConfig;
import io.cxbridge.sim.directory.DirectoryService;
import io.cxbridge.sim.faults.Fault;
import io.cxbridge.sim.faults.FaultRegistry;
import io.cxbridge.sim.faults.FaultSpec;
import io.cxbridge.sim.fulfillment.FulfillmentLog;
import io.cxbridge.sim.http.JsonAnswers;
import io.cxbridge.sim.http.Problems;
import io.cxbridge.sim.http.RequestBodies;
import io.cxbridge.sim.oauth.TokenStore;
import io.cxbridge.sim.platform.MediaRetentionPolicies;
import io.cxbridge.sim.platform.SeedStore;
import io.cxbridge.sim.ratelimit.RateLimiter;
import io.cxbridge.sim.retention.RetentionService;
import io.cxbridge.sim.stats.SimStats;
import io.cxbridge.sim.store.ResourceStore;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The control API under /sim (JSON in and out, errors as problem+json). No bearer, no faults, not counted in
 * the stats. It is for tests and sandboxes: do not expose it.
 */
@ApplicationScoped
public class ControlApi {

    private static final Logger LOG = Logger.getLogger(ControlApi.class);
    private static final int MAX_BODY = 1024 * 1024;
    private static final Pattern FAULT = Pattern.compile("/sim/faults/([^/]+)");
    private static final Pattern TOUCH = Pattern.compile("/sim/directories/([^/]+)/touch");
    private static final Pattern FULFILLMENT = Pattern.compile("/sim/fulfillments/([^/]+)");

    private final RuntimeConfig config;
    private final FaultRegistry faults;
    private final SimStats stats;
    private final TokenStore tokens;
    private final RateLimiter rateLimiter;
    private final ResourceStore store;
    private final RetentionService retention;
    private final DirectoryService directories;
    private final FulfillmentLog fulfillments;
    private final ActionRunner actions;
    private final SeedStore seed;
    private final Vertx vertx;
    private final MediaRetentionPolicies mediaRetention;

    public ControlApi(
            RuntimeConfig config,
            FaultRegistry faults,
            SimStats stats,
            TokenStore tokens,
            RateLimiter rateLimiter,
            ResourceStore store,
            RetentionService retention,
            DirectoryService directories,
            FulfillmentLog fulfillments,
            ActionRunner actions,
            SeedStore seed,
            MediaRetentionPolicies mediaRetention,
            Vertx vertx) {
        this.vertx = vertx;
        this.actions = actions;
        this.seed = seed;
        this.mediaRetention = mediaRetention;
        this.config = config;
        this.faults = faults;
        this.stats = stats;
        this.tokens = tokens;
        this.rateLimiter = rateLimiter;
        this.store = store;
        this.retention = retention;
        this.directories = directories;
        this.fulfillments = fulfillments;
    }

    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        request.pause();
        ctx.addHeadersEndHandler(v -> {
            if (!request.isEnded()) {
                request.resume();
            }
        });
        String method = request.method().name();
        String path = request.path();
        while (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        try {
            route(ctx, method, path);
        } catch (RuntimeException e) {
            LOG.errorf(e, "%s %s failed", method, path);
            Problems.problem(ctx, 500, "Internal error", e.getClass().getSimpleName());
        }
    }

    private void route(RoutingContext ctx, String method, String path) {
        Matcher m;
        switch (path) {
            case "/sim/config" -> {
                switch (method) {
                    case "GET" -> JsonAnswers.json(ctx, 200, config.get());
                    case "POST", "PATCH" -> withBody(ctx, this::patchConfig);
                    default -> notAllowed(ctx, "GET, POST, PATCH");
                }
            }
            case "/sim/faults" -> {
                switch (method) {
                    case "GET" -> JsonAnswers.json(ctx, 200, faults.list());
                    case "POST" -> withBody(ctx, body -> addFault(ctx, body));
                    case "DELETE" -> {
                        faults.clear();
                        JsonAnswers.send(ctx, 204, JsonAnswers.JSON, new byte[0]);
                    }
                    default -> notAllowed(ctx, "GET, POST, DELETE");
                }
            }
            case "/sim/stats" -> {
                if ("GET".equals(method)) {
                    JsonAnswers.json(ctx, 200, stats.snapshot());
                } else {
                    notAllowed(ctx, "GET");
                }
            }
            case "/sim/reset" -> {
                if ("POST".equals(method)) {
                    reset();
                    JsonAnswers.send(ctx, 204, JsonAnswers.JSON, new byte[0]);
                } else {
                    notAllowed(ctx, "POST");
                }
            }
            case "/sim/seed" -> {
                switch (method) {
                    case "GET" -> JsonAnswers.json(ctx, 200, SeedStore.view(seed.data()));
                    // building thousands of records is work for a worker thread, not the event loop
                    case "POST" ->
                        withBody(
                                ctx,
                                body -> vertx.executeBlocking(() -> seed.reseed(body), false)
                                        .onComplete(ar -> {
                                            if (ar.failed()) {
                                                LOG.errorf(ar.cause(), "re-seeding failed");
                                                Problems.problem(
                                                        ctx,
                                                        500,
                                                        "Internal error",
                                                        ar.cause().getClass().getSimpleName());
                                            } else if (!ar.result().violations().isEmpty()) {
                                                Problems.invalid(
                                                        ctx, ar.result().violations());
                                            } else {
                                                JsonAnswers.json(
                                                        ctx,
                                                        200,
                                                        SeedStore.view(
                                                                ar.result().data()));
                                            }
                                        }));
                    default -> notAllowed(ctx, "GET, POST");
                }
            }
            case "/sim/actions/run" -> {
                if ("POST".equals(method)) {
                    withBody(ctx, body -> runAction(ctx, body));
                } else {
                    notAllowed(ctx, "POST");
                }
            }
            case "/sim/tokens/revoke" -> {
                if ("POST".equals(method)) {
                    ObjectNode answer = Json.mapper().createObjectNode();
                    answer.put("revoked", tokens.revokeAll());
                    JsonAnswers.json(ctx, 200, answer);
                } else {
                    notAllowed(ctx, "POST");
                }
            }
            case "/sim/retention/fail-next" -> {
                if ("POST".equals(method)) {
                    withBody(ctx, body -> failNext(ctx, body));
                } else {
                    notAllowed(ctx, "POST");
                }
            }
            default -> {
                if ((m = FAULT.matcher(path)).matches()) {
                    if ("DELETE".equals(method)) {
                        if (faults.remove(m.group(1))) {
                            JsonAnswers.send(ctx, 204, JsonAnswers.JSON, new byte[0]);
                        } else {
                            Problems.problem(ctx, 404, "Not found", "no fault with id " + m.group(1));
                        }
                    } else {
                        notAllowed(ctx, "DELETE");
                    }
                } else if ((m = TOUCH.matcher(path)).matches()) {
                    if ("POST".equals(method)) {
                        DirectoryService.Version v = directories.touch(m.group(1));
                        ObjectNode answer = Json.mapper().createObjectNode();
                        answer.put("directoryId", v.directoryId());
                        answer.put("version", v.version());
                        answer.put("lastModified", v.lastModifiedHttp());
                        JsonAnswers.json(ctx, 200, answer);
                    } else {
                        notAllowed(ctx, "POST");
                    }
                } else if ((m = FULFILLMENT.matcher(path)).matches()) {
                    if ("GET".equals(method)) {
                        String id = m.group(1);
                        fulfillments
                                .view(id)
                                .ifPresentOrElse(
                                        v -> JsonAnswers.json(ctx, 200, v),
                                        () -> Problems.problem(
                                                ctx, 404, "Not found", "nothing was posted for fulfillment " + id));
                    } else {
                        notAllowed(ctx, "GET");
                    }
                } else {
                    Problems.problem(
                            ctx,
                            404,
                            "Not found",
                            "no control endpoint " + method + " " + path
                                    + "; see /sim/config, /sim/faults, /sim/stats, /sim/reset, /sim/seed, /sim/actions/run, "
                                    + "/sim/tokens/revoke");
                }
            }
        }
    }

    private void patchConfig(RoutingContext ctx, JsonNode body) {
        ConfigPatch.Result result = config.patch(body);
        if (!result.ok()) {
            Problems.invalid(ctx, result.violations());
            return;
        }
        JsonAnswers.json(ctx, 200, result.config());
    }

    private void addFault(RoutingContext ctx, JsonNode body) {
        FaultSpec.Parsed parsed = FaultSpec.parse(body);
        if (!parsed.violations().isEmpty()) {
            Problems.invalid(ctx, parsed.violations());
            return;
        }
        Fault fault = faults.add(parsed.spec());
        ctx.response().putHeader("Location", "/sim/faults/" + fault.id());
        JsonAnswers.json(ctx, 201, fault.view());
    }

    private void runAction(RoutingContext ctx, JsonNode body) {
        ActionRun.Parsed parsed = ActionRun.parse(body);
        if (!parsed.violations().isEmpty()) {
            Problems.invalid(ctx, parsed.violations());
            return;
        }
        actions.run(parsed.run()).onComplete(ar -> {
            if (ar.failed()) {
                Problems.problem(
                        ctx, 500, "Internal error", ar.cause().getClass().getSimpleName());
            } else {
                JsonAnswers.json(ctx, 200, ar.result());
            }
        });
    }

    private void failNext(RoutingContext ctx, JsonNode body) {
        List<Violation> violations = new ArrayList<>();
        int count = 1;
        String message = "Simulated job failure";
        if (body != null && !body.isObject()) {
            violations.add(new Violation("$", "must be a JSON object"));
        } else if (body != null) {
            body.fieldNames().forEachRemaining(name -> {
                if (!name.equals("count") && !name.equals("errorMessage")) {
                    violations.add(new Violation(name, "unknown field; known fields are count, errorMessage"));
                }
            });
            JsonNode c = body.get("count");
            if (c != null) {
                if (!c.isIntegralNumber() || !c.canConvertToInt() || c.intValue() < 0) {
                    violations.add(new Violation(
                            "count", "must be a whole number, at least 0, was " + ConfigPatch.describe(c)));
                } else {
                    count = c.intValue();
                }
            }
            JsonNode e = body.get("errorMessage");
            if (e != null) {
                if (!e.isTextual() || e.textValue().isBlank()) {
                    violations.add(new Violation("errorMessage", "must be a non-empty string"));
                } else {
                    message = e.textValue();
                }
            }
        }
        if (!violations.isEmpty()) {
            Problems.invalid(ctx, violations);
            return;
        }
        retention.failNext(count, message);
        ObjectNode answer = Json.mapper().createObjectNode();
        answer.put("count", count);
        answer.put("errorMessage", message);
        JsonAnswers.json(ctx, 200, answer);
    }

    private void reset() {
        faults.clear();
        tokens.reset();
        rateLimiter.reset();
        store.reset();
        retention.reset();
        directories.reset();
        fulfillments.reset();
        seed.reset();
        mediaRetention.reset();
        config.reset();
        stats.reset();
        LOG.info("state reset: tokens, faults, counts, stored resources, seed and configuration");
    }

    /** Reads and strictly parses the JSON body (null when empty), answering 400/413 itself. */
    private void withBody(RoutingContext ctx, java.util.function.BiConsumer<RoutingContext, JsonNode> then) {
        withBody(ctx, (Consumer<JsonNode>) body -> then.accept(ctx, body));
    }

    private void withBody(RoutingContext ctx, Consumer<JsonNode> then) {
        RequestBodies.readBody(ctx, MAX_BODY).onComplete(ar -> {
            if (ar.failed()) {
                RequestBodies.bodyFailed(ctx, ar.cause(), true);
                return;
            }
            JsonNode body;
            try {
                body = RequestBodies.parseStrict(ar.result());
            } catch (Exception e) {
                Problems.problem(
                        ctx, 400, "Malformed JSON", "the body is not valid JSON: " + firstLine(e.getMessage()));
                return;
            }
            try {
                then.accept(body);
            } catch (RuntimeException e) {
                LOG.errorf(e, "control request failed");
                Problems.problem(ctx, 500, "Internal error", e.getClass().getSimpleName());
            }
        });
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    private static void notAllowed(RoutingContext ctx, String allow) {
        ctx.response().putHeader("Allow", allow);
        Problems.problem(
                ctx,
                405,
                "Method not allowed",
                ctx.request().method().name() + " is not allowed on "
                        + ctx.request().path() + "; allowed: " + allow);
    }
}
