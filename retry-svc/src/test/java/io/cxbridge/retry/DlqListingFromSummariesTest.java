package io.cxbridge.retry;

import static io.cxbridge.retry.RetryFlowTest.newAction;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.cxbridge.model.Json;
import io.cxbridge.model.event.FailedRun;
import io.cxbridge.retry.config.RetryConfig;
import io.cxbridge.retry.dlq.DlqEntry;
import io.cxbridge.retry.dlq.RunDeadLetterWriter;
import io.cxbridge.retry.rebuild.RetryRebuild;
import io.cxbridge.retry.support.WebhookReceiver;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.sim.GenesysSimResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.smallrye.mutiny.Multi;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.mutiny.redis.client.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A DLQ listing reads the index's summaries, never the whole entries: an entry holds the run and the original value
 * (each up to about 480 KiB), which a listing never shows, so a page of 100 once read and parsed ~100 MB. What Redis
 * sends for a listing is counted ({@code total_net_output_bytes}). The reason filter reads the summaries a batch at a
 * time, across ties at a batch's edge; dead letters indexed before summaries were are listed from their entries.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
@QuarkusTestResource(WebhookReceiver.class)
class DlqListingFromSummariesTest {

    private static final String DLQ = "/v1/data-actions/dlq";

    /** Run payload and original value of a large dead letter: a page of 25 holds 10 MB of them. */
    private static final int LARGE = 200 * 1024;

    /** What Redis may send for one listing of summaries (a page of 25 summaries is about 15 KiB). */
    private static final long LISTING_BYTES = 128 * 1024;

    private static final String EXHAUSTED = "8 attempts failed, the last: HTTP 503";

    /** When these dead letters were dead-lettered, less the i-th's offset (newest first is then seeded order). */
    private final Instant now = Instant.now();

    @Inject
    RunDeadLetterWriter writer;

    @Inject
    RedisAPI redis;

    @Inject
    RetryConfig config;

    @Inject
    RetryRebuild rebuild;

    @Test
    void aPageOfLargeDeadLettersIsListedWithoutReadingTheirEntries() {
        List<DlqEntry> seeded =
                seed(25, (action, i) -> entry(action, now.minusMillis(i), "exhausted", EXHAUSTED, LARGE));
        String action = seeded.get(0).actionId();

        long before = bytesSent();
        JsonPath page = given().get(DLQ + "?actionId=" + action)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        long sent = bytesSent() - before;
        assertEquals(25, page.getInt("total"));
        assertEquals(seeded.stream().map(DlqEntry::id).toList(), page.getList("entities.requestId"), "newest first");
        DlqEntry first = seeded.get(0);
        Map<String, Object> shown = new HashMap<>(page.getMap("entities[0]"));
        assertNull(shown.remove("replayedAt"), "not replayed");
        assertEquals(
                Map.ofEntries(
                        Map.entry("requestId", first.id()),
                        Map.entry("actionId", action),
                        Map.entry("originalRunId", first.originalRunId()),
                        Map.entry("state", "dead-lettered"),
                        Map.entry("errorClass", "exhausted"),
                        Map.entry("reason", EXHAUSTED),
                        Map.entry("attempts", 8),
                        Map.entry("firstSeen", first.firstSeen().toString()),
                        Map.entry("deadLetteredAt", first.deadLetteredAt().toString()),
                        Map.entry("replayable", true)),
                shown,
                "the dead letter as the API shows it");
        assertTrue(sent < LISTING_BYTES, "a page of 25 made Redis send " + sent + " bytes");

        before = bytesSent();
        given().get(DLQ + "?actionId=" + action + "&reason=503&pageSize=10")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        sent = bytesSent() - before;
        assertTrue(sent < LISTING_BYTES, "a reason-filtered page made Redis send " + sent + " bytes");

        before = bytesSent();
        given().get(DLQ + "?requestId=" + first.id()).then().statusCode(200);
        sent = bytesSent() - before;
        assertTrue(sent < LISTING_BYTES, "one dead letter listed by its requestId made Redis send " + sent + " bytes");
    }

