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

/**
 * {@code /api/v2/recording/mediaretentionpolicies}: list ({@code PolicyEntityListing}; filters {@code name}
 * (case-insensitive substring) and {@code enabled}), create ({@code POST}, 200 with the {@code Policy}), get,
 * replace ({@code PUT}), merge ({@code PATCH}, top-level fields) and delete (204). Synchronous, as the platform;
 * the sim starts with none. Bodies are checked against the SDK's {@code Policy}: {@code name} is required,
 * unknown fields (also in {@code mediaPolicies}) and wrong types are a 400; the read-only fields ({@code id, selfUri, createdDate, modifiedDate,
 * policyErrors}) are ignored on input, so what a GET returned can be PUT back.
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
            withPolicy(ctx, true, body -> {
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
            case "PUT", "PATCH" ->
                withPolicy(ctx, "PUT".equals(method), body -> {
                    ObjectNode updated;
                    synchronized (this) {
                        ObjectNode current = policies.get(id);
                        if (current == null) {
                            GenesysErrors.notFound(ctx, "Policy " + id + " not found");
                            return;
                        }
                        updated = "PUT".equals(method)
                                ? body.deepCopy()
                                : current.deepCopy().setAll(body);
                        updated.put("id", id);
                        updated.set("createdDate", current.get("createdDate"));
                        updated.put("modifiedDate", now());
                        updated.put("selfUri", PATH + "/" + id);
                        policies.put(id, updated);
                    }
                    JsonAnswers.json(ctx, 200, updated);
                });
            default -> GenesysErrors.methodNotAllowed(ctx, "DELETE, GET, PATCH, PUT");
        }
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

    /** Reads and checks a policy body (read-only fields dropped); {@code whole}: name is required. */
    private void withPolicy(RoutingContext ctx, boolean whole, java.util.function.Consumer<ObjectNode> then) {
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
            if (whole
                    && (!body.path("name").isTextual()
                            || body.path("name").textValue().isBlank())) {
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
