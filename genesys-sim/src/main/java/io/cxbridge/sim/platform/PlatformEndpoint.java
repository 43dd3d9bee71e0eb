package io.cxbridge.sim.platform;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxbridge.model.Json;
import io.cxbridge.sim.http.GenesysErrors;
import io.cxbridge.sim.http.JsonAnswers;
import io.cxbridge.sim.http.QueryParams;
import io.cxbridge.sim.listing.ListingFault;
import io.cxbridge.sim.listing.Listings;
import io.cxbridge.sim.store.Paging;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The published platform endpoints cxbridge reads, over the {@link SeedStore}'s resources. Each listing has
 * exactly the fields of its SDK listing class: {@code UserEntityListing} (users, group members),
 * {@code QueueMemberEntityListing} (no total, pageCount or lastUri), {@code ContactListing},
 * {@code CursorContactListing} (cursors, no total), {@code DataTableRowEntityListing}. Page sizes are capped like
 * the platform's (users 500, everything else 100; the contacts scan's {@code limit} 10 to 200); outside the range,
 * or past the external-contacts search's 1,000-record window, a 400 error body. Defaults are the SDK's documented
 * ones: {@code pageSize} 25, the contacts search's 20, the scan's {@code limit} 100.
 */
@ApplicationScoped
public class PlatformEndpoint {

    static final int DEFAULT_PAGE_SIZE = Paging.DEFAULT_PAGE_SIZE;
    static final int USERS_MAX_PAGE_SIZE = 500;
    static final int MAX_PAGE_SIZE = 100;
    /** {@code GET /api/v2/externalcontacts/contacts}: the SDK's documented default {@code pageSize}. */
    static final int CONTACTS_DEFAULT_PAGE_SIZE = 20;
    /** The contacts scan's {@code limit}: "must be between 10 and 200, default is 100" (the SDK's docs). */
    static final int SCAN_MIN_LIMIT = 10;

    static final int SCAN_MAX_LIMIT = 200;
    static final int SCAN_DEFAULT_LIMIT = 100;
    static final int CONTACTS_SEARCH_WINDOW = 1000;
    private static final Set<String> USER_STATES = Set.of("active", "inactive", "deleted", "any");

    private final SeedStore seed;
    private final Listings listings;

    public PlatformEndpoint(SeedStore seed, Listings listings) {
        this.seed = seed;
        this.listings = listings;
    }

    /** {@code GET /api/v2/users}: {@code state} (default active), {@code id} (repeatable or comma separated). */
    public void users(RoutingContext ctx) {
        int pageSize = pageSize(ctx, "pageSize", USERS_MAX_PAGE_SIZE);
        int pageNumber = QueryParams.intParam(ctx, "pageNumber", 1, 1);
        String state = ctx.request().getParam("state", "active").trim().toLowerCase(Locale.ROOT);
        if (!USER_STATES.contains(state)) {
            throw new QueryParams.BadParam("state must be one of active, inactive, deleted, any; was \""
                    + QueryParams.abbreviate(state) + "\"");
        }
        Predicate<ObjectNode> filter = "any".equals(state)
                ? u -> true
                : u -> state.equals(u.get("state").textValue());
        List<String> ids = ctx.queryParam("id").stream()
                .flatMap(v -> Arrays.stream(v.split(",")))
                .map(String::trim)
                .filter(v -> !v.isEmpty())
                .toList();
        if (!ids.isEmpty()) {
            filter = filter.and(u -> ids.contains(u.get("id").textValue()));
        }
        List<ObjectNode> users = seed.data().users().stream().filter(filter).toList();
        listings.send(ctx, Paging.envelope(ctx, users, pageSize, pageNumber));
    }

    public void user(RoutingContext ctx, String userId) {
        ObjectNode user = seed.data().user(userId);
        if (user == null) {
            GenesysErrors.notFound(ctx, "User " + userId + " not found");
            return;
        }
        JsonAnswers.json(ctx, 200, user);
    }

