package io.cxbridge.directory.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.directory.config.DirectoryConfig;
import io.cxbridge.model.Json;
import io.cxbridge.model.Topics;
import io.cxbridge.model.audit.AuditTypes;
import io.cxbridge.model.event.DirectoryInvalidation;
import io.cxbridge.model.event.Ids;
import io.cxbridge.model.problem.Problem;
import io.cxbridge.testkit.KafkaBroker;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.Management;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.RedisServer;
import io.cxbridge.testkit.TopicReader;
import io.cxbridge.testkit.sim.GenesysSim;
import io.cxbridge.testkit.sim.GenesysSimResource;
import io.cxbridge.testkit.sim.SimControl;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.redis.client.RedisAPI;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The service over HTTP, against genesys-sim, the real broker and Redis. */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
class DirectoryApiTest {

    SimControl sim;

    @Inject
    RedisAPI redis;

    @Inject
    DirectoryConfig config;

    @BeforeEach
    void setUp() {
        sim = GenesysSim.shared().control();
        sim.reset();
        sim.config(Map.of("rateLimitPerMinute", 0, "directorySize", 30));
    }

    @AfterEach
    void clearFaults() {
        sim.clearFaults();
    }

    private static String newId() {
        return "api_" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String xCache(String id) {
        return given().get("/v1/directories/{id}/entries", id)
                .then()
                .statusCode(200)
                .extract()
                .header("X-Cache");
    }

    /** Audit events of a type about one directory, read back from the audit topic. */
    private static List<ConsumerRecord<String, byte[]>> audit(String directoryId, String type) {
        return TopicReader.await(
                KafkaBroker.shared().bootstrapServers(),
                Topics.AUDIT,
                1,
                TopicReader.header("ce_type", type).and(r -> directoryId.equals(r.key())),
                Duration.ofSeconds(20));
    }

    private static JsonPath metrics() {
        return given().get("/v1/directories/metrics")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    @Test
    void readsAreMissThenHitL1WithTheSpecShapeAndTheMetricsCountThem() {
        String id = newId();
        JsonPath before = metrics();
        given().get("/v1/directories/{id}/entries", id)
                .then()
                .statusCode(200)
                .header("X-Cache", "MISS")
                .body("directoryId", equalTo(id))
                .body("entries", hasSize(30))
                .body("entries[0].name", equalTo("Contact 1 v1"))
                .body("entries[0].email", notNullValue())
                .body("entries[0].phone", notNullValue())
                .body("entries[0].address", notNullValue())
                .body("entries[0].customAttributes.department", notNullValue())
                .body("lastModified", notNullValue())
                .body("ttlSeconds", equalTo(300));
        JsonNode body = Json.mapper()
                .valueToTree(given().get("/v1/directories/{id}/entries", id)
                        .then()
                        .statusCode(200)
                        .header("X-Cache", "HIT-L1")
                        .extract()
                        .as(Map.class));
        assertThat(body.fieldNames())
                .toIterable()
                .containsExactlyInAnyOrder("directoryId", "entries", "lastModified", "ttlSeconds");
        assertThat(body.get("entries").get(0).fieldNames())
                .toIterable()
                .containsExactlyInAnyOrder("id", "name", "address", "email", "phone", "customAttributes");
        assertThat(xCache(id)).isEqualTo("HIT-L1");

        JsonPath after = metrics();
        assertThat(after.getLong("misses") - before.getLong("misses")).isEqualTo(1);
        assertThat(after.getLong("hitsL1") - before.getLong("hitsL1")).isEqualTo(2);
        long requests = after.getLong("requests");
        assertThat(requests)
                .isEqualTo(after.getLong("hitsL1")
                        + after.getLong("hitsL2")
                        + after.getLong("misses")
                        + after.getLong("stale"));
        assertThat(after.getDouble("hitRatio"))
                .isCloseTo(
                        (after.getLong("hitsL1") + after.getLong("hitsL2") + after.getLong("stale"))
                                / (double) requests,
                        org.assertj.core.data.Offset.offset(0.0001));
        // loads also count the scheduled check's reloads of other tests' directories (the sim was reset)
        assertThat(after.getLong("loads") - before.getLong("loads")).isGreaterThanOrEqualTo(1);
        assertThat(after.getInt("size")).isGreaterThanOrEqualTo(1);
        assertThat(after.getInt("maxDirectories")).isEqualTo(100);

        Management.given()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("cxbridge_directory_cache_requests_total{result=\"hit_l1\"}"))
                .body(containsString("cxbridge_directory_load_seconds_count"));
    }

    @Test
    void theWholeDirectoryIsByteForByteWhatJacksonWritesForItAndAnInvalidationReplacesTheKeptAnswer() {
        String id = newId();
        var miss = given().get("/v1/directories/{id}/entries", id)
                .then()
                .statusCode(200)
                .header("X-Cache", "MISS")
                .extract();
        var hit = given().get("/v1/directories/{id}/entries", id)
                .then()
                .statusCode(200)
                .header("X-Cache", "HIT-L1")
                .extract();
        // One page holding every entry is written by Quarkus's Jackson per request, as the whole answer always was.
        var paged = given().queryParam("pageSize", 10_000)
                .get("/v1/directories/{id}/entries", id)
                .then()
                .statusCode(200)
                .header("X-Cache", "HIT-L1")
                .extract();
        assertThat(hit.asByteArray()).isEqualTo(miss.asByteArray()).isEqualTo(paged.asByteArray());
        assertThat(hit.contentType()).isEqualTo(paged.contentType()).startsWith("application/json");
        assertThat(hit.header("Last-Modified"))
                .isEqualTo(paged.header("Last-Modified"))
                .isNotBlank();
        assertThat(hit.asString()).contains("Contact 1 v1");

        sim.touchDirectory(id);
        given().delete("/v1/directories/{id}/cache", id).then().statusCode(202);
        var reloaded = given().get("/v1/directories/{id}/entries", id)
                .then()
                .statusCode(200)
                .header("X-Cache", "MISS")
                .extract();
        assertThat(reloaded.asString()).contains("Contact 1 v2").doesNotContain("Contact 1 v1");
        given().get("/v1/directories/{id}/entries", id)
                .then()
                .statusCode(200)
                .header("X-Cache", "HIT-L1")
                .body("entries[0].name", equalTo("Contact 1 v2"));
    }

    @Test
    void theTtlClassIsTheDirectoryIdAndPagingSlicesTheResponse() {
        given().get("/v1/directories/emergency_contacts/entries?pageSize=10&pageNumber=2")
                .then()
                .statusCode(200)
                .header("X-Total-Count", "30")
                .header("X-Page-Count", "3")
                .body("ttlSeconds", equalTo(60))
                .body("entries", hasSize(10))
                .body("entries[0].name", equalTo("Contact 11 v1"))
                .body("entries[9].name", equalTo("Contact 20 v1"));
        given().get("/v1/directories/emergency_contacts/entries?pageSize=10&pageNumber=4")
                .then()
                .statusCode(200)
                .body("entries", hasSize(0));
    }

    /**
     * An id without a source that {@code seed.allowed-ids} does not allow (the test profile allows {@code api_*} and
     * {@code emergency_contacts}) is 404 without a Genesys call, every time, and so is its DELETE.
     */
    @Test
    void anIdOutsideTheSeedAllowListIs404WithoutAGenesysCallAndSoIsItsDelete() {
        String id = "made_up_" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 2; i++) {
            given().get("/v1/directories/{id}/entries", id)
                    .then()
                    .statusCode(404)
                    .contentType(Problem.MEDIA_TYPE)
                    .body("type", equalTo(Problem.NOT_FOUND))
                    .body("detail", containsString("directory " + id))
                    .body("detail", containsString("cxbridge.directory.seed.allowed-ids"))
                    .body("traceId", notNullValue());
        }
        given().delete("/v1/directories/{id}/cache", id)
                .then()
                .statusCode(404)
                .contentType(Problem.MEDIA_TYPE)
                .body("type", equalTo(Problem.NOT_FOUND))
                .body("detail", containsString("cxbridge.directory.seed.allowed-ids"));
        assertThat(sim.stats().requests("GET", "/api/v2/routing/directories/" + id + "/entries"))
                .isZero();
        assertThat(xCache(newId())).as("an allowed id reads the seed endpoint").isEqualTo("MISS");
    }

