package io.cxbridge.retention;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cxbridge.model.Topics;
import io.cxbridge.model.event.RetentionRequest;
import io.cxbridge.retention.api.RequestPublisher;
import io.cxbridge.retention.media.MediaApply;
import io.cxbridge.retention.media.MediaPlan;
import io.cxbridge.testkit.KafkaBroker;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.TopicReader;
import io.cxbridge.testkit.sim.GenesysSim;
import io.cxbridge.testkit.sim.GenesysSimResource;
import io.cxbridge.testkit.sim.SimControl;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.smallrye.mutiny.Uni;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a request may hold: numbers that are not finite or beyond the bound are violations naming the field (never
 * a 500 or a 502 after part of a list was queued), and a list longer than
 * {@code cxbridge.retention.max-policies-per-request} is refused before anything is queued or written.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
class RetentionRequestBoundsTest {

    static final String SEED_POLICIES = "/api/v2/datamanagement/retention/policies";
    static final String MEDIA_POLICIES = "/api/v2/recording/mediaretentionpolicies";

    private final SimControl sim = GenesysSim.shared().control();

    @BeforeEach
    void resetSim() {
        sim.reset();
        sim.config(Map.of("jobCompletionMs", 150));
    }

    static String policy(String name, String objectType, String dailyVolumeGB) {
        return """
                {"name": "%s", "objectType": "%s", "retentionPeriod": 30, "enabled": true,
                 "schedule": {"frequency": "DAILY"}, "dailyVolumeGB": %s}""".formatted(name, objectType, dailyVolumeGB);
    }

    static String list(int n) {
        return IntStream.range(0, n)
                .mapToObj(i -> policy("p-" + i, "call", "1"))
                .collect(Collectors.joining(",", "[", "]"));
    }

    /** What "nothing queued and nothing written" is measured by: requests counted, records on the topic, sim writes. */
    private record Queued(long requests, int records, long writes) {}

    private Queued queued() {
        long requests = ((Number) given().get("/v1/retention/report")
                        .then()
                        .statusCode(200)
                        .extract()
                        .path("totalRequests"))
                .longValue();
        int records = TopicReader.readAll(
                        KafkaBroker.shared().bootstrapServers(), Topics.RETENTION_REQUESTS, Duration.ofSeconds(3))
                .size();
        long writes = sim.stats().requests().stream()
                .filter(r -> !r.method().equals("GET")
                        && (r.path().startsWith(SEED_POLICIES) || r.path().startsWith(MEDIA_POLICIES)))
                .mapToLong(r -> r.count())
                .sum();
        return new Queued(requests, records, writes);
    }

    private static JsonPath post(String path, String contentType, String body, int status) {
        return given().contentType(contentType)
                .body(body.getBytes(StandardCharsets.UTF_8))
                .post(path)
                .then()
                .statusCode(status)
                .extract()
                .jsonPath();
    }

    private static void refused(String path, String contentType, String body, String field) {
        given().contentType(contentType)
                .body(body.getBytes(StandardCharsets.UTF_8))
                .post(path)
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("traceId", notNullValue())
                .body("violations", hasSize(1))
                .body("violations[0].field", equalTo(field));
    }

