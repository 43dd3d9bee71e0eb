package io.cxbridge.retention.media;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mypurecloud.sdk.v2.ApiClient;
import com.mypurecloud.sdk.v2.model.Policy;
import com.mypurecloud.sdk.v2.model.PolicyEntityListing;
import io.cxbridge.model.Json;
import io.cxbridge.model.Topics;
import io.cxbridge.model.audit.AuditTypes;
import io.cxbridge.testkit.KafkaBroker;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.Management;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.TopicReader;
import io.cxbridge.testkit.sim.GenesysSim;
import io.cxbridge.testkit.sim.GenesysSimResource;
import io.cxbridge.testkit.sim.SimControl;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The media-retention target against the sim's {@code /api/v2/recording/mediaretentionpolicies}: plan, apply,
 * re-apply, drift, validation, conflicts with {@code resolve}, prune. The sim's bodies are read back with the
 * official SDK's {@code Policy} (unknown fields fail).
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
class MediaRetentionTest {

    static final String PATH = "/api/v2/recording/mediaretentionpolicies";
    static final String MARKER = "[managed-by: cxbridge]";

    private final GenesysSim genesys = GenesysSim.shared();
    private final SimControl sim = genesys.control();
    private static ApiClient sdk;
    private static ObjectMapper strict;

    @Inject
    DriftCheck drift;

