package io.cxbridge.sim.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxbridge.sim.config.RuntimeConfig;
import io.cxbridge.sim.http.GenesysErrors;
import io.cxbridge.sim.http.JsonAnswers;
import io.cxbridge.sim.http.QueryParams;
import io.cxbridge.sim.http.RequestBodies;
import io.cxbridge.sim.listing.Listings;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Any other /api/v2/** path: a generic JSON resource store, enough for SDK calls such as
 * {@code RoutingApi.getRoutingQueues}, {@code postRoutingQueues} and {@code getRoutingQueue}.
 *
 * <ul>
 * <li>{@code POST <collection>}: creates (generated UUID {@code id}, {@code selfUri}), 200 with the entity.</li>
 * <li>{@code GET <collection>/<id>}: the entity when {@code <collection>} holds {@code <id>}; 404 when the last
 * segment looks like a UUID and nothing holds it.</li>
 * <li>{@code GET <collection>}: the Genesys list envelope, {@code pageSize} (default 25) and {@code pageNumber}
 * (default 1); filters {@code id} (repeatable) and {@code name} ({@code *} wildcard, case-insensitive); entities
 * in creation order.</li>
 * <li>{@code PUT} replaces, {@code PATCH} merges (RFC 7386), {@code DELETE} removes (204); 404 when unknown.</li>
 * </ul>
 */
@ApplicationScoped
public class StoreEndpoint {

    private static final Pattern UUID_LIKE =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final ResourceStore store;
    private final RuntimeConfig config;
    private final Listings listings;

    public StoreEndpoint(ResourceStore store, RuntimeConfig config, Listings listings) {
        this.store = store;
        this.config = config;
        this.listings = listings;
    }

    /** The metrics URI template of a store path: UUID segments become {@code {id}}. */
    public static String template(String path) {
        String[] segments = path.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            if (UUID_LIKE.matcher(segments[i]).matches()) {
                segments[i] = "{id}";
            }
        }
        return String.join("/", segments);
    }

    public void handle(RoutingContext ctx) {
        String raw = ctx.request().path();
        int end = raw.length();
        while (end > 1 && raw.charAt(end - 1) == '/') {
            end--;
        }
        String path = raw.substring(0, end);
        int slash = path.lastIndexOf('/');
        String parent = path.substring(0, slash);
        String last = path.substring(slash + 1);
        String method = ctx.request().method().name();
        switch (method) {
            case "GET", "HEAD" -> get(ctx, path, parent, last);
            case "POST" -> withObject(ctx, body -> JsonAnswers.json(ctx, 200, store.create(path, body)));
            case "PUT" -> withObject(ctx, body -> answer(ctx, store.replace(parent, last, body), path));
            case "PATCH" -> withObject(ctx, body -> answer(ctx, store.merge(parent, last, body), path));
            case "DELETE" -> {
                if (store.delete(parent, last)) {
                    JsonAnswers.send(ctx, 204, JsonAnswers.JSON, new byte[0]);
                } else {
                    notFound(ctx, path);
                }
            }
            default -> GenesysErrors.methodNotAllowed(ctx, "GET, POST, PUT, PATCH, DELETE");
        }
    }

    private void get(RoutingContext ctx, String path, String parent, String last) {
        var item = store.get(parent, last);
        if (item.isPresent()) {
            JsonAnswers.json(ctx, 200, item.get());
            return;
        }
        if (UUID_LIKE.matcher(last).matches() && !store.hasCollection(path)) {
            notFound(ctx, path);
            return;
        }
        int pageSize = QueryParams.intParam(ctx, "pageSize", Paging.DEFAULT_PAGE_SIZE, 1);
        int pageNumber = QueryParams.intParam(ctx, "pageNumber", 1, 1);
        List<ObjectNode> entities = store.list(path, filter(ctx));
        listings.send(ctx, Paging.envelope(ctx, entities, pageSize, pageNumber));
    }

    private static Predicate<ObjectNode> filter(RoutingContext ctx) {
        List<String> ids = ctx.queryParam("id");
        String name = ctx.request().getParam("name");
        Predicate<ObjectNode> filter = e -> true;
        if (!ids.isEmpty()) {
            List<String> wanted = ids.stream()
                    .flatMap(v -> java.util.Arrays.stream(v.split(",")))
                    .map(String::trim)
                    .toList();
            filter = filter.and(e -> wanted.contains(e.path("id").asText()));
        }
        if (name != null && !name.isBlank()) {
            Pattern pattern = Pattern.compile(
                    java.util.Arrays.stream(name.split("\\*", -1))
                            .map(Pattern::quote)
                            .collect(java.util.stream.Collectors.joining(".*")),
                    Pattern.CASE_INSENSITIVE);
            filter = filter.and(e -> e.path("name").isTextual()
                    && pattern.matcher(e.path("name").textValue()).matches());
        }
        return filter;
    }

    private void withObject(RoutingContext ctx, Consumer<ObjectNode> then) {
        RequestBodies.readJson(ctx, config.settings().maxJsonBodyBytes(), body -> {
            if (body == null || !body.isObject()) {
                GenesysErrors.error(ctx, 400, GenesysErrors.codeFor(400), "The request body must be a JSON object");
                return;
            }
            then.accept((ObjectNode) body);
        });
    }

    private static void answer(RoutingContext ctx, java.util.Optional<ObjectNode> entity, String path) {
        if (entity.isPresent()) {
            JsonAnswers.json(ctx, 200, entity.get());
        } else {
            notFound(ctx, path);
        }
    }

    private static void notFound(RoutingContext ctx, String path) {
        GenesysErrors.notFound(ctx, "The requested resource " + path + " was not found");
    }
}