    @Test
    void aDailyVolumeThatIsNotFiniteOrBeyondTheBoundIs400NamingTheFieldOnEveryEndpointAndNothingIsQueued() {
        Queued before = queued();
        for (String volume : List.of("1e400", "-1e400", "\"Infinity\"", "\"NaN\"", "1000000.5", "1e300")) {
            String one = policy("calls", "call", volume);
            refused("/v1/retention/policies", "application/json", one, "dailyVolumeGB");
            refused("/v1/retention/plan", "application/json", one, "dailyVolumeGB");
            refused("/v1/retention/plan?target=media-retention", "application/json", one, "dailyVolumeGB");
            refused("/v1/retention/apply?target=media-retention", "application/json", one, "dailyVolumeGB");
            refused(
                    "/v1/retention/apply?target=media-retention",
                    "application/json",
                    "[" + policy("ok", "chat", "2") + "," + one + "]",
                    "[1].dailyVolumeGB");
        }
        String yaml = "- {name: calls, objectType: call, retentionPeriod: 30, enabled: true,"
                + " schedule: {frequency: DAILY}, dailyVolumeGB: %s}\n";
        JsonPath seed = post("/v1/retention/apply", "application/yaml", yaml.formatted("1e400"), 200);
        assertEquals(0, seed.getInt("accepted"));
        assertEquals(List.of("[0].dailyVolumeGB"), seed.getList("results[0].violations.field"));
        refused(
                "/v1/retention/plan?target=media-retention",
                "application/yaml",
                yaml.formatted("1e400"),
                "[0].dailyVolumeGB");
        for (String volume : List.of(".inf", "-.inf", ".nan")) {
            // The YAML parser refuses YAML's own spellings of infinity and NaN as malformed numbers.
            given().contentType("application/yaml")
                    .body(yaml.formatted(volume).getBytes(StandardCharsets.UTF_8))
                    .post("/v1/retention/apply")
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json");
        }
        given().get("/v1/retention/estimate?objectType=call&retentionDays=90&dailyVolumeGB=1e300")
                .then()
                .statusCode(400)
                .body("violations[0].field", equalTo("dailyVolumeGB"));
        assertEquals(before, queued(), "nothing was queued, counted or written");
    }

    @Test
    void theBoundItselfIsAValidVolume() {
        JsonPath plan = post("/v1/retention/plan", "application/json", policy("calls", "call", "1000000"), 200);
        assertEquals(36_000_000.0, plan.getDouble("estimate.projectedStorageGB"));
    }

    @Test
    void applyWithAnInfiniteVolumeLastAnswersEveryPolicyAndQueuesOnlyTheValidOne() {
        Queued before = queued();
        JsonPath r = post(
                "/v1/retention/apply",
                "application/json",
                "[" + policy("calls", "call", "2") + "," + policy("chats", "chat", "1e400") + "]",
                200);
        assertEquals(1, r.getInt("accepted"));
        assertEquals(1, r.getInt("rejected"));
        assertEquals("queued", r.getString("results[0].status"));
        assertEquals("invalid", r.getString("results[1].status"));
        assertEquals(List.of("[1].dailyVolumeGB"), r.getList("results[1].violations.field"));
        RetentionFlowTest.awaitState(r.getString("results[0].requestId"), "deployed");
        Queued after = queued();
        assertEquals(before.requests() + 1, after.requests(), "one request: the valid policy");
        assertEquals(before.records() + 1, after.records(), "one record on the requests topic");
    }

    @Test
    void moreThanTheLimitOfPoliciesIsOne400BeforeAnythingIsQueuedOrWritten() {
        Queued before = queued();
        String over = list(101);
        for (String path : List.of(
                "/v1/retention/apply",
                "/v1/retention/apply?target=media-retention",
                "/v1/retention/plan?target=media-retention",
                "/v1/retention/policies?target=media-retention")) {
            given().contentType("application/json")
                    .body(over)
                    .post(path)
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("violations", hasSize(1))
                    .body("violations[0].field", equalTo("policies"))
                    .body("violations[0].message", containsString("at most 100"));
            given().contentType("application/json")
                    .body("{\"policies\": " + over + "}")
                    .post(path)
                    .then()
                    .statusCode(400)
                    .body("violations[0].field", equalTo("policies"));
        }
        String yaml = IntStream.range(0, 101)
                .mapToObj(i -> "- {name: p-" + i + ", objectType: call, retentionPeriod: 30, enabled: true,"
                        + " schedule: {frequency: DAILY}}\n")
                .collect(Collectors.joining());
        refused("/v1/retention/apply", "application/yaml", yaml, "policies");
        assertEquals(before, queued(), "nothing was queued, counted or written");
        // The limit itself is accepted (a plan writes nothing).
        JsonPath plan = post("/v1/retention/plan?target=media-retention", "application/json", list(100), 200);
        assertEquals(100, plan.getList("policies").size());
    }