    @Test
    void badInputIsAProblemNamingTheField() {
        given().get("/v1/directories/{id}/entries?pageSize=0&pageNumber=x", "ok_id")
                .then()
                .statusCode(400)
                .contentType(Problem.MEDIA_TYPE)
                .body("type", equalTo(Problem.VALIDATION))
                .body("violations.field", org.hamcrest.Matchers.containsInAnyOrder("pageSize", "pageNumber"))
                .body("traceId", notNullValue());
        given().get("/v1/directories/{id}/entries", "bad.id")
                .then()
                .statusCode(400)
                .contentType(Problem.MEDIA_TYPE)
                .body("violations[0].field", equalTo("directoryId"));
        given().delete("/v1/directories/{id}/cache", "bad.id")
                .then()
                .statusCode(400)
                .contentType(Problem.MEDIA_TYPE);
    }

    @Test
    void genesysFailingOnAFirstReadIs503AndATooLargeDirectoryIs502() {
        String id = newId();
        sim.fault(Map.of("path", "/api/v2/routing/directories/" + id + "/entries", "status", 500));
        given().get("/v1/directories/{id}/entries", id)
                .then()
                .statusCode(503)
                .contentType(Problem.MEDIA_TYPE)
                .header("Retry-After", notNullValue())
                .body("type", equalTo(Problem.UNAVAILABLE))
                .body("status", equalTo(503))
                .body("detail", containsString(id))
                .body("traceId", notNullValue());
        sim.clearFaults();
        assertThat(xCache(id)).isEqualTo("MISS");

        sim.config(Map.of("directorySize", 10_001));
        String big = newId();
        given().get("/v1/directories/{id}/entries", big)
                .then()
                .statusCode(502)
                .contentType(Problem.MEDIA_TYPE)
                .body("detail", containsString("10001 entries"))
                .body("detail", containsString("10000"));
        assertThat(sim.stats().requests("GET", "/api/v2/routing/directories/" + big + "/entries", 200))
                .as("refused on the first page")
                .isEqualTo(1);
    }