    @BeforeAll
    static void sdkMapper() {
        sdk = ApiClient.Builder.standard().build();
        strict = sdk.getObjectMapper().copy().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    @AfterAll
    static void close() throws Exception {
        sdk.close();
    }

    @BeforeEach
    void resetSim() {
        sim.reset();
    }

    // --- the sim, as a person editing policies in Genesys would ----------------------------------------------

    private RequestSpecification genesysApi() {
        return given().baseUri(genesys.baseUrl())
                .auth()
                .oauth2(genesys.accessToken())
                .contentType(ContentType.JSON);
    }

    private String create(String json) {
        return genesysApi()
                .body(json)
                .post(PATH)
                .then()
                .statusCode(200)
                .extract()
                .path("id");
    }

    private List<Policy> policies() throws Exception {
        String body = genesysApi()
                .get(PATH + "?pageSize=100")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        return strict.readValue(body, PolicyEntityListing.class).getEntities();
    }

    private Map<String, Policy> byName() throws Exception {
        return policies().stream().collect(Collectors.toMap(Policy::getName, p -> p));
    }

    /** Calls that change policies at the sim (a GET is not one); the sim counts each policy's own path. */
    private long writes() {
        return writes(List.of("POST", "PUT", "PATCH", "DELETE"));
    }

    private long writes(List<String> methods) {
        return sim.stats().requests().stream()
                .filter(r -> methods.contains(r.method())
                        && (r.path().equals(PATH) || r.path().startsWith(PATH + "/")))
                .mapToLong(r -> r.count())
                .sum();
    }

    static String managed(String name, String mediaPolicy, int days, String conditions, String description) {
        return """
                {"name": "%s", "description": "%s %s", "enabled": true,
                 "mediaPolicies": {"%s": {"conditions": %s, "actions": {"retainRecording": true,
                   "deleteRecording": false, "retentionDuration": {"deleteRetention": {"days": %d}}}}}}""".formatted(name, description, MARKER, mediaPolicy, conditions, days);
    }

    static String handMade(String name, String mediaPolicy, int days, String conditions) {
        return """
                {"name": "%s", "description": "made in the admin UI", "enabled": true, "order": 1,
                 "mediaPolicies": {"%s": {"conditions": %s, "actions": {"retainRecording": true,
                   "retentionDuration": {"deleteRetention": {"days": %d}}}}}}""".formatted(name, mediaPolicy, conditions, days);
    }

    // --- the service ---------------------------------------------------------------------------------------

    static final String FILE = """
            policies:
              - name: calls-sales
                objectType: call
                retentionPeriod: 90
                enabled: true
                filters: {queues: [q-sales], directions: [inbound]}
              - name: chats-support
                objectType: chat
                retentionPeriod: 60
                enabled: true
                filters: {queues: [q-support]}
              - name: emails-all
                description: All email
                objectType: email
                retentionPeriod: 120
                enabled: true
              - name: sms-billing
                objectType: sms
                retentionPeriod: 45
                enabled: true
                filters: {users: [u-1, u-2], wrapupCodes: [w-1], languages: [l-en]}
              - name: calls-outbound
                description: Outbound calls, kept a year
                objectType: call
                retentionPeriod: 365
                enabled: true
                dailyVolumeGB: 2
                schedule: {frequency: DAILY}
                filters: {queues: [q-collections], directions: [OUTBOUND]}
            """;

    static JsonPath plan(String yaml, String query) {
        return given().contentType("application/yaml")
                .body(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .post("/v1/retention/plan?target=media-retention" + query)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    static JsonPath apply(String yaml, String query) {
        return given().contentType("application/yaml")
                .body(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .post("/v1/retention/apply?target=media-retention" + query)
                .then()
                .statusCode(202)
                .extract()
                .jsonPath();
    }

    static Map<String, String> actions(JsonPath plan, String list) {
        Map<String, String> out = new HashMap<>();
        List<Map<String, Object>> rows = plan.getList(list);
        rows.forEach(r -> out.put((String) r.get("name"), (String) r.get("action")));
        return out;
    }

    static void awaitDeployed(JsonPath applied) {
        List<String> ids = applied.getList("requests.requestId").stream()
                .filter(java.util.Objects::nonNull)
                .map(String::valueOf)
                .toList();
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> {
                    for (String id : ids) {
                        JsonPath r = given().get("/v1/retention/requests/" + id)
                                .then()
                                .statusCode(200)
                                .extract()
                                .jsonPath();
                        assertThat(r.getString("state"))
                                .as("request %s: %s", id, r.prettify())
                                .isEqualTo("deployed");
                    }
                });
    }

    /** Seeds 2 managed policies (one as the file says, one with another retention) and 1 made by hand. */
    private String seedTwoManagedAndOneHandMade() {
        create(managed(
                "chats-support",
                "chatPolicy",
                60,
                "{\"forQueues\": [{\"id\": \"q-support\"}]}",
                "Retain chat recordings for 60 days"));
        create(managed("emails-all", "emailPolicy", 30, "{}", "All email"));
        return create(handMade("hand-made-vip", "callPolicy", 10, "{\"forQueues\": [{\"id\": \"q-vip\"}]}"));
    }

    @Test
    void planThenApplyThenApplyAgain() throws Exception {
        String handMadeId = seedTwoManagedAndOneHandMade();
        Policy handMadeBefore = byName().get("hand-made-vip");
        long writes = writes();

        JsonPath plan = plan(FILE, "");
        assertThat(actions(plan, "policies"))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "calls-sales",
                        "create",
                        "chats-support",
                        "unchanged",
                        "emails-all",
                        "update",
                        "sms-billing",
                        "create",
                        "calls-outbound",
                        "create"));
        Map<String, Object> update = plan.getMap("policies.find { it.name == 'emails-all' }");
        assertThat(update.get("diff"))
                .isEqualTo(List.of(Map.of(
                        "path",
                        "mediaPolicies.emailPolicy.actions.retentionDuration.deleteRetention.days",
                        "before",
                        30,
                        "after",
                        120)));
        assertThat(plan.getList("policies.find { it.name == 'calls-outbound' }.notes", String.class))
                .anyMatch(n -> n.startsWith("schedule: not applicable"));
        assertThat(plan.getDouble("estimate.projectedStorageGB")).isEqualTo(876.0);
        assertThat(writes()).as("a plan writes nothing").isEqualTo(writes);

        JsonPath applied = apply(FILE, "");
        assertThat(actions(applied, "requests"))
                .containsEntry("emails-all", "update")
                .containsEntry("chats-support", "unchanged");
        assertThat(applied.getList("requests.requestId").stream().filter(java.util.Objects::nonNull))
                .hasSize(4);
        awaitDeployed(applied);
        assertThat(writes()).as("3 POST, 1 PUT").isEqualTo(writes + 4);

        Map<String, Policy> now = byName();
        assertThat(now).hasSize(6);
        assertThat(now.get("hand-made-vip"))
                .as("the hand-made policy is untouched")
                .isEqualTo(handMadeBefore);
        assertThat(now.get("hand-made-vip").getId()).isEqualTo(handMadeId);
        Policy calls = now.get("calls-sales");
        assertThat(calls.getDescription()).isEqualTo("Retain call recordings for 90 days " + MARKER);
        assertThat(calls.getEnabled()).isTrue();
        assertThat(calls.getMediaPolicies().getCallPolicy().getActions().getRetainRecording())
                .isTrue();
        assertThat(calls.getMediaPolicies()
                        .getCallPolicy()
                        .getActions()
                        .getRetentionDuration()
                        .getDeleteRetention()
                        .getDays())
                .isEqualTo(90);
        assertThat(calls.getMediaPolicies().getCallPolicy().getConditions().getForQueues())
                .extracting(q -> q.getId())
                .containsExactly("q-sales");
        assertThat(calls.getMediaPolicies().getCallPolicy().getConditions().getDirections())
                .extracting(Enum::name)
                .containsExactly("INBOUND");
        assertThat(calls.getMediaPolicies().getChatPolicy()).isNull();
        Policy sms = now.get("sms-billing");
        assertThat(sms.getMediaPolicies().getMessagePolicy().getConditions().getForUsers())
                .extracting(u -> u.getId())
                .containsExactly("u-1", "u-2");
        assertThat(sms.getMediaPolicies().getMessagePolicy().getConditions().getWrapupCodes())
                .extracting(w -> w.getId())
                .containsExactly("w-1");
        assertThat(sms.getMediaPolicies().getMessagePolicy().getConditions().getLanguages())
                .extracting(l -> l.getId())
                .containsExactly("l-en");
        assertThat(now.get("emails-all")
                        .getMediaPolicies()
                        .getEmailPolicy()
                        .getActions()
                        .getRetentionDuration()
                        .getDeleteRetention()
                        .getDays())
                .isEqualTo(120);
        assertThat(now.get("calls-outbound").getDescription()).isEqualTo("Outbound calls, kept a year " + MARKER);

        // an audit event for each write, keyed by its request
        for (Object id : applied.getList("requests.requestId")) {
            if (id != null) {
                TopicReader.await(
                        KafkaBroker.shared().bootstrapServers(),
                        Topics.AUDIT,
                        1,
                        TopicReader.header("ce_type", AuditTypes.RETENTION_DEPLOYED)
                                .and(r -> id.equals(r.key())),
                        Duration.ofSeconds(10));
            }
        }

        long afterFirst = writes();
        JsonPath again = apply(FILE, "");
        assertThat(actions(again, "requests").values()).containsOnly("unchanged");
        assertThat(again.getList("requests.requestId").stream().filter(java.util.Objects::nonNull))
                .isEmpty();
        assertThat(writes()).as("a second apply writes nothing").isEqualTo(afterFirst);
    }

    @Test
    void aPolicyEditedByHandIsDriftOnTheAuditTopic() {
        String file = """
                - name: drift-calls
                  objectType: call
                  retentionPeriod: 90
                  enabled: true
                  filters: {queues: [q-drift]}
                - name: drift-chats
                  objectType: chat
                  retentionPeriod: 40
                  enabled: true
                """;
        awaitDeployed(apply(file, ""));
        assertThat(drifted("drift-calls")).isNull();

        // a person changes the retention in Genesys, and deletes the other one
        JsonNode policy = genesysApi()
                .get(PATH + "?name=drift-calls")
                .then()
                .statusCode(200)
                .extract()
                .as(JsonNode.class)
                .path("entities")
                .get(0);
        String id = policy.path("id").asText();
        String edited = policy.toString().replace("\"days\":90", "\"days\":7");
        genesysApi().body(edited).put(PATH + "/" + id).then().statusCode(200);
        String chatId =
                genesysApi().get(PATH + "?name=drift-chats").then().extract().path("entities[0].id");
        genesysApi().delete(PATH + "/" + chatId).then().statusCode(204);

        Map<String, Object> changed = drifted("drift-calls");
        assertThat(changed).containsEntry("policyId", id).containsEntry("change", "changed");
        assertThat(changed.get("diff"))
                .isEqualTo(List.of(Map.of(
                        "path",
                        "mediaPolicies.callPolicy.actions.retentionDuration.deleteRetention.days",
                        "before",
                        90,
                        "after",
                        7)));
        assertThat(drifted("drift-chats")).containsEntry("change", "deleted");

        long webhooks = sim.stats().externalCalls();
        drift.checkAndNotify().await().atMost(Duration.ofSeconds(30));
        JsonNode event = data(TopicReader.await(
                        KafkaBroker.shared().bootstrapServers(),
                        Topics.AUDIT,
                        1,
                        TopicReader.header("ce_type", AuditTypes.RETENTION_DRIFT_DETECTED)
                                .and(r -> id.equals(r.key())),
                        Duration.ofSeconds(10))
                .get(0));
        assertThat(event.path("diff").get(0).path("path").asText()).endsWith("deleteRetention.days");
        assertThat(event.path("diff").get(0).path("after").asInt()).isEqualTo(7);
        TopicReader.await(
                KafkaBroker.shared().bootstrapServers(),
                Topics.AUDIT,
                1,
                TopicReader.header("ce_type", AuditTypes.RETENTION_DRIFT_DETECTED)
                        .and(r -> chatId.equals(r.key())),
                Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(10)).until(() -> sim.stats().externalCalls() > webhooks);
        assertThat(metric()).contains("cxbridge_retention_drift_detected_total{change=\"changed\"");

        // applying the file again puts it back: no drift for those two
        awaitDeployed(apply(file, ""));
        assertThat(drifted("drift-calls")).isNull();
        assertThat(drifted("drift-chats")).isNull();
    }

    /** Metrics answer on the management port, not the API port. */
    private static String metric() {
        return Management.given()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> drifted(String name) {
        JsonPath report = given().get("/v1/retention/drift")
                .then()
                .statusCode(200)
                .body("target", equalTo("media-retention"))
                .body("checkedAt", notNullValue())
                .extract()
                .jsonPath();
        List<Map<String, Object>> rows = report.getList("drifted");
        return rows.stream().filter(r -> name.equals(r.get("name"))).findFirst().orElse(null);
    }

    @Test
    void driftChecksAskedAtOnceShareOneReadOfTheJournalAndOneListing() throws Exception {
        // the listing answers slowly, so the twenty checks below overlap the first
        sim.fault(Map.of("method", "GET", "path", PATH, "latencyMs", 1500, "count", 1));
        long before = sim.stats().requests("GET", PATH);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(20);
        try {
            List<java.util.concurrent.Future<Integer>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) {
                answers.add(pool.submit(() ->
                        given().get("/v1/retention/drift").then().extract().statusCode()));
            }
            for (java.util.concurrent.Future<Integer> a : answers) {
                assertThat(a.get(60, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(sim.stats().requests("GET", PATH) - before)
                .as("listings made for twenty checks asked at once")
                .isBetween(1L, 2L);
    }

    @Test
    void aTaskPolicyADirectionsFilterOnChatAndAnUnknownKeyAreOne400() {
        long writes = writes();
        given().contentType(ContentType.JSON)
                .body("""
                        [{"name": "tasks", "objectType": "task", "retentionPeriod": 30, "enabled": true},
                         {"name": "chats", "objectType": "chat", "retentionPeriod": 30, "enabled": true,
                          "filters": {"directions": ["INBOUND"]}},
                         {"name": "calls", "objectType": "call", "retentionPeriod": 30, "enabled": true,
                          "filters": {"skills": ["s-1"]}}]""")
                .post("/v1/retention/apply?target=media-retention")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("traceId", notNullValue())
                .body("violations", hasSize(3))
                .body(
                        "violations.field",
                        containsInAnyOrder("[0].objectType", "[1].filters.directions", "[2].filters.skills"));
        // the same rules for a plan; the bounds of this target; names unique in a file
        given().contentType(ContentType.JSON)
                .body("""
                        [{"name": "a", "objectType": "call", "retentionPeriod": 36501, "enabled": true},
                         {"name": "b", "objectType": "call", "retentionPeriod": 30, "enabled": true},
                         {"name": "b", "objectType": "chat", "retentionPeriod": 30, "enabled": true},
                         {"name": "%s", "objectType": "email", "retentionPeriod": 30, "enabled": true}]""".formatted("n".repeat(201)))
                .post("/v1/retention/plan?target=media-retention")
                .then()
                .statusCode(400)
                .body("violations.field", containsInAnyOrder("[0].retentionPeriod", "[2].name", "[3].name"));
        assertThat(writes()).isEqualTo(writes);
        assertThat(sim.stats().requests("GET", PATH))
                .as("invalid input reads nothing either")
                .isZero();
    }

    @Test
    void anUnknownOrDisabledTargetOrPruneOnSeedIsA400() {
        given().contentType(ContentType.JSON)
                .body(FILE)
                .post("/v1/retention/plan?target=datamanagement")
                .then()
                .statusCode(400)
                .body("violations[0].field", equalTo("target"));
        given().contentType(ContentType.JSON)
                .body("[]")
                .post("/v1/retention/apply?target=seed&prune=true")
                .then()
                .statusCode(400)
                .body("violations[0].field", equalTo("prune"));
        given().contentType(ContentType.JSON)
                .body("[]")
                .post("/v1/retention/apply?target=media-retention&prune=yes")
                .then()
                .statusCode(400)
                .body("violations[0].field", equalTo("prune"));
        given().contentType(ContentType.JSON)
                .body("{\"policies\": []}")
                .post("/v1/retention/apply?target=media-retention")
                .then()
                .statusCode(400)
                .body("violations[0].field", equalTo("policies"));
        assertThat(writes()).isZero();
    }

    @Test
    void aConflictIsRefusedUntilResolveReplacesTheOtherPolicy() throws Exception {
        String handMadeId = create(handMade(
                "hand-made-sales",
                "callPolicy",
                10,
                "{\"forQueues\": [{\"id\": \"q-sales\"}, {\"id\": \"q-other\"}]}"));
        String file = """
                - name: calls-sales
                  objectType: call
                  retentionPeriod: 90
                  enabled: true
                  filters: {queues: [q-sales]}
                """;
        JsonPath plan = plan(file, "");
        assertThat(plan.getString("policies[0].action")).isEqualTo("conflict");
        assertThat(plan.getList("policies[0].conflictsWith"))
                .isEqualTo(List.of(Map.of("id", handMadeId, "name", "hand-made-sales")));

        long writes = writes();
        JsonPath refused = apply(file, "");
        assertThat(refused.getString("requests[0].action")).isEqualTo("conflict");
        assertThat(refused.getString("requests[0].requestId")).isNull();
        assertThat(refused.getString("requests[0].error")).contains("resolve");
        assertThat(writes()).isEqualTo(writes);
        assertThat(byName()).containsOnlyKeys("hand-made-sales");

        String resolved = file + "  resolve: {replace: " + handMadeId + "}\n";
        JsonPath resolvedPlan = plan(resolved, "");
        assertThat(resolvedPlan.getString("policies[0].action")).isEqualTo("create");
        assertThat(resolvedPlan.getString("policies[0].replaces.how")).isEqualTo("disable");
        JsonPath applied = apply(resolved, "");
        awaitDeployed(applied);
        String requestId = applied.getString("requests[0].requestId");
        Map<String, Policy> now = byName();
        assertThat(now.get("hand-made-sales").getEnabled())
                .as("made by hand: disabled, not deleted")
                .isFalse();
        assertThat(now.get("hand-made-sales")
                        .getMediaPolicies()
                        .getCallPolicy()
                        .getConditions()
                        .getForQueues())
                .hasSize(2);
        assertThat(now.get("calls-sales").getEnabled()).isTrue();
        JsonNode event = data(TopicReader.await(
                        KafkaBroker.shared().bootstrapServers(),
                        Topics.AUDIT,
                        1,
                        TopicReader.header("ce_type", AuditTypes.RETENTION_DEPLOYED)
                                .and(r -> requestId.equals(r.key())),
                        Duration.ofSeconds(10))
                .get(0));
        assertThat(event.path("replaced").path("policyId").asText()).isEqualTo(handMadeId);
        assertThat(event.path("replaced").path("how").asText()).isEqualTo("disable");

        // the disabled policy no longer conflicts: the same file is unchanged
        long settled = writes();
        assertThat(actions(apply(resolved, ""), "requests"))
                .containsExactlyEntriesOf(Map.of("calls-sales", "unchanged"));
        assertThat(writes()).isEqualTo(settled);
    }

    @Test
    void pruneDeletesManagedPoliciesAbsentFromTheFileAndNeverOnesMadeByHand() throws Exception {
        create(managed("old-calls", "callPolicy", 30, "{}", "Retain call recordings for 30 days"));
        create(managed("kept-chats", "chatPolicy", 60, "{}", "Retain chat recordings for 60 days"));
        String handMadeId = create(handMade("hand-made-email", "emailPolicy", 400, "{}"));
        String file = """
                - name: kept-chats
                  objectType: chat
                  retentionPeriod: 60
                  enabled: true
                - name: new-calls
                  objectType: call
                  retentionPeriod: 90
                  enabled: true
                """;
        // without prune, the managed old-calls stays and overlaps new-calls with another retention
        assertThat(actions(plan(file, ""), "policies"))
                .containsExactlyInAnyOrderEntriesOf(Map.of("kept-chats", "unchanged", "new-calls", "conflict"));
        JsonPath plan = plan(file, "&prune=true");
        assertThat(actions(plan, "policies"))
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("kept-chats", "unchanged", "new-calls", "create", "old-calls", "delete"));

        JsonPath applied = apply(file, "&prune=true");
        awaitDeployed(applied);
        assertThat(byName()).containsOnlyKeys("kept-chats", "new-calls", "hand-made-email");
        assertThat(byName().get("hand-made-email").getId()).isEqualTo(handMadeId);
        assertThat(writes(List.of("DELETE"))).isEqualTo(1);
        assertThat(writes(List.of("PUT", "PATCH")))
                .as("the kept policy was not rewritten")
                .isZero();
    }

    @Test
    void aWriteGenesysRefusesEndsFailedAndUnreadablePoliciesAre502() {
        String file = """
                - name: refused-calls
                  objectType: call
                  retentionPeriod: 30
                  enabled: true
                """;
        sim.fault(Map.of("method", "POST", "path", PATH, "status", 400, "count", 1));
        String id = apply(file, "").getString("requests[0].requestId");
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> given().get("/v1/retention/requests/" + id)
                        .then()
                        .statusCode(200)
                        .body("state", equalTo("failed")));
        given().get("/v1/retention/requests/" + id)
                .then()
                .body("error", org.hamcrest.Matchers.containsString("HTTP 400"))
                .body("history.state", org.hamcrest.Matchers.contains("queued", "submitted", "failed"));
        TopicReader.await(
                KafkaBroker.shared().bootstrapServers(),
                Topics.AUDIT,
                1,
                TopicReader.header("ce_type", AuditTypes.RETENTION_FAILED).and(r -> id.equals(r.key())),
                Duration.ofSeconds(10));
        assertThat(drifted("refused-calls"))
                .as("a failed write is not part of the applied set")
                .isNull();

        sim.fault(Map.of("method", "GET", "path", PATH, "status", 403, "count", 10));
        given().contentType("application/yaml")
                .body(file.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .post("/v1/retention/plan?target=media-retention")
                .then()
                .statusCode(502)
                .contentType("application/problem+json");
        given().contentType("application/yaml")
                .body(file.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .post("/v1/retention/apply?target=media-retention")
                .then()
                .statusCode(502)
                .contentType("application/problem+json");
        given().get("/v1/retention/drift").then().statusCode(502).contentType("application/problem+json");
        sim.clearFaults();
        assertThat(byNameUnchecked()).isEmpty();
    }

    private Map<String, Policy> byNameUnchecked() {
        try {
            return byName();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theDefaultTargetHereIsSeed() {
        // %test (like the local stack) keeps seed as the default: a media body without schedule is refused by it
        given().contentType(ContentType.JSON)
                .body("""
                        {"name": "x", "objectType": "call", "retentionPeriod": 30, "enabled": true}""")
                .post("/v1/retention/plan")
                .then()
                .statusCode(400)
                .body("violations.field", containsInAnyOrder("schedule"));
        given().contentType(ContentType.JSON)
                .body("""
                        {"name": "x", "objectType": "call", "retentionPeriod": 30, "enabled": true}""")
                .post("/v1/retention/plan?target=media-retention")
                .then()
                .statusCode(200)
                .body("policies[0].action", equalTo("create"));
    }

    /** An audit record's data (the value of a binary-mode CloudEvent). */
    static JsonNode data(org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]> record) {
        try {
            return Json.mapper().readTree(record.value());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