    @Test
    void aReasonFilteredListingCountsEveryMatchAndPagesAcrossBatches() {
        List<DlqEntry> seeded = seed(450, (action, i) -> {
            // 26 dead letters in one millisecond across the index's first batch edge (200 ids): Redis orders them by
            // id, and the next batch must start right after those already read
            Instant at = now.minusMillis(i >= 190 && i < 216 ? 190 : i);
            return i % 3 == 0
                    ? entry(action, at, "rejected", "HTTP 418 from the action: I'm a teapot", 0)
                    : entry(action, at, "exhausted", EXHAUSTED, 0);
        });
        String action = seeded.get(0).actionId();
        List<String> all = seeded.stream()
                .sorted(Comparator.comparing(DlqEntry::deadLetteredAt)
                        .thenComparing(DlqEntry::id)
                        .reversed())
                .map(DlqEntry::id)
                .toList();
        List<String> teapots = seeded.stream()
                .filter(e -> e.errorClass().equals("rejected"))
                .sorted(Comparator.comparing(DlqEntry::deadLetteredAt)
                        .thenComparing(DlqEntry::id)
                        .reversed())
                .map(DlqEntry::id)
                .toList();

        for (String reason : List.of("teapot", "REJECTED")) {
            List<String> listed = new ArrayList<>();
            for (int pageNumber = 1; pageNumber <= 7; pageNumber++) {
                JsonPath page = given().get(
                                DLQ + "?actionId=" + action + "&reason=" + reason + "&pageNumber=" + pageNumber)
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath();
                assertEquals(150, page.getInt("total"), reason);
                assertEquals(6, page.getInt("pageCount"), reason);
                List<String> ids = page.getList("entities.requestId");
                assertEquals(
                        teapots.subList(Math.min(150, (pageNumber - 1) * 25), Math.min(150, pageNumber * 25)),
                        ids,
                        reason + ", page " + pageNumber);
                listed.addAll(ids);
            }
            assertEquals(150, new HashSet<>(listed).size(), "each match once");
        }
        for (int pageNumber = 1; pageNumber <= 5; pageNumber++) {
            JsonPath page = given().get(
                            DLQ + "?actionId=" + action + "&reason=HTTP&pageSize=100&pageNumber=" + pageNumber)
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            assertEquals(450, page.getInt("total"));
            assertEquals(
                    all.subList((pageNumber - 1) * 100, Math.min(450, pageNumber * 100)),
                    page.getList("entities.requestId"),
                    "page " + pageNumber + " of 100");
        }
    }

    @Test
    void theSummaryIsWrittenAndRestoredWithTheEntryAndExpiresWithIt() {
        List<DlqEntry> seeded = seed(
                2,
                (action, i) -> i == 0
                        ? entry(action, now, "exhausted", EXHAUSTED, 1024)
                        : entry(action, now.minusMillis(1), "rejected", "HTTP 400 from the action", 1024));
        String action = seeded.get(0).actionId();
        assertSummariesBesideEntries(seeded);
        JsonPath indexed = listing(action);

        // Redis lost these two: the rebuild puts them back from the DLQ topic, summaries with them
        for (DlqEntry e : seeded) {
            assertEquals(2, del(key("e", e.id()), key("s", e.id())));
        }
        rebuild.rebuild().await().atMost(Duration.ofMinutes(2));
        assertSummariesBesideEntries(seeded);
        assertEquals(indexed.getList("entities.requestId"), listing(action).getList("entities.requestId"));
    }