    @Test
    void aDirectoryTheSourceDoesNotHaveIs404NotARetry() {
        String id = newId();
        sim.fault(Map.of("path", "/api/v2/routing/directories/" + id + "/entries", "status", 404));
        given().get("/v1/directories/{id}/entries", id)
                .then()
                .statusCode(404)
                .contentType(Problem.MEDIA_TYPE)
                .header("Retry-After", org.hamcrest.Matchers.nullValue())
                .body("type", equalTo(Problem.NOT_FOUND))
                .body("status", equalTo(404))
                .body("detail", containsString(id))
                .body("traceId", notNullValue());
    }

    /** A client repeating a wrong id gets the same 404 without another Genesys call, until DELETE .../cache. */
    @Test
    void aRepeated404IsAnsweredFromMemoryUntilTheCacheIsInvalidated() {
        String id = newId();
        String upstream = "/api/v2/routing/directories/" + id + "/entries";
        sim.fault(Map.of("path", upstream, "status", 404));
        for (int i = 0; i < 3; i++) {
            given().get("/v1/directories/{id}/entries", id)
                    .then()
                    .statusCode(404)
                    .contentType(Problem.MEDIA_TYPE)
                    .body("detail", containsString(id));
        }
        assertThat(sim.stats().requests("GET", upstream, 404)).isEqualTo(1);

        sim.clearFaults();
        given().delete("/v1/directories/{id}/cache", id).then().statusCode(202);
        assertThat(xCache(id)).as("the source has it now").isEqualTo("MISS");
        assertThat(sim.stats().requests("GET", upstream, 404)).isEqualTo(1);
    }

    @Test
    void deleteEmptiesTheCacheAtOnceAndTheEchoDoesNotDropTheFreshEntry() {
        String id = newId();
        assertThat(xCache(id)).isEqualTo("MISS");
        assertThat(xCache(id)).isEqualTo("HIT-L1");
        long applied = metrics().getLong("invalidationsApplied");

        given().delete("/v1/directories/{id}/cache", id)
                .then()
                .statusCode(202)
                .body("directoryId", equalTo(id))
                .body("issuedAt", notNullValue())
                .body("origin", notNullValue());
        assertThat(xCache(id)).isEqualTo("MISS");
        // the record comes back from the topic to this replica too
        await().atMost(Duration.ofSeconds(30)).until(() -> metrics().getLong("invalidationsApplied") >= applied + 2);
        assertThat(xCache(id)).isEqualTo("HIT-L1");

        List<ConsumerRecord<String, byte[]>> records = TopicReader.await(
                KafkaBroker.shared().bootstrapServers(),
                Topics.DIRECTORY_INVALIDATIONS,
                1,
                r -> id.equals(r.key()),
                Duration.ofSeconds(20));
        JsonPath inv = JsonPath.from(new String(records.get(0).value()));
        assertThat(audit(id, AuditTypes.DIRECTORY_INVALIDATED)).isNotEmpty();
        assertThat(inv.getString("directoryId")).isEqualTo(id);
        assertThat(inv.getString("issuedAt")).isNotBlank();
    }