    /** {@code GET /api/v2/groups/{groupId}/members}: a {@code UserEntityListing}. */
    public void groupMembers(RoutingContext ctx, String groupId) {
        int pageSize = pageSize(ctx, "pageSize", MAX_PAGE_SIZE);
        int pageNumber = QueryParams.intParam(ctx, "pageNumber", 1, 1);
        List<ObjectNode> members = seed.data().groupMembers(groupId);
        if (members == null) {
            GenesysErrors.notFound(ctx, "Group " + groupId + " not found");
            return;
        }
        listings.send(ctx, Paging.envelope(ctx, members, pageSize, pageNumber));
    }

    /** {@code GET /api/v2/routing/queues/{queueId}/members}: a {@code QueueMemberEntityListing}, no total. */
    public void queueMembers(RoutingContext ctx, String queueId) {
        int pageSize = pageSize(ctx, "pageSize", MAX_PAGE_SIZE);
        int pageNumber = QueryParams.intParam(ctx, "pageNumber", 1, 1);
        List<ObjectNode> members = seed.data().queueMembers(queueId);
        if (members == null) {
            GenesysErrors.notFound(ctx, "Queue " + queueId + " not found");
            return;
        }
        ObjectNode page = Paging.envelope(ctx, members, pageSize, pageNumber);
        page.remove(List.of("total", "pageCount", "lastUri"));
        listings.send(ctx, page);
    }

    /**
     * {@code GET /api/v2/externalcontacts/contacts}: a {@code ContactListing}; {@code q} searches names, e-mail
     * addresses and phone numbers (case-insensitive substring); {@code pageSize} 20 by default. Like the platform,
     * only the first 1,000 records can be reached: {@code pageNumber * pageSize} above that is a 400.
     */
    public void contacts(RoutingContext ctx) {
        int pageSize = pageSize(ctx, "pageSize", CONTACTS_DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
        int pageNumber = QueryParams.intParam(ctx, "pageNumber", 1, 1);
        if ((long) pageNumber * pageSize > CONTACTS_SEARCH_WINDOW) {
            throw new QueryParams.BadParam("pageNumber * pageSize must be at most " + CONTACTS_SEARCH_WINDOW + ", was "
                    + (long) pageNumber * pageSize
                    + "; read all contacts through /api/v2/externalcontacts/scan/contacts");
        }
        String q = ctx.request().getParam("q");
        List<ObjectNode> contacts = seed.data().contacts();
        if (q != null && !q.isBlank()) {
            String needle = q.trim().toLowerCase(Locale.ROOT);
            contacts = contacts.stream()
                    .filter(c -> searchText(c).contains(needle))
                    .toList();
        }
        ObjectNode page = Paging.envelope(ctx, contacts, pageSize, pageNumber);
        page.put("partialResults", false);
        listings.send(ctx, page);
    }

    public void contact(RoutingContext ctx, String contactId) {
        ObjectNode contact = seed.data().contact(contactId);
        if (contact == null) {
            GenesysErrors.notFound(ctx, "Contact " + contactId + " not found");
            return;
        }
        JsonAnswers.json(ctx, 200, contact);
    }

    private static String searchText(ObjectNode contact) {
        StringBuilder text = new StringBuilder();
        for (String field : List.of("firstName", "lastName", "workEmail", "personalEmail", "otherEmail")) {
            text.append(contact.path(field).asText("")).append('\n');
        }
        for (String phone : List.of("workPhone", "cellPhone", "homePhone", "otherPhone")) {
            text.append(contact.path(phone).path("e164").asText(""))
                    .append('\n')
                    .append(contact.path(phone).path("display").asText(""))
                    .append('\n');
        }
        return text.toString().toLowerCase(Locale.ROOT);
    }

    /**
     * {@code GET /api/v2/externalcontacts/scan/contacts}: every contact, {@code limit} (10 to 200, default 100)
     * at a time, in a {@code CursorContactListing} ({@code entities, cursors: {before?, after?}, selfUri, nextUri?,
     * previousUri?}). The listing ends when a page has no {@code after} cursor.
     */
    public void scanContacts(RoutingContext ctx) {
        int limit = pageSize(ctx, "limit", SCAN_DEFAULT_LIMIT, SCAN_MIN_LIMIT, SCAN_MAX_LIMIT);
        String cursor = ctx.request().getParam("cursor");
        int from = cursor == null || cursor.isBlank() ? 0 : decodeCursor(cursor);
        List<ObjectNode> contacts = seed.data().contacts();
        int end = Paging.Window.of(contacts.size(), limit, ListingFault.of(ctx)).served();
        ObjectNode page = Json.mapper().createObjectNode();
        ArrayNode entities = page.putArray("entities");
        for (int i = from; i < Math.min(end, from + limit); i++) {
            entities.add(contacts.get(i));
        }
        String path = ctx.request().path();
        String query = ctx.request().query();
        ObjectNode cursors = page.putObject("cursors");
        if (from > 0) {
            cursors.put("before", encodeCursor(Math.max(0, from - limit)));
        }
        if (from + limit < end) {
            cursors.put("after", encodeCursor(from + limit));
        }
        page.put("selfUri", Paging.uri(path, query, Map.of()));
        if (cursors.has("after")) {
            page.put(
                    "nextUri",
                    Paging.uri(path, query, cursorParam(cursors.get("after").textValue())));
        }
        if (cursors.has("before")) {
            page.put(
                    "previousUri",
                    Paging.uri(path, query, cursorParam(cursors.get("before").textValue())));
        }
        listings.send(ctx, page);
    }

    private static Map<String, String> cursorParam(String cursor) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("cursor", cursor);
        return params;
    }

