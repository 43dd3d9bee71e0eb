package io.cxbridge.genesys.paging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxbridge.genesys.Process;
import io.cxbridge.genesys.TestConfig;
import io.cxbridge.model.Json;
import io.cxbridge.testkit.RedisServer;
import io.vertx.mutiny.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The pager against a server the test controls: every paging mode, the total check, the bounds, the links. */
class PagerTest {

    private static final String USERS = "/api/v2/users";
    private static final PageLimits LIMITS = new PageLimits(50, 1_000_000, 10_000, Duration.ofSeconds(5));

    private static Vertx vertx;
    private static ListingServer server;
    private static ListingServer otherHost;
    private Process process;
    private Pager pager;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        server = new ListingServer();
        otherHost = new ListingServer();
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        otherHost.close();
        vertx.closeAndAwait();
    }

    @BeforeEach
    void client() {
        server.requests.clear();
        otherHost.requests.clear();
        process = new Process(
                vertx,
                RedisServer.shared().url(),
                TestConfig.genesys(Map.of(
                        "cxbridge.genesys.base-url",
                        server.baseUrl(),
                        "cxbridge.genesys.token.key-prefix",
                        "pager-" + UUID.randomUUID(),
                        "cxbridge.genesys.retry.base-delay",
                        "20ms")),
                Clock.systemUTC());
        pager = new Pager(process.client);
    }

    @AfterEach
    void close() {
        process.close();
    }

    // --- paging modes ----------------------------------------------------------------------------------

    @Test
    void followsRelativeNextUrisOnceEachAndChecksTheTotal() {
        List<ObjectNode> users = entities(23);
        server.answer = r -> numbered(users, r, 5, users.size(), true, null);

        Listing listing = read(USERS + "?pageSize=5&pageNumber=1");

        assertThat(ids(listing)).isEqualTo(ids(users));
        assertThat(listing.pages()).isEqualTo(5);
        assertThat(listing.total()).hasValue(23);
        assertThat(server.requests).hasSize(5).doesNotHaveDuplicates();
        assertThat(listing.correlationIds()).hasSize(5).allMatch(c -> c.startsWith("corr-"));
    }

    @Test
    void followsAnAbsoluteNextUriOnTheConfiguredHost() {
        List<ObjectNode> users = entities(7);
        server.answer = r -> numbered(users, r, 3, users.size(), true, server.baseUrl());
        Listing listing = read(USERS + "?pageSize=3&pageNumber=1");
        assertThat(ids(listing)).isEqualTo(ids(users));
        assertThat(server.count(USERS)).isEqualTo(3);
    }

    @Test
    void refusesANextUriOnAnotherHostWithoutCallingIt() {
        List<ObjectNode> users = entities(7);
        server.answer = r -> numbered(users, r, 3, users.size(), true, otherHost.baseUrl());
        otherHost.answer = r -> numbered(users, r, 3, users.size(), true, null);

        assertThatThrownBy(() -> read(USERS + "?pageSize=3&pageNumber=1"))
                .isInstanceOfSatisfying(
                        ListingException.class, e -> assertThat(e.kind()).isEqualTo(ListingException.Kind.BAD_LINK))
                .hasMessageContaining("host other than the configured API host");
        assertThat(otherHost.requests).isEmpty();
    }

    @Test
    void followsCursorsUntilTheyRunOutWithoutATotal() {
        List<ObjectNode> contacts = entities(250);
        server.answer = r -> {
            int from = r.param("cursor") == null ? 0 : Integer.parseInt(r.param("cursor"));
            int to = Math.min(from + 100, contacts.size());
            ObjectNode page = Json.mapper().createObjectNode();
            page.putArray("entities").addAll(contacts.subList(from, to));
            ObjectNode cursors = page.putObject("cursors");
            if (to < contacts.size()) {
                cursors.put("after", String.valueOf(to));
            }
            return json(page);
        };
        Listing listing = read("/api/v2/externalcontacts/scan/contacts?limit=100");
        assertThat(ids(listing)).isEqualTo(ids(contacts));
        assertThat(listing.total()).isEmpty();
        assertThat(server.requests)
                .containsExactly(
                        "/api/v2/externalcontacts/scan/contacts?limit=100",
                        "/api/v2/externalcontacts/scan/contacts?limit=100&cursor=100",
                        "/api/v2/externalcontacts/scan/contacts?limit=100&cursor=200");
    }

    @Test
    void followsNextPage() {
        List<ObjectNode> entries = entities(5);
        server.answer = r -> {
            int n = Integer.parseInt(r.param("pageNumber"));
            ObjectNode page = Json.mapper().createObjectNode();
            page.putArray("entities").addAll(entries.subList((n - 1) * 2, Math.min(n * 2, 5)));
            page.put("total", 5);
            if (n * 2 < 5) {
                page.put("nextPage", "/api/v2/routing/directories/d/entries?pageSize=2&pageNumber=" + (n + 1));
            }
            return json(page);
        };
        Listing listing = read("/api/v2/routing/directories/d/entries?pageSize=2&pageNumber=1");
        assertThat(ids(listing)).isEqualTo(ids(entries));
        assertThat(listing.pages()).isEqualTo(3);
    }

    @Test
    void countsPageNumberUpToPageCountWhenThereIsNoLink() {
        List<ObjectNode> rows = entities(10);
        server.answer = r -> numbered(rows, r, 4, rows.size(), false, null);
        Listing listing = read("/api/v2/flows/datatables/dt/rows?pageSize=4&pageNumber=1&showbrief=false");
        assertThat(ids(listing)).isEqualTo(ids(rows));
        assertThat(server.requests).last().asString().contains("pageNumber=3").contains("showbrief=false");
        assertThat(server.requests).hasSize(3);
    }

    @Test
    void aListingWithoutLinksIsOnePage() {
        server.answer = r -> {
            ObjectNode page = Json.mapper().createObjectNode();
            page.putArray("entities").addAll(entities(3));
            return json(page);
        };
        assertThat(read("/api/v2/routing/queues/q/members?pageSize=100").entities())
                .hasSize(3);
        assertThat(server.requests).hasSize(1);
    }

    // --- the total -------------------------------------------------------------------------------------

    @Test
    void anInflatedTotalIsReadTwiceThenRefusedNamingTheCounts() {
        List<ObjectNode> users = entities(10);
        server.answer = r -> numbered(users, r, 5, 12, true, null);

        assertThatThrownBy(() -> read(USERS + "?pageSize=5&pageNumber=1"))
                .isInstanceOfSatisfying(ListingException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ListingException.Kind.INCOMPLETE);
                    assertThat(e.expected()).isEqualTo(12);
                    assertThat(e.read()).isEqualTo(10);
                })
                .hasMessageContaining("users")
                .hasMessageContaining("total of 12")
                .hasMessageContaining("10 were read");
        assertThat(server.count(USERS))
                .as("one read and one re-read, two pages each")
                .isEqualTo(4);
    }

    @Test
    void aListingThatEndsEarlyIsRefused() {
        List<ObjectNode> users = entities(15);
        // Pages 1 and 2 only: the third never gets a link.
        server.answer = r -> numbered(users.subList(0, 10), r, 5, 15, true, null);
        assertThatThrownBy(() -> read(USERS + "?pageSize=5&pageNumber=1"))
                .isInstanceOfSatisfying(
                        ListingException.class, e -> assertThat(e.kind()).isEqualTo(ListingException.Kind.INCOMPLETE));
    }

    @Test
    void anEntityReadTwiceBecauseTheListingShiftedCountsOnce() {
        List<ObjectNode> users = entities(6);
        server.answer = r -> {
            int n = Integer.parseInt(r.param("pageNumber"));
            // An insert before page 2 was read shifted u2 onto it: u2 comes twice, total still 6.
            List<ObjectNode> slice = n == 1 ? users.subList(0, 3) : n == 2 ? users.subList(2, 5) : users.subList(5, 6);
            ObjectNode page = Json.mapper().createObjectNode();
            page.putArray("entities").addAll(slice);
            page.put("total", 6).put("pageNumber", n).put("pageCount", 3);
            if (n < 3) {
                page.put("nextUri", USERS + "?pageSize=3&pageNumber=" + (n + 1));
            }
            return json(page);
        };
        Listing listing = read(USERS + "?pageSize=3&pageNumber=1");
        assertThat(ids(listing)).isEqualTo(ids(users));
        assertThat(server.count(USERS)).as("no re-read needed").isEqualTo(3);
    }

    @Test
    void aListingThatChangedWhileReadIsReadOnceMore() {
        List<ObjectNode> users = entities(9);
        int[] pass = {0};
        server.answer = r -> {
            if ("1".equals(r.param("pageNumber"))) {
                pass[0]++;
            }
            // First pass: total 9 but only 8 served; the re-read sees the listing whole.
            List<ObjectNode> served = pass[0] == 1 ? users.subList(0, 8) : users;
            return numbered(served, r, 3, 9, true, null);
        };
        Listing listing = read(USERS + "?pageSize=3&pageNumber=1");
        assertThat(ids(listing)).isEqualTo(ids(users));
        assertThat(pass[0]).isEqualTo(2);
    }

    // --- bounds and failures ---------------------------------------------------------------------------

    @Test
    void aTotalAboveTheEntityBoundIsRefusedOnTheFirstPage() {
        List<ObjectNode> users = entities(30);
        server.answer = r -> numbered(users, r, 5, users.size(), true, null);
        assertThatThrownBy(() -> pager.readAll(new ListingRequest(
                                "users",
                                USERS + "?pageSize=5&pageNumber=1",
                                "/id",
                                new PageLimits(50, 1_000_000, 20, Duration.ofSeconds(5))))
                        .await()
                        .atMost(Duration.ofSeconds(20)))
                .isInstanceOfSatisfying(
                        ListingException.class, e -> assertThat(e.kind()).isEqualTo(ListingException.Kind.TOO_LARGE))
                .hasMessageContaining("30 entities");
        assertThat(server.requests).hasSize(1);
    }

    @Test
    void pagesAndBytesAreBounded() {
        List<ObjectNode> users = entities(30);
        server.answer = r -> numbered(users, r, 5, users.size(), true, null);
        assertThatThrownBy(() -> pager.readAll(new ListingRequest(
                                "users",
                                USERS + "?pageSize=5&pageNumber=1",
                                "/id",
                                new PageLimits(3, 1_000_000, 1000, Duration.ofSeconds(5))))
                        .await()
                        .atMost(Duration.ofSeconds(20)))
                .isInstanceOfSatisfying(
                        ListingException.class, e -> assertThat(e.kind()).isEqualTo(ListingException.Kind.TOO_LARGE))
                .hasMessageContaining("more than 3 pages");
        assertThat(server.requests).hasSize(3);

        server.requests.clear();
        assertThatThrownBy(() -> pager.readAll(new ListingRequest(
                                "users",
                                USERS + "?pageSize=5&pageNumber=1",
                                "/id",
                                new PageLimits(50, 600, 1000, Duration.ofSeconds(5))))
                        .await()
                        .atMost(Duration.ofSeconds(20)))
                .isInstanceOfSatisfying(
                        ListingException.class, e -> assertThat(e.kind()).isEqualTo(ListingException.Kind.TOO_LARGE))
                .hasMessageContaining("larger than 600 bytes");
        assertThat(server.requests.size()).isBetween(2, 4);
    }

    @Test
    void aPageLargerThanTheBytesLeftIsRefusedBeforeItIsBuffered() {
        String big = "x".repeat(200_000);
        server.answer = r -> {
            ObjectNode page = Json.mapper().createObjectNode();
            page.putArray("entities")
                    .add(Json.mapper().createObjectNode().put("id", "u0").put("blob", big));
            return json(page);
        };
        assertThatThrownBy(() -> pager.readAll(new ListingRequest(
                                "users", USERS, "/id", new PageLimits(50, 100_000, 1000, Duration.ofSeconds(5))))
                        .await()
                        .atMost(Duration.ofSeconds(20)))
                .isInstanceOfSatisfying(
                        ListingException.class, e -> assertThat(e.kind()).isEqualTo(ListingException.Kind.TOO_LARGE))
                .hasMessageContaining("larger than 100000 bytes")
                .as("refused by the client's bound while reading, not after the page was kept whole")
                .hasCauseInstanceOf(io.cxbridge.genesys.body.ResponseTooLargeException.class);
        assertThat(server.requests)
                .as("not re-sent: the same page would be as large")
                .hasSize(1);
    }

    @Test
    void aNegativeOrFractionalTotalIsNotAListing() {
        for (String total : List.of("-1", "2.5", "\"2\"")) {
            server.answer = r -> new ListingServer.Answer(
                    200, "{\"entities\":[{\"id\":\"u0\"},{\"id\":\"u1\"}],\"total\":" + total + "}");
            assertThatThrownBy(() -> read(USERS))
                    .as("total %s", total)
                    .isInstanceOfSatisfying(
                            ListingException.class,
                            e -> assertThat(e.kind()).isEqualTo(ListingException.Kind.NOT_A_LISTING))
                    .hasMessageContaining("total");
        }
    }

    @Test
    void aNextUriOnAnotherPathIsRefusedWithoutCallingIt() {
        server.answer = r -> {
            if (r.path().equals(USERS)) {
                ObjectNode page = Json.mapper().createObjectNode();
                page.putArray("entities").addAll(entities(2));
                page.put("nextUri", "/api/v2/routing/queues?pageNumber=2");
                return json(page);
            }
            return numbered(entities(2), r, 5, 2, false, null);
        };
        assertThatThrownBy(() -> read(USERS + "?pageNumber=1"))
                .isInstanceOfSatisfying(
                        ListingException.class, e -> assertThat(e.kind()).isEqualTo(ListingException.Kind.BAD_LINK))
                .hasMessageContaining("path other than");
        assertThat(server.count("/api/v2/routing/queues")).isZero();
    }

    @Test
    void aLinkBackToAPageAlreadyReadIsRefused() {
        server.answer = r -> {
            ObjectNode page = Json.mapper().createObjectNode();
            page.putArray("entities").addAll(entities(2));
            page.put("nextUri", USERS + "?pageNumber=1");
            return json(page);
        };
        assertThatThrownBy(() -> read(USERS + "?pageNumber=1"))
                .isInstanceOfSatisfying(
                        ListingException.class, e -> assertThat(e.kind()).isEqualTo(ListingException.Kind.BAD_LINK));
    }

    @Test
    void aFailedPageNamesItsStatusAndCorrelationId() {
        List<ObjectNode> users = entities(10);
        server.answer = r -> "2".equals(r.param("pageNumber"))
                ? new ListingServer.Answer(400, "{\"message\":\"bad\"}")
                : numbered(users, r, 5, 10, true, null);
        assertThatThrownBy(() -> read(USERS + "?pageSize=5&pageNumber=1"))
                .isInstanceOfSatisfying(ListingException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ListingException.Kind.UPSTREAM_STATUS);
                    assertThat(e.status()).isEqualTo(400);
                })
                .hasMessageContaining("page 2")
                .hasMessageContaining("ININ-Correlation-Id corr-");
    }

    @Test
    void aPageThatIsNotAListingIsRefused() {
        server.answer = r -> new ListingServer.Answer(200, "{\"items\":[]}");
        assertThatThrownBy(() -> read(USERS))
                .isInstanceOfSatisfying(
                        ListingException.class,
                        e -> assertThat(e.kind()).isEqualTo(ListingException.Kind.NOT_A_LISTING));
    }

    @Test
    void everyPageIsOneCallThroughTheClientAndLogsItsCorrelationId() {
        List<ObjectNode> users = entities(12);
        server.answer = r -> numbered(users, r, 5, users.size(), true, null);
        Logger logger = Logger.getLogger(Pager.class.getName());
        List<String> lines = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                Object[] p = record.getParameters();
                lines.add(p == null ? record.getMessage() : String.format(record.getMessage(), p));
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Level before = logger.getLevel();
        logger.setLevel(Level.FINE);
        logger.addHandler(capture);
        try {
            Listing listing = read(USERS + "?pageSize=5&pageNumber=1");
            assertThat(process.counter("cxbridge.genesys.responses", "status", "200"))
                    .isEqualTo(3.0);
            for (String id : listing.correlationIds()) {
                assertThat(lines).anyMatch(l -> l.contains("ININ-Correlation-Id " + id) && l.contains("GET " + USERS));
            }
        } finally {
            logger.removeHandler(capture);
            logger.setLevel(before);
        }
    }

    @Test
    void withParameterReplacesOrAdds() {
        assertThat(Pager.withParameter("/a?x=1&pageNumber=2", "pageNumber", "3"))
                .isEqualTo("/a?x=1&pageNumber=3");
        assertThat(Pager.withParameter("/a", "cursor", "a b")).isEqualTo("/a?cursor=a%20b");
    }

    // --- helpers ---------------------------------------------------------------------------------------

    private Listing read(String firstPage) {
        return pager.readAll(new ListingRequest("users", firstPage, "/id", LIMITS))
                .await()
                .atMost(Duration.ofSeconds(20));
    }

    /** A pageNumber/pageSize listing with {@code total} as given, and nextUri (relative, or on {@code host}) or not. */
    private static ListingServer.Answer numbered(
            List<ObjectNode> all, ListingServer.Request r, int size, int total, boolean links, String host) {
        int n = r.param("pageNumber") == null ? 1 : Integer.parseInt(r.param("pageNumber"));
        int from = Math.min((n - 1) * size, all.size());
        int to = Math.min(n * size, all.size());
        ObjectNode page = Json.mapper().createObjectNode();
        ArrayNode entities = page.putArray("entities");
        entities.addAll(all.subList(from, to));
        int pageCount = (total + size - 1) / size;
        page.put("pageSize", size).put("pageNumber", n).put("total", total).put("pageCount", pageCount);
        if (links && to < all.size()) {
            String next = r.path() + "?pageSize=" + size + "&pageNumber=" + (n + 1);
            page.put("nextUri", host == null ? next : host + next);
        }
        return json(page);
    }

    private static ListingServer.Answer json(JsonNode page) {
        return new ListingServer.Answer(200, page.toString());
    }

    private static List<ObjectNode> entities(int n) {
        List<ObjectNode> list = new ArrayList<>();
        IntStream.range(0, n)
                .forEach(i -> list.add(
                        Json.mapper().createObjectNode().put("id", "u" + i).put("name", "User " + i)));
        return list;
    }

    private static List<String> ids(Listing listing) {
        return listing.entities().stream().map(e -> e.get("id").asText()).toList();
    }

    private static List<String> ids(List<ObjectNode> entities) {
        return entities.stream().map(e -> e.get("id").asText()).toList();
    }
}