    @Test
    void aDeleteWhileRedisIsAwayIs503WithRetryAfterAndTheOldRedisCopyIsNotServedOnceRedisIsBack() {
        String id = newId();
        assertThat(xCache(id)).isEqualTo("MISS");
        RedisServer redisServer = RedisServer.shared();
        redisServer.stop();
        try {
            given().delete("/v1/directories/{id}/cache", id)
                    .then()
                    .statusCode(503)
                    .contentType(Problem.MEDIA_TYPE)
                    .header("Retry-After", notNullValue())
                    .body("type", equalTo(Problem.UNAVAILABLE))
                    .body("detail", containsString("Redis"))
                    .body("detail", containsString(id));
        } finally {
            redisServer.start();
        }
        // Redis is back with the copy loaded before the DELETE: this replica does not serve it
        assertThat(xCache(id)).isEqualTo("MISS");
        given().delete("/v1/directories/{id}/cache", id).then().statusCode(202);
    }

    @Test
    void aReasonIsRedactedBeforeItGoesToEveryReplicaAndTheAuditStream() {
        String id = newId();
        given().queryParam("reason", "customer jane.doe@example.com asked, call +1 415 555 0100")
                .delete("/v1/directories/{id}/cache", id)
                .then()
                .statusCode(202)
                .body("reason", containsString("asked, call"))
                .body("reason", not(containsString("jane.doe")))
                .body("reason", not(containsString("555 0100")));

        ConsumerRecord<String, byte[]> published = TopicReader.await(
                        KafkaBroker.shared().bootstrapServers(),
                        Topics.DIRECTORY_INVALIDATIONS,
                        1,
                        r -> id.equals(r.key()),
                        Duration.ofSeconds(20))
                .get(0);
        String audited =
                new String(audit(id, AuditTypes.DIRECTORY_INVALIDATED).get(0).value());
        for (String text : List.of(new String(published.value()), audited)) {
            assertThat(text).contains("asked, call").doesNotContain("jane.doe").doesNotContain("555 0100");
        }
    }

