package io.cxbridge.fulfillment;

import static io.cxbridge.fulfillment.FulfillmentTestSupport.job;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.json;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.newFid;
import static io.cxbridge.fulfillment.FulfillmentTestSupport.newToken;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cxbridge.fulfillment.config.FulfillmentConfig;
import io.cxbridge.fulfillment.dlq.DeadLetterIndexRebuild;
import io.cxbridge.fulfillment.dlq.JobDeadLetter;
import io.cxbridge.fulfillment.dlq.JobDeadLetterWriter;
import io.cxbridge.model.event.FulfillmentJob;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.RedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.mutiny.redis.client.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The dead-letter index keeps a summary beside each entry, which listings read (the entry here carries no payload,
 * so it is its own summary): written, restored by the rebuild and expiring with the entry; a dead letter indexed
 * before summaries were is listed from its entry.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(FulfillmentTestResource.class)
class DeadLetterSummaryTest {

    private static final String DLQ = "/v1/fulfillment/dlq";

    @Inject
    JobDeadLetterWriter writer;

    @Inject
    DeadLetterIndexRebuild rebuild;

    @Inject
    RedisAPI redis;

    @Inject
    FulfillmentConfig config;

    @Test
    void theSummaryIsWrittenAndRestoredWithTheEntryAndOlderEntriesAreListedWithoutOne() {
        String marker = "marker-" + UUID.randomUUID();
        Instant now = Instant.now();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            FulfillmentJob job = job(newFid(), newToken(), Duration.ofSeconds(600));
            ids.add(job.jobId());
            writer.send(
                            job.fulfillmentId(),
                            json(job),
                            JobDeadLetter.of(
                                    job, "callback-failed", "HTTP 503 " + marker, 3, now.minusSeconds(60), now))
                    .await()
                    .atMost(Duration.ofSeconds(10));
        }
        for (String id : ids) {
            assertSummaryBesideEntry(id);
        }
        Object listed = entities("?reason=" + marker);
        Object one = entities("?jobId=" + ids.get(1));
        // so that two empty listings (a wrong field) cannot pass as "the same"
        assertEquals(4, ((List<?>) listed).size(), "listed by the reason");
        assertEquals(1, ((List<?>) one).size(), "listed by the jobId");

        // as a dead letter indexed before this version left it: the entry alone
        assertEquals(1, del(key("s", ids.get(1))));
        assertEquals(listed, entities("?reason=" + marker));
        assertEquals(one, entities("?jobId=" + ids.get(1)));

        // Redis lost two of them: the rebuild puts them back from the DLQ topic, summaries with them
        assertEquals(2, del(key("e", ids.get(2)), key("s", ids.get(2))));
        assertEquals(1, del(key("e", ids.get(1))));
        rebuild.rebuild().await().atMost(Duration.ofMinutes(2));
        assertSummaryBesideEntry(ids.get(1));
        assertSummaryBesideEntry(ids.get(2));
        assertEquals(4, (Integer) given().get(DLQ + "?reason=" + marker)
                .then()
                .statusCode(200)
                .extract()
                .path("total"));
    }

    private void assertSummaryBesideEntry(String id) {
        long entryTtl = pttl(key("e", id));
        long summaryTtl = pttl(key("s", id));
        assertTrue(entryTtl > 0, "the entry expires");
        // both set by one script with the same expiry: apart only by the two reads
        assertTrue(Math.abs(entryTtl - summaryTtl) < 1000, entryTtl + " ms vs " + summaryTtl + " ms");
        assertEquals(get(key("e", id)), get(key("s", id)), "the entry is its own summary");
    }

    private Object entities(String query) {
        return given().get(DLQ + query).then().statusCode(200).extract().path("entities");
    }

    private String key(String kind, String id) {
        return "{" + config.keyPrefix() + ":dlq}:" + kind + ":" + id;
    }

    private String get(String key) {
        Response r = redis.get(key).await().atMost(Duration.ofSeconds(5));
        return r == null ? null : r.toString();
    }

    private long pttl(String key) {
        return redis.pttl(key).await().atMost(Duration.ofSeconds(5)).toLong();
    }

    private long del(String... keys) {
        return redis.del(List.of(keys)).await().atMost(Duration.ofSeconds(5)).toLong();
    }
}
