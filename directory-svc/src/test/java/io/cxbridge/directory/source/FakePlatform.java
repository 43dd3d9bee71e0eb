package io.cxbridge.directory.source;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxbridge.model.Json;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.QueryStringEncoder;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The platform's listing endpoints as the published contract shapes them, with records carrying fields
 * cxbridge does not map (they must be tolerated): users with {@code nextUri} paging and a {@code total},
 * external contacts through the scan endpoint's cursors (object-valued address and phone numbers), data-table
 * rows keyed by {@code key}. A listing fault makes every listing end one page early ({@code short}) or
 * report a larger total than it serves ({@code inflated-total}). Every page call is counted by path and query.
 */
final class FakePlatform implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    final Map<String, AtomicInteger> pages = new ConcurrentHashMap<>();
    volatile int users = 2600;
    volatile int contacts = 1200;
    volatile int rows = 300;
    volatile String listingFault;
    /** Changes every record's name: a content change at the platform. */
    final AtomicLong version = new AtomicLong(1);

    FakePlatform() throws Exception {
        server = vertx.createHttpServer()
                .requestHandler(this::handle)
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    /** Page calls to a path (any query). */
    int calls(String path) {
        return pages.entrySet().stream()
                .filter(e -> new QueryStringDecoder(e.getKey()).path().equals(path))
                .mapToInt(e -> e.getValue().get())
                .sum();
    }

    private void handle(HttpServerRequest req) {
        QueryStringDecoder q = new QueryStringDecoder(req.uri());
        pages.computeIfAbsent(req.uri(), k -> new AtomicInteger()).incrementAndGet();
        ObjectNode body;
        String path = q.path();
        if (path.equals("/api/v2/users")) {
            body = numbered(q, users, 500, this::user);
        } else if (path.equals("/api/v2/externalcontacts/scan/contacts")) {
            body = scan(q);
        } else if (path.matches("/api/v2/flows/datatables/[^/]+/rows")) {
            body = numbered(q, rows, 100, this::row);
        } else {
            req.response().setStatusCode(404).end("{\"message\":\"not found\",\"code\":\"not.found\",\"status\":404}");
            return;
        }
        req.response()
                .putHeader("Content-Type", "application/json")
                .putHeader("ININ-Correlation-Id", java.util.UUID.randomUUID().toString())
                .end(body.toString());
    }

    private ObjectNode numbered(
            QueryStringDecoder q, int size, int cap, java.util.function.IntFunction<ObjectNode> record) {
        int pageSize = Integer.parseInt(param(q, "pageSize", "25"));
        int pageNumber = Integer.parseInt(param(q, "pageNumber", "1"));
        if (pageSize > cap) {
            throw new IllegalArgumentException("page size above the cap");
        }
        int pageCount = (size + pageSize - 1) / pageSize;
        int servedPages = "short".equals(listingFault) ? pageCount - 1 : pageCount;
        ObjectNode page = Json.mapper().createObjectNode();
        ArrayNode entities = page.putArray("entities");
        for (int i = (pageNumber - 1) * pageSize;
                i < Math.min(size, pageNumber * pageSize) && pageNumber <= servedPages;
                i++) {
            entities.add(record.apply(i));
        }
        page.put("pageSize", pageSize)
                .put("pageNumber", pageNumber)
                .put("total", "inflated-total".equals(listingFault) ? size + 7 : size)
                .put("pageCount", pageCount);
        page.put("firstUri", link(q, 1)).put("selfUri", link(q, pageNumber)).put("lastUri", link(q, pageCount));
        if (pageNumber < servedPages) {
            page.put("nextUri", link(q, pageNumber + 1));
        }
        if (pageNumber > 1) {
            page.put("previousUri", link(q, pageNumber - 1));
        }
        return page;
    }

    private ObjectNode scan(QueryStringDecoder q) {
        int limit = Integer.parseInt(param(q, "limit", "100"));
        int from = Integer.parseInt(param(q, "cursor", "0"));
        int end = "short".equals(listingFault) ? Math.max(0, contacts - limit) : contacts;
        int to = Math.min(end, from + limit);
        ObjectNode page = Json.mapper().createObjectNode();
        ArrayNode entities = page.putArray("entities");
        for (int i = from; i < to; i++) {
            entities.add(contact(i));
        }
        page.put("selfUri", q.uri());
        if (to < end) {
            page.putObject("cursors").put("after", String.valueOf(to));
        } else {
            page.putObject("cursors");
        }
        return page;
    }

    private ObjectNode user(int i) {
        ObjectNode u = Json.mapper().createObjectNode();
        u.put("id", String.format("user-%05d", i))
                .put("name", "Agent " + i + " v" + version.get())
                .put("email", "agent" + i + "@example.com")
                .put("state", "active")
                .put("title", "Agent")
                .put("department", "Support")
                .put("version", 3)
                .put("selfUri", "/api/v2/users/user-" + i);
        u.putObject("division").put("id", "div-1").put("name", "Home");
        ArrayNode primary = u.putArray("primaryContactInfo");
        primary.addObject()
                .put("address", "agent" + i + "@example.com")
                .put("mediaType", "EMAIL")
                .put("type", "PRIMARY");
        primary.addObject()
                .put("address", String.format("+1317555%04d", i % 10000))
                .put("display", "(317) 555-" + i)
                .put("mediaType", "PHONE")
                .put("type", "PRIMARY");
        u.putArray("addresses")
                .addObject()
                .put("address", "+13175550000")
                .put("mediaType", "PHONE")
                .put("type", "WORK");
        return u;
    }

    private ObjectNode contact(int i) {
        ObjectNode c = Json.mapper().createObjectNode();
        c.put("id", String.format("contact-%05d", i))
                .put("firstName", "First" + i)
                .put("lastName", "Last" + i)
                .put("workEmail", "c" + i + "@example.org")
                .put("title", "Buyer")
                .put("type", "Customer");
        c.putObject("address")
                .put("address1", i + " Main St")
                .put("city", "Indianapolis")
                .put("state", "IN")
                .put("postalCode", "46204")
                .put("countryCode", "US");
        // Some contacts have only a cell phone, and only a display form of it.
        if (i % 2 == 0) {
            c.putObject("workPhone")
                    .put("display", "+1 317-555-" + i)
                    .put("e164", "+1317555" + String.format("%04d", i))
                    .put("countryCode", "US");
        } else {
            c.putObject("cellPhone").put("display", "+1 317-666-" + i).put("countryCode", "US");
        }
        c.putObject("externalOrganization").put("id", "org-1");
        c.putArray("externalIds");
        return c;
    }

    private ObjectNode row(int i) {
        return Json.mapper()
                .createObjectNode()
                .put("key", "row-" + i)
                .put("Label", "Row " + i)
                .put("Tier", i % 3)
                .put("Active", i % 2 == 0);
    }

    private static String link(QueryStringDecoder q, int pageNumber) {
        QueryStringEncoder e = new QueryStringEncoder(q.path());
        q.parameters().forEach((k, vs) -> {
            if (!k.equals("pageNumber")) {
                vs.forEach(v -> e.addParam(k, v));
            }
        });
        e.addParam("pageNumber", String.valueOf(pageNumber));
        return e.toString();
    }

    private static String param(QueryStringDecoder q, String name, String fallback) {
        List<String> v = q.parameters().get(name);
        return v == null || v.isEmpty() ? fallback : v.get(0);
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