    @Test
    void onceTheBrokerRefusesAPolicyTheRestOfTheListIsNotTried() {
        AtomicInteger publishes = new AtomicInteger();
        QuarkusMock.installMockForType(
                new RequestPublisher(null, null, null, null) {
                    @Override
                    public Uni<Void> publish(RetentionRequest request, String objectType) {
                        publishes.incrementAndGet();
                        return Uni.createFrom().failure(new IllegalStateException("the broker is away"));
                    }
                },
                RequestPublisher.class);
        JsonPath r = post(
                "/v1/retention/apply",
                "application/json",
                "[" + policy("a", "call", "1") + "," + policy("b", "chat", "1") + "," + policy("c", "email", "-1") + ","
                        + policy("d", "sms", "1") + "]",
                200);
        assertEquals(0, r.getInt("accepted"));
        assertEquals(4, r.getInt("rejected"));
        assertEquals(List.of("unavailable", "unavailable", "invalid", "unavailable"), r.getList("results.status"));
        assertEquals(1, publishes.get(), "the policies after the refused one were not tried");
    }

    @Test
    void theOpenApiDocumentStatesTheBoundAndTheLimit() {
        given().get("/q/openapi?format=json")
                .then()
                .statusCode(200)
                .body("components.schemas.RetentionPolicy.properties.dailyVolumeGB.maximum", equalTo(1000000))
                .body("components.schemas.RetentionPolicy.properties.dailyVolumeGB.minimum", equalTo(0))
                .body("paths.'/v1/retention/apply'.post.description", containsString("max-policies-per-request"))
                .body("paths.'/v1/retention/apply'.post.responses.'400'.description", containsString("nothing"));
    }

    @Test
    void aMediaApplyWhoseRequestsCannotBeRecordedIs503NotAGenesysFailure() {
        QuarkusMock.installMockForType(
                new MediaApply(null, null, null, null, null, null, null, null, null, null, null) {
                    @Override
                    public Uni<List<Map<String, Object>>> apply(MediaPlan plan, String traceId) {
                        return Uni.createFrom().failure(new IllegalStateException("Redis is away"));
                    }
                },
                MediaApply.class);
        Queued before = queued();
        given().contentType("application/json")
                .body("[" + policy("calls", "call", "1") + "]")
                .post("/v1/retention/apply?target=media-retention")
                .then()
                .statusCode(503)
                .contentType("application/problem+json")
                .header("Retry-After", notNullValue())
                .body("detail", containsString("nothing was written"));
        assertEquals(before, queued(), "nothing was written");
    }

    static String uuids(int n) {
        return IntStream.range(0, n)
                .mapToObj(i -> "\"" + new java.util.UUID(0, i) + "\"")
                .collect(Collectors.joining(",", "[", "]"));
    }

    @Test
    void aPolicyTooLargeForOneKafkaRecordIsA400NamingTheFieldAndQueuesNothing() {
        Queued before = queued();
        String huge = """
                {"name": "huge-tags", "objectType": "call", "retentionPeriod": 30, "enabled": true,
                 "schedule": {"frequency": "DAILY"}, "tags": %s}""".formatted(uuids(30_000));
        given().contentType("application/json")
                .body(huge.getBytes(StandardCharsets.UTF_8))
                .post("/v1/retention/policies")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("violations", hasSize(1))
                .body("violations[0].field", equalTo("tags"))
                .body("violations[0].message", containsString("too large"));
        assertEquals(before, queued(), "nothing queued, counted or written");
    }

    @Test
    void onApplyATooLargePolicyIsInvalidBeforeAnyIsQueued() {
        String huge = """
                {"name": "huge-filters", "objectType": "chat", "retentionPeriod": 30, "enabled": true,
                 "schedule": {"frequency": "DAILY"}, "filters": {"queues": %s, "users": ["u-1"]}}""".formatted(uuids(30_000));
        JsonPath r = post(
                "/v1/retention/apply", "application/json", "[" + huge + "," + policy("ok", "call", "1") + "]", 200);
        assertEquals(List.of("invalid", "queued"), r.getList("results.status"));
        assertEquals("[0].filters.queues", r.getString("results[0].violations[0].field"));
        assertEquals(1, r.getInt("accepted"));
    }
}