    @Test
    void deadLettersIndexedBeforeSummariesAreListedFromTheirEntries() {
        List<DlqEntry> seeded = seed(
                6,
                (action, i) -> i % 2 == 0
                        ? entry(action, now.minusMillis(i), "rejected", "HTTP 400 from the action", 1024)
                        : entry(action, now.minusMillis(i), "exhausted", EXHAUSTED, 1024));
        String action = seeded.get(0).actionId();
        List<String> queries = List.of(
                "?actionId=" + action,
                "?actionId=" + action + "&pageSize=2&pageNumber=2",
                "?actionId=" + action + "&reason=400",
                "?requestId=" + seeded.get(2).id());
        List<Object> before = queries.stream().map(this::entities).toList();
        // what each query lists, so that two empty listings (a wrong field) cannot pass as "the same"
        assertEquals(
                List.of(6, 2, 3, 1),
                before.stream().map(l -> ((List<?>) l).size()).toList(),
                "entities per query");

        // as a dead letter indexed before this version left it: the entry alone (half of them here)
        for (int i = 0; i < 6; i += 2) {
            assertEquals(1, del(key("s", seeded.get(i).id())), "a summary was written");
        }
        assertEquals(before, queries.stream().map(this::entities).toList(), "listed the same from the entries");
    }

    private Object entities(String query) {
        return given().get(DLQ + query).then().statusCode(200).extract().path("entities");
    }

    private JsonPath listing(String action) {
        return given().get(DLQ + "?actionId=" + action)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    private void assertSummariesBesideEntries(List<DlqEntry> entries) {
        for (DlqEntry e : entries) {
            long entryTtl = pttl(key("e", e.id()));
            long summaryTtl = pttl(key("s", e.id()));
            assertTrue(entryTtl > 0, "the entry expires");
            // both set by one script with the same expiry: apart only by the two reads
            assertTrue(Math.abs(entryTtl - summaryTtl) < 1000, entryTtl + " ms vs " + summaryTtl + " ms");
            String summary = redis.get(key("s", e.id()))
                    .await()
                    .atMost(Duration.ofSeconds(5))
                    .toString();
            assertTrue(summary.contains(e.id()) && summary.contains(e.reason()), summary);
            assertTrue(!summary.contains("requestPayload") && summary.length() < 1024, "no payload: " + summary);
        }
    }

    /** A dead letter whose run payload and original value are each about {@code payloadBytes} long. */
    private static DlqEntry entry(String action, Instant at, String errorClass, String reason, int payloadBytes) {
        String id = UUID.randomUUID().toString();
        FailedRun run = new FailedRun(
                id,
                action,
                "run-" + id,
                Json.mapper().createObjectNode().put("customer", "c-1").put("notes", "n".repeat(payloadBytes)),
                8,
                at.minusSeconds(600),
                503,
                UUID.randomUUID().toString().replace("-", ""));
        try {
            return new DlqEntry(
                    id,
                    id,
                    action,
                    run.originalRunId(),
                    errorClass,
                    reason,
                    8,
                    run.firstFailedAt(),
                    at,
                    run.traceId(),
                    run,
                    Json.mapper().writeValueAsString(run));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code count} dead letters of a new action, the i-th made by {@code entry}, written as the workers write them
     * (the DLQ topic, then the index).
     */
    private List<DlqEntry> seed(int count, BiFunction<String, Integer, DlqEntry> entry) {
        String action = newAction();
        List<DlqEntry> entries =
                IntStream.range(0, count).mapToObj(i -> entry.apply(action, i)).toList();
        Multi.createFrom()
                .iterable(entries)
                .onItem()
                .transformToUni(e -> writer.send(e.actionId(), e))
                .merge(16)
                .collect()
                .last()
                .await()
                .atMost(Duration.ofMinutes(2));
        return entries;
    }

    private String key(String kind, String id) {
        return "{" + config.keyPrefix() + ":dlq}:" + kind + ":" + id;
    }

    private long pttl(String key) {
        return redis.pttl(key).await().atMost(Duration.ofSeconds(5)).toLong();
    }

    private long del(String... keys) {
        return redis.del(List.of(keys)).await().atMost(Duration.ofSeconds(5)).toLong();
    }

    /** Every byte Redis has sent its clients so far. */
    private long bytesSent() {
        Response info = redis.info(List.of("stats")).await().atMost(Duration.ofSeconds(5));
        return info.toString()
                .lines()
                .filter(l -> l.startsWith("total_net_output_bytes:"))
                .mapToLong(l -> Long.parseLong(l.substring(l.indexOf(':') + 1).trim()))
                .findFirst()
                .orElseThrow();
    }
}