    @Test
    void aRecordOnTheInvalidationTopicEmptiesTheCache() throws Exception {
        String id = newId();
        assertThat(xCache(id)).isEqualTo("MISS");
        assertThat(xCache(id)).isEqualTo("HIT-L1");
        long applied = metrics().getLong("invalidationsApplied");
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.shared().bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            // repeated until the replica's consumer (latest offset) has its partition
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        String json = Json.mapper()
                                .writeValueAsString(
                                        new DirectoryInvalidation(id, "test", Instant.now(), "test", Ids.newTraceId()));
                        producer.send(new ProducerRecord<>(Topics.DIRECTORY_INVALIDATIONS, id, json))
                                .get(10, TimeUnit.SECONDS);
                        return metrics().getLong("invalidationsApplied") > applied;
                    });
        }
        assertThat(xCache(id)).isEqualTo("MISS");
        assertThat(xCache(id)).isEqualTo("HIT-L1");
    }

    /**
     * A record issued by a replica whose clock runs 10 minutes ahead is applied as issued now (its Redis mark says so):
     * the load after it is kept and served from the cache. Before, every load for those 10 minutes was refused by L1
     * and by the mark in Redis: every read was a MISS, a Genesys read each.
     */
    @Test
    void aRecordIssuedTenMinutesAheadIsAppliedAsIssuedNowAndTheNextLoadIsCached() throws Exception {
        String id = newId();
        assertThat(xCache(id)).isEqualTo("MISS");
        assertThat(xCache(id)).isEqualTo("HIT-L1");
        String mark = config.redis().keyPrefix() + ":invalidated:{" + id + "}";
        publishInvalidation(id, Duration.ofMinutes(10));
        var marked = await().atMost(Duration.ofSeconds(30))
                .until(() -> redis.get(mark).await().atMost(Duration.ofSeconds(5)), Objects::nonNull);
        assertThat(Instant.ofEpochMilli(marked.toLong()))
                .as("marked as issued now, not 10 minutes ahead")
                .isBefore(Instant.now().plusSeconds(5));
        // the first read after it loads (a MISS, unless the scheduled check, every second in tests, loaded it
        // first): kept either way (Genesys calls are not counted here: that check re-reads it)
        await().atMost(Duration.ofSeconds(10)).until(() -> "HIT-L1".equals(xCache(id)));
        assertThat(xCache(id)).isEqualTo("HIT-L1");
    }

    /**
     * Publishes one invalidation of {@code id} issued {@code ahead} of now. The replica's consumer starts at the latest
     * offset: records of a throwaway id are sent first until one is applied (a repeat arriving late drops nothing of
     * {@code id}), so the consumer has its partition when the one record of {@code id} is sent.
     */
    private static void publishInvalidation(String id, Duration ahead) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.shared().bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            String warmUp = newId();
            long before = metrics().getLong("invalidationsApplied");
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        send(producer, warmUp, Duration.ZERO);
                        return metrics().getLong("invalidationsApplied") > before;
                    });
            send(producer, id, ahead);
        }
    }

    private static void send(KafkaProducer<String, String> producer, String id, Duration ahead) throws Exception {
        String json = Json.mapper()
                .writeValueAsString(
                        new DirectoryInvalidation(id, "test", Instant.now().plus(ahead), "test", Ids.newTraceId()));
        producer.send(new ProducerRecord<>(Topics.DIRECTORY_INVALIDATIONS, id, json))
                .get(10, TimeUnit.SECONDS);
    }

    @Test
    void aChangeAtGenesysIsNoticedByTheConsistencyCheckAndPublishedOnceAnUnchangedReloadPublishesNothing() {
        String id = newId();
        assertThat(xCache(id)).isEqualTo("MISS");
        String bootstrap = KafkaBroker.shared().bootstrapServers();
        List<ConsumerRecord<String, byte[]>> populated = TopicReader.await(
                bootstrap, Topics.DIRECTORY_UPDATES, 1, r -> id.equals(r.key()), Duration.ofSeconds(20));
        JsonPath first = JsonPath.from(new String(populated.get(0).value()));
        assertThat(first.getInt("entryCount")).isEqualTo(30);

        // a reload with the same content (after an invalidation) publishes nothing
        given().delete("/v1/directories/{id}/cache", id).then().statusCode(202);
        assertThat(xCache(id)).isEqualTo("MISS");

        sim.touchDirectory(id);
        // The check runs every second but spends a budget of 30 calls a minute shared by every directory this JVM's
        // tests cached: when earlier checks used it up, this one waits for the next window (up to 60 s).
        List<ConsumerRecord<String, byte[]>> updates = TopicReader.await(
                bootstrap, Topics.DIRECTORY_UPDATES, 2, r -> id.equals(r.key()), Duration.ofSeconds(75));
        JsonPath second = JsonPath.from(new String(updates.get(1).value()));
        assertThat(second.getString("contentHash")).isNotEqualTo(first.getString("contentHash"));
        assertThat(second.getString("lastModified")).isNotEqualTo(first.getString("lastModified"));
        given().get("/v1/directories/{id}/entries", id)
                .then()
                .statusCode(200)
                .header("X-Cache", "HIT-L1")
                .body("entries[0].name", equalTo("Contact 1 v2"));

        assertThat(audit(id, AuditTypes.DIRECTORY_POPULATED)).isNotEmpty();
        assertThat(audit(id, AuditTypes.DIRECTORY_CONSISTENCY_MISMATCH)).isNotEmpty();
        assertThat(audit(id, AuditTypes.DIRECTORY_REFRESHED)).isNotEmpty();

        // three more check intervals: nothing new
        await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> true);
        assertThat(TopicReader.readAll(bootstrap, Topics.DIRECTORY_UPDATES, Duration.ofSeconds(5)).stream()
                        .filter(r -> id.equals(r.key())))
                .hasSize(2);
    }
}