    static String encodeCursor(int index) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(("contacts:" + index).getBytes(StandardCharsets.UTF_8));
    }

    private static int decodeCursor(String cursor) {
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(cursor.trim()), StandardCharsets.UTF_8);
            if (decoded.startsWith("contacts:")) {
                int index = Integer.parseInt(decoded.substring("contacts:".length()));
                if (index >= 0) {
                    return index;
                }
            }
        } catch (IllegalArgumentException e) {
            // falls through to the 400 below (NumberFormatException is an IllegalArgumentException)
        }
        throw new QueryParams.BadParam(
                "cursor \"" + QueryParams.abbreviate(cursor) + "\" is not a cursor this listing gave out");
    }

    /**
     * {@code GET /api/v2/flows/datatables/{datatableId}/rows}: a {@code DataTableRowEntityListing}; rows are
     * keyed by {@code key}; {@code showbrief} (default true, as the platform) keeps only the key.
     */
    public void datatableRows(RoutingContext ctx, String datatableId) {
        int pageSize = pageSize(ctx, "pageSize", MAX_PAGE_SIZE);
        int pageNumber = QueryParams.intParam(ctx, "pageNumber", 1, 1);
        String showbrief = ctx.request().getParam("showbrief", "true").trim().toLowerCase(Locale.ROOT);
        if (!showbrief.equals("true") && !showbrief.equals("false")) {
            throw new QueryParams.BadParam(
                    "showbrief must be true or false, was \"" + QueryParams.abbreviate(showbrief) + "\"");
        }
        List<ObjectNode> rows = seed.data().rows(datatableId);
        if (rows == null) {
            GenesysErrors.notFound(ctx, "Datatable " + datatableId + " not found");
            return;
        }
        if (showbrief.equals("true")) {
            rows = rows.stream()
                    .map(r -> Json.mapper()
                            .createObjectNode()
                            .put("key", r.get("key").textValue()))
                    .toList();
        }
        listings.send(ctx, Paging.envelope(ctx, rows, pageSize, pageNumber));
    }

    /** A page size parameter: default 25, at least 1, at most {@code max} (a 400 error body outside). */
    static int pageSize(RoutingContext ctx, String name, int max) {
        return pageSize(ctx, name, DEFAULT_PAGE_SIZE, 1, max);
    }

    /** A page size parameter: {@code defaultSize} when absent, {@code min} to {@code max} (else a 400 error body). */
    static int pageSize(RoutingContext ctx, String name, int defaultSize, int min, int max) {
        int size = QueryParams.intParam(ctx, name, defaultSize, Integer.MIN_VALUE);
        if (size < min) {
            throw new QueryParams.BadParam("Value [" + size + "] for field [" + name + "] is smaller than the minimum "
                    + "allowed of [" + min + "]");
        }
        if (size > max) {
            throw new QueryParams.BadParam("Value [" + size + "] for field [" + name + "] is larger than the maximum "
                    + "allowed of [" + max + "]");
        }
        return size;
    }
}
