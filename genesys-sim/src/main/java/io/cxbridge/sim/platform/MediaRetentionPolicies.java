package io.cxbridge.sim.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxbridge.model.event.Ids;
import io.cxbridge.sim.config.RuntimeConfig;
import io.cxbridge.sim.http.GenesysErrors;
import io.cxbridge.sim.http.JsonAnswers;
import io.cxbridge.sim.http.QueryParams;
import io.cxbridge.sim.http.RequestBodies;
import io.cxbridge.sim.listing.Listings;
import io.cxbridge.sim.store.Paging;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * {@code /api/v2/recording/mediaretentionpolicies}: list ({@code PolicyEntityListing}; filters {@code name}
 * (case-insensitive substring) and {@code enabled}), create ({@code POST}, 200 with the {@code Policy}), get,
 * replace ({@code PUT}), enable or disable ({@code PATCH}) and delete (204). Synchronous, as the platform; the sim
 * starts with none. POST and PUT bodies are checked against the SDK's {@code Policy}: {@code name} is required,
 * unknown fields (also in {@code mediaPolicies}) and wrong types are a 400; the read-only fields ({@code id,
 * selfUri, createdDate, modifiedDate, policyErrors}) are ignored on input, so what a GET returned can be PUT back.
 * A PATCH body is the SDK's {@code PolicyUpdate}: {@code enabled} (a boolean) only; any other field is a 400.
 */
@ApplicationScoped
public class MediaRetentionPolicies {

    public static final String PATH = "/api/v2/recording/mediaretentionpolicies";
    private static final Set<String> READ_ONLY = Set.of("id", "selfUri", "createdDate", "modifiedDate", "policyErrors");
    private static final DateTimeFormatter ISO = DateTimeFormatter.ISO_INSTANT;

    private final Map<String, ObjectNode> policies = new LinkedHashMap<>();
    private final RuntimeConfig config;
    private final Listings listings;
    private final Clock clock;

    public MediaRetentionPolicies(RuntimeConfig config, Listings listings, Clock clock) {
        this.config = config;
        this.listings = listings;
        this.clock = clock;
    }

    public synchronized void reset() {
        policies.clear();
    }

    public void collection(RoutingContext ctx) {
        if ("POST".equals(ctx.request().method().name())) {
            withPolicy(ctx, body -> {
                String id = Ids.newEventId();
                String now = now();
                ObjectNode policy = body.deepCopy();
                policy.put("id", id);
                policy.put("createdDate", now);
                policy.put("modifiedDate", now);
                policy.put("selfUri", PATH + "/" + id);
                synchronized (this) {
                    policies.put(id, policy);
                }
                JsonAnswers.json(ctx, 200, policy);
            });
            return;
        }
        int pageSize = PlatformEndpoint.pageSize(ctx, "pageSize", PlatformEndpoint.MAX_PAGE_SIZE);
        int pageNumber = QueryParams.intParam(ctx, "pageNumber", 1, 1);
        String name = ctx.request().getParam("name");
        String enabled = ctx.request().getParam("enabled");
        if (enabled != null && !enabled.equals("true") && !enabled.equals("false")) {
            throw new QueryParams.BadParam(
                    "enabled must be true or false, was \"" + QueryParams.abbreviate(enabled) + "\"");
        }
        List<ObjectNode> all;
        synchronized (this) {
            all = new ArrayList<>(policies.values());
        }
        List<ObjectNode> matching = all.stream()
                .filter(p -> name == null
                        || p.path("name").asText().toLowerCase(Locale.ROOT).contains(name.toLowerCase(Locale.ROOT)))
                .filter(p -> enabled == null || p.path("enabled").asBoolean(false) == Boolean.parseBoolean(enabled))
                .toList();
        listings.send(ctx, Paging.envelope(ctx, matching, pageSize, pageNumber));
    }

    public void item(RoutingContext ctx, String id) {
        String method = ctx.request().method().name();
        ObjectNode existing;
        synchronized (this) {
            existing = policies.get(id);
        }
        if (existing == null) {
            GenesysErrors.notFound(ctx, "Policy " + id + " not found");
            return;
        }
        switch (method) {
            case "GET" -> JsonAnswers.json(ctx, 200, existing);
            case "DELETE" -> {
                synchronized (this) {
                    policies.remove(id);
                }
                JsonAnswers.send(ctx, 204, JsonAnswers.JSON, new byte[0]);
            }
            case "PUT" -> withPolicy(ctx, body -> update(ctx, id, current -> body.deepCopy()));
            case "PATCH" ->
                withPolicyUpdate(
                        ctx,
                        enabled -> update(ctx, id, current -> {
                            ObjectNode updated = current.deepCopy();
                            if (enabled != null) {
                                updated.put("enabled", enabled);
                            }
                            return updated;
                        }));
            default -> GenesysErrors.methodNotAllowed(ctx, "DELETE, GET, PATCH, PUT");
        }
    }

    /** Replaces policy {@code id} by what {@code change} makes of it, keeping its id, createdDate and selfUri. */
    private void update(RoutingContext ctx, String id, UnaryOperator<ObjectNode> change) {
        ObjectNode updated;
        synchronized (this) {
            ObjectNode current = policies.get(id);
            if (current == null) {
                GenesysErrors.notFound(ctx, "Policy " + id + " not found");
                return;
            }
            updated = change.apply(current);
            updated.put("id", id);
            updated.set("createdDate", current.get("createdDate"));
            updated.put("modifiedDate", now());
            updated.put("selfUri", PATH + "/" + id);
            policies.put(id, updated);
        }
        JsonAnswers.json(ctx, 200, updated);
    }

    /**
     * Reads a PATCH body, the SDK's {@code PolicyUpdate}: {@code enabled} (true or false) and nothing else; hands
     * on {@code enabled}, null when the body leaves it out.
     */
    private void withPolicyUpdate(RoutingContext ctx, Consumer<Boolean> then) {
        RequestBodies.readJson(ctx, config.settings().maxJsonBodyBytes(), json -> {
            if (json == null || !json.isObject()) {
                GenesysErrors.error(
                        ctx,
                        400,
                        GenesysErrors.codeFor(400),
                        "The request body must be a JSON object (a PolicyUpdate: {\"enabled\": true or false})");
                return;
            }
            List<String> problems = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (!field.getKey().equals("enabled")) {
                    problems.add(field.getKey() + " is not a field of PolicyUpdate (a PATCH takes enabled only)");
                } else if (!field.getValue().isBoolean()) {
                    problems.add("enabled must be true or false");
                }
            }
            if (!problems.isEmpty()) {
                GenesysErrors.error(
                        ctx, 400, GenesysErrors.codeFor(400), "Invalid policy update: " + String.join("; ", problems));
                return;
            }
            JsonNode enabled = json.get("enabled");
            then.accept(enabled == null ? null : enabled.booleanValue());
        });
    }

    /** The SDK's {@code MediaPolicies}: callPolicy, chatPolicy, emailPolicy, messagePolicy, each an object. */
    static String mediaPolicies(JsonNode value) {
        if (!value.isObject()) {
            return "mediaPolicies must be an object";
        }
        for (Iterator<String> it = value.fieldNames(); it.hasNext(); ) {
            String media = it.next();
            if (!MEDIA_POLICIES.contains(media)) {
                return "mediaPolicies." + media + " is not a field of MediaPolicies";
            }
            if (!value.get(media).isObject() && !value.get(media).isNull()) {
                return "mediaPolicies." + media + " must be an object";
            }
        }
        return null;
    }

    private static final Set<String> MEDIA_POLICIES =
            Set.of("callPolicy", "chatPolicy", "emailPolicy", "messagePolicy");

    private String now() {
        return ISO.format(clock.instant().truncatedTo(ChronoUnit.MILLIS));
    }

    /** Reads and checks a POST or PUT body, a whole policy (read-only fields dropped; name required). */
    private void withPolicy(RoutingContext ctx, Consumer<ObjectNode> then) {
        RequestBodies.readJson(ctx, config.settings().maxJsonBodyBytes(), json -> {
            if (json == null || !json.isObject()) {
                GenesysErrors.error(
                        ctx, 400, GenesysErrors.codeFor(400), "The request body must be a JSON object (a Policy)");
                return;
            }
            ObjectNode body = ((ObjectNode) json).deepCopy();
            body.remove(READ_ONLY);
            List<String> problems = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String name = field.getKey();
                JsonNode value = field.getValue();
                String problem = switch (name) {
                    case "name", "description" -> value.isTextual() ? null : name + " must be a string";
                    case "order" ->
                        value.isIntegralNumber() && value.canConvertToInt() ? null : "order must be an integer";
                    case "enabled" -> value.isBoolean() ? null : "enabled must be true or false";
                    case "mediaPolicies" -> mediaPolicies(value);
                    case "conditions", "actions" -> value.isObject() ? null : name + " must be an object";
                    default -> name + " is not a field of Policy";
                };
                if (problem != null) {
                    problems.add(problem);
                }
            }
            if (!body.path("name").isTextual() || body.path("name").textValue().isBlank()) {
                problems.add("name is required");
            }
            if (!problems.isEmpty()) {
                GenesysErrors.error(
                        ctx, 400, GenesysErrors.codeFor(400), "Invalid policy: " + String.join("; ", problems));
                return;
            }
            then.accept(body);
        });
    }
}
