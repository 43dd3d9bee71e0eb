package io.cxbridge.retention;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxbridge.model.Json;
import io.cxbridge.model.Topics;
import io.cxbridge.model.audit.AuditTypes;
import io.cxbridge.model.event.RetentionRequest;
import io.cxbridge.retention.api.RequestPublisher;
import io.cxbridge.retention.report.RetentionReport;
import io.cxbridge.retention.state.RequestRecord;
import io.cxbridge.retention.state.RequestState;
import io.cxbridge.retention.state.RequestStore;
import io.cxbridge.retention.worker.RetentionUpstream;
import io.cxbridge.testkit.KafkaBroker;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.Management;
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
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
class RetentionFlowTest {

    static final String POLICIES = "/api/v2/datamanagement/retention/policies";

    private final SimControl sim = GenesysSim.shared().control();

    @Inject
    RetentionUpstream upstream;

    @Inject
    RequestStore store;

    @Inject
    RequestPublisher publisher;

    @BeforeEach
    void resetSim() {
        sim.reset();
        sim.config(Map.of("jobCompletionMs", 150));
    }

    static String policy(String name, String objectType, int days) {
        return """
                {"name": "%s", "objectType": "%s", "retentionPeriod": %d, "enabled": true,
                 "schedule": {"frequency": "DAILY"}, "dailyVolumeGB": 2.5}""".formatted(name, objectType, days);
    }

    static String submit(String body) {
        return given().contentType("application/json")
                .body(body)
                .post("/v1/retention/policies")
                .then()
                .statusCode(202)
                .body("requestId", notNullValue())
                .extract()
                .path("requestId");
    }

    static JsonPath awaitState(String requestId, String state) {
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    String s = given().get("/v1/retention/requests/" + requestId)
                            .then()
                            .extract()
                            .path("state");
                    return s != null && (s.equals("deployed") || s.equals("failed"));
                });
        JsonPath r = given().get("/v1/retention/requests/" + requestId)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals(state, r.getString("state"), () -> "request ended " + r.prettify());
        return r;
    }

    long simPosts() {
        return sim.stats().requests("POST", POLICIES);
    }

    /** POSTs the sim answered 202 or 409 (a 401 after the sim's reset forgot our token is not a submission). */
    long simSubmissions() {
        return sim.stats().requests("POST", POLICIES, 202) + sim.stats().requests("POST", POLICIES, 409);
    }

    long total() {
        return ((Number) given().get("/v1/retention/report")
                        .then()
                        .statusCode(200)
                        .extract()
                        .path("totalRequests"))
                .longValue();
    }

    @Test
    void sixMistakesAreOne400ListingAllSixAndNothingIsQueued() {
        long before = total();
        int records = TopicReader.readAll(
                        KafkaBroker.shared().bootstrapServers(), Topics.RETENTION_REQUESTS, Duration.ofSeconds(5))
                .size();
        given().contentType("application/json")
                .body("""
                        {"objectType": "fax", "retentionPeriod": 10, "licenseTier": "STANDARD",
                         "schedule": {"frequency": "WEEKLY", "timezone": "Mars/Olympus"}}""")
                .post("/v1/retention/policies")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("traceId", notNullValue())
                .body("violations", hasSize(6))
                .body(
                        "violations.field",
                        containsInAnyOrder(
                                "name",
                                "enabled",
                                "objectType",
                                "retentionPeriod",
                                "schedule.dayOfWeek",
                                "schedule.timezone"));
        given().contentType("application/json")
                .body("""
                        {"name": "monthly", "objectType": "call", "retentionPeriod": 40, "enabled": true,
                         "schedule": {"frequency": "MONTHLY", "dayOfMonth": 40}}""")
                .post("/v1/retention/policies")
                .then()
                .statusCode(400)
                .body("violations", hasSize(1))
                .body("violations[0].field", equalTo("schedule.dayOfMonth"));
        assertEquals(before, total(), "nothing was queued");
        assertEquals(
                records,
                TopicReader.readAll(
                                KafkaBroker.shared().bootstrapServers(),
                                Topics.RETENTION_REQUESTS,
                                Duration.ofSeconds(5))
                        .size(),
                "nothing reached Kafka");
        assertEquals(0, simPosts(), "nothing reached the sim");
    }

    @Test
    void malformedBodyIsProblemJson() {
        given().contentType("application/json")
                .body("{not json")
                .post("/v1/retention/policies")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400));
        given().get("/v1/retention/requests/" + UUID.randomUUID())
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void validPolicyIsDeployedWithJobAndPolicyIdsAndItsHistory() {
        String id = submit(policy("calls-90", "call", 90));
        JsonPath r = awaitState(id, "deployed");
        assertNotNull(r.getString("jobId"));
        assertNotNull(r.getString("policyId"));
        assertEquals(List.of("queued", "submitted", "polling", "deployed"), r.getList("history.state"));
        assertTrue(r.getLong("latencyMs") >= 150, "latency covers the job's 150 ms");
        assertEquals(1, simSubmissions());
        TopicReader.await(
                KafkaBroker.shared().bootstrapServers(),
                Topics.AUDIT,
                1,
                TopicReader.header("ce_type", AuditTypes.RETENTION_DEPLOYED).and(rec -> id.equals(rec.key())),
                Duration.ofSeconds(10));
        TopicReader.await(
                KafkaBroker.shared().bootstrapServers(),
                Topics.AUDIT,
                1,
                TopicReader.header("ce_type", AuditTypes.RETENTION_SUBMITTED).and(rec -> id.equals(rec.key())),
                Duration.ofSeconds(10));
        // the optional webhook (in tests: the sim's echo endpoint) got the deployed report
        await().atMost(Duration.ofSeconds(10)).until(() -> sim.stats().externalCalls() >= 1);
    }

    @Test
    void overlapIsMergedToTheMaximumAndResubmittedOnce() {
        JsonPath first = awaitState(submit(policy("email-30", "email", 30)), "deployed");
        String existingId = first.getString("policyId");

        String id = submit(policy("email-40", "email", 40));
        JsonPath r = awaitState(id, "deployed");
        assertEquals(40, r.getInt("mergedRetentionPeriod"));
        assertEquals(List.of(existingId), r.getList("replacedPolicyIds"));
        assertEquals(1, sim.stats().requests("POST", POLICIES, 409), "one 409, one resubmission");
        assertEquals(3, simSubmissions());
        TopicReader.await(
                KafkaBroker.shared().bootstrapServers(),
                Topics.AUDIT,
                1,
                TopicReader.header("ce_type", AuditTypes.RETENTION_OVERLAP_DETECTED)
                        .and(rec -> id.equals(rec.key())),
                Duration.ofSeconds(10));

        // the report counts what happened: two deployed, one of them after a conflict
        given().get("/v1/retention/report")
                .then()
                .statusCode(200)
                .body("deployed", org.hamcrest.Matchers.greaterThanOrEqualTo(2))
                .body("conflicts", org.hamcrest.Matchers.greaterThanOrEqualTo(1))
                .body("averageLatencyMs", notNullValue());
    }

    @Test
    void aSecond409AfterTheMergeEndsFailedNotInALoop() {
        JsonPath before = report();
        double deployedBefore = requestsTotal("deployed");
        double failedBefore = requestsTotal("failed");
        awaitState(submit(policy("chat-60", "chat", 60)), "deployed");
        sim.fault(Map.of("method", "POST", "path", POLICIES, "status", 409, "count", 2));
        String id = submit(policy("chat-65", "chat", 65));
        JsonPath r = awaitState(id, "failed");
        assertTrue(r.getString("error").contains("409"), r.getString("error"));
        assertEquals(3, simSubmissions(), "the first policy, the submission and one resubmission");
        assertEquals(2, sim.stats().requests("POST", POLICIES, 409));
        TopicReader.await(
                KafkaBroker.shared().bootstrapServers(),
                Topics.AUDIT,
                1,
                TopicReader.header("ce_type", AuditTypes.RETENTION_FAILED).and(rec -> id.equals(rec.key())),
                Duration.ofSeconds(10));

        // the report is computed from what happened: one more deployed, one more failed (after a conflict)
        JsonPath after = report();
        assertEquals(before.getLong("totalRequests") + 2, after.getLong("totalRequests"));
        assertEquals(before.getLong("deployed") + 1, after.getLong("deployed"));
        assertEquals(before.getLong("failed") + 1, after.getLong("failed"));
        assertEquals(before.getLong("conflicts") + 1, after.getLong("conflicts"));
        // and so does the metric the alert rules read (cxbridge_retention_requests_total by outcome)
        assertEquals(deployedBefore + 1, requestsTotal("deployed"));
        assertEquals(failedBefore + 1, requestsTotal("failed"));
        long finished = after.getLong("deployed") + after.getLong("failed");
        assertEquals(
                Math.round(10_000.0 * after.getLong("deployed") / finished) / 10_000.0,
                after.getDouble("successRate"),
                1e-9);
        assertEquals(
                Math.round(10_000.0 * after.getLong("conflicts") / finished) / 10_000.0,
                after.getDouble("conflictRate"),
                1e-9);
        assertNotNull(after.get("averageLatencyMs"));
    }

    static JsonPath report() {
        return given().get("/v1/retention/report")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    @Test
    void openApiDescribesTheRetentionApi() {
        given().get("/q/openapi?format=json")
                .then()
                .statusCode(200)
                .body("paths.'/v1/retention/policies'.post.summary", notNullValue())
                .body("paths.'/v1/retention/apply'.post.requestBody.content.'application/yaml'", notNullValue())
                .body("paths.'/v1/retention/plan'.post.summary", notNullValue())
                .body("paths.'/v1/retention/requests/{requestId}'.get.summary", notNullValue())
                .body("paths.'/v1/retention/estimate'.get.description", notNullValue())
                .body("paths.'/v1/retention/report'.get.summary", notNullValue());
    }

    @Test
    void pollingSurvives429WithRetryAfter() {
        sim.fault(Map.of(
                "method", "GET", "path", "/api/v2/datamanagement/jobs/**", "status", 429, "retryAfter", 1, "count", 2));
        String id = submit(policy("sms-30", "sms", 30));
        awaitState(id, "deployed");
        assertEquals(2, countJobs429(), "the sim answered 429 twice and the request still deployed");
    }

    @Test
    void aJobAnswer429WithRetryAfter600WaitsNoLongerThanThePollBoundAndLooksAgain() {
        // genesys-client gives the 429 back at once (600 s is past its deadline); the worker must not park the
        // partition for 10 minutes: it waits at most until the poll bound (4 s here) and looks at the job then
        sim.fault(Map.of(
                "method",
                "GET",
                "path",
                "/api/v2/datamanagement/jobs/**",
                "status",
                429,
                "retryAfter",
                600,
                "count",
                1));
        String id = submit(policy("sms-retry-after-600", "sms", 30));
        awaitState(id, "deployed");
        assertEquals(1, countJobs429());
    }

    @Test
    void aReportCounterThatFailsAfterTheBrokerTookTheRequestStillAnswers202() {
        QuarkusMock.installMockForType(
                new RetentionReport(null) {
                    @Override
                    public Uni<Void> submitted() {
                        return Uni.createFrom().failure(new IllegalStateException("Redis HINCRBY failed"));
                    }
                },
                RetentionReport.class);
        // 202: the request is on the topic and will deploy; a 503 would make the client send it twice
        String id = submit(policy("counter-fails", "chat", 60));
        awaitState(id, "deployed");
    }

    private long countJobs429() {
        return sim.stats().requests().stream()
                .filter(c -> c.method().equals("GET")
                        && c.path().startsWith("/api/v2/datamanagement/jobs/")
                        && c.status() == 429)
                .mapToLong(c -> c.count())
                .sum();
    }

    @Test
    void aJobThatNeverCompletesEndsFailedAtThePollingBound() {
        sim.config(Map.of("jobCompletionMs", -1));
        String id = submit(policy("task-30", "task", 30));
        JsonPath r = awaitState(id, "failed");
        assertTrue(r.getString("error").contains("did not complete"), r.getString("error"));
        assertNotNull(r.getString("jobId"));
    }

    @Test
    void jobFailedUpstreamEndsFailed() {
        sim.failNextRetentionJobs(1, "quota exceeded");
        JsonPath r = awaitState(submit(policy("int-30", "interaction", 30)), "failed");
        assertTrue(r.getString("error").contains("quota exceeded"), r.getString("error"));
    }

    @Test
    void planShowsEstimateAndOverlapsAndDeploysNothing() {
        String existing =
                awaitState(submit(policy("call-90", "call", 90)), "deployed").getString("policyId");
        long posts = simSubmissions();
        // A submission is queued (on the broker, and counted) before its 202: anything the plan had queued would be
        // counted by the time its answer came. The sim's POSTs alone come later, from the worker.
        long queued = total();
        given().contentType("application/json")
                .body(policy("call-100", "call", 100))
                .post("/v1/retention/plan")
                .then()
                .statusCode(200)
                .body("estimate.projectedStorageGB", equalTo(300.0f))
                .body("estimate.riskLevel", equalTo("LOW"))
                .body("overlaps.policyId", hasItem(existing))
                .body("mergedRetentionPeriod", equalTo(100))
                .body("policy.schedule.timezone", equalTo("UTC"))
                .body("policy.description", notNullValue())
                .body("policy.tags.managedBy", equalTo("cxbridge"));
        assertEquals(queued, total(), "plan queued no request");
        assertEquals(posts, simSubmissions(), "plan sent no POST");
        given().contentType("application/json")
                .body("{\"name\": \"x\"}")
                .post("/v1/retention/plan")
                .then()
                .statusCode(400)
                .body("violations.field", hasItem("objectType"));
    }

    @Test
    void applyYamlDeploysTheValidFourAndReportsTheFifth() {
        String yaml = """
                - {name: calls, objectType: call, retentionPeriod: 30, enabled: true, schedule: {frequency: DAILY}}
                - {name: chats, objectType: chat, retentionPeriod: 30, enabled: true, schedule: {frequency: WEEKLY, dayOfWeek: MONDAY}}
                - {name: mails, objectType: email, retentionPeriod: 30, enabled: true, schedule: {frequency: MONTHLY, dayOfMonth: 1, timezone: Europe/Dublin}}
                - name: bad
                  objectType: call
                  retentionPeriod: 5
                  enabled: true
                  schedule: {frequency: MONTHLY}
                - {name: texts, objectType: sms, retentionPeriod: 30, enabled: false, schedule: {frequency: DAILY}}
                """;
        JsonPath r = given().contentType("application/yaml")
                .body(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .post("/v1/retention/apply")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals(4, r.getInt("accepted"));
        assertEquals(1, r.getInt("rejected"));
        assertEquals("invalid", r.getString("results[3].status"));
        assertEquals(
                List.of("[3].retentionPeriod", "[3].schedule.dayOfMonth"), r.getList("results[3].violations.field"));
        for (int i : new int[] {0, 1, 2, 4}) {
            assertEquals("queued", r.getString("results[" + i + "].status"));
            awaitState(r.getString("results[" + i + "].requestId"), "deployed");
        }
        assertEquals(4, simSubmissions());
    }

    @Test
    void estimateEndpoint() {
        given().get("/v1/retention/estimate?objectType=call&retentionDays=90&dailyVolumeGB=2.5")
                .then()
                .statusCode(200)
                .body("objectType", equalTo("call"))
                .body("projectedStorageGB", equalTo(270.0f))
                .body("projectedStorageTB", equalTo(0.26f))
                .body("riskLevel", equalTo("LOW"));
        given().get("/v1/retention/estimate?objectType=interaction&retentionDays=51201&dailyVolumeGB=1")
                .then()
                .statusCode(200)
                .body("riskLevel", equalTo("HIGH"));
        given().get("/v1/retention/estimate?objectType=fax&retentionDays=0")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("violations.field", containsInAnyOrder("objectType", "retentionDays", "dailyVolumeGB"));
    }

    /**
     * A restarted service gets the record again (never committed) while Redis says the request is polling a job:
     * the worker resumes that job instead of submitting again.
     */
    @Test
    void aRedeliveredRequestResumesPollingItsRecordedJob() {
        ObjectNode payload = (ObjectNode) Json.mapper()
                .valueToTree(Map.of(
                        "name",
                        "resumed",
                        "objectType",
                        "task",
                        "retentionPeriod",
                        200,
                        "enabled",
                        true,
                        "schedule",
                        Map.of("frequency", "DAILY", "timezone", "UTC")));
        String jobId = upstream.submit(payload)
                .await()
                .atMost(Duration.ofSeconds(10))
                .headers()
                .get("x-job-id");
        assertNotNull(jobId);
        String requestId = UUID.randomUUID().toString();
        Instant t0 = Instant.now().minusSeconds(1);
        RequestRecord polling = RequestRecord.queued(requestId, "task", t0)
                .to(RequestState.submitted, t0)
                .withJob(jobId)
                .to(RequestState.polling, t0);
        store.put(polling).await().atMost(Duration.ofSeconds(5));

        publisher
                .publish(new RetentionRequest(requestId, payload, false, null), "task")
                .await()
                .atMost(Duration.ofSeconds(10));
        JsonPath r = awaitState(requestId, "deployed");
        assertEquals(jobId, r.getString("jobId"));
        assertNotNull(r.getString("policyId"));
        assertEquals(1, simSubmissions(), "no second POST");

        // the same record once more (a second redelivery): the request is finished, nothing is submitted again.
        // Records are worked one at a time, so once a later request is done the duplicate has been seen.
        publisher
                .publish(new RetentionRequest(requestId, payload, false, null), "task")
                .await()
                .atMost(Duration.ofSeconds(10));
        awaitState(submit(policy("after-duplicate", "sms", 30)), "deployed");
        assertEquals(2, simSubmissions(), "only the later request was submitted");
        assertEquals(
                jobId,
                given().get("/v1/retention/requests/" + requestId)
                        .then()
                        .extract()
                        .path("jobId"));
    }

    @Test
    void licenceMinimumsAndScheduleRulesAndDefaults() {
        String enterprise7 = """
                {"name": "e7", "objectType": "chat", "retentionPeriod": 7, "enabled": true, "licenseTier": "ENTERPRISE",
                 "schedule": {"frequency": "WEEKLY", "dayOfWeek": "friday", "timezone": "Europe/Dublin"},
                 "tags": {"team": "cx"}}""";
        given().contentType("application/json")
                .body(enterprise7)
                .post("/v1/retention/plan")
                .then()
                .statusCode(200)
                .body("policy.retentionPeriod", equalTo(7))
                .body("policy.schedule.dayOfWeek", equalTo("FRIDAY"))
                .body("policy.schedule.timezone", equalTo("Europe/Dublin"))
                .body("policy.tags.team", equalTo("cx"))
                .body("policy.tags.licenseTier", equalTo("ENTERPRISE"))
                .body("estimate", org.hamcrest.Matchers.nullValue())
                .body("overlaps", hasSize(0));
        given().contentType("application/json")
                .body(enterprise7.replace("\"ENTERPRISE\"", "\"STANDARD\""))
                .post("/v1/retention/plan")
                .then()
                .statusCode(400)
                .body("violations", hasSize(1))
                .body("violations[0].field", equalTo("retentionPeriod"))
                .body("violations[0].message", org.hamcrest.Matchers.containsString("30"));
        // 29 days on the organisation's default tier (STANDARD) is refused, 30 accepted
        given().contentType("application/json")
                .body(policy("s29", "call", 29))
                .post("/v1/retention/plan")
                .then()
                .statusCode(400)
                .body("violations.field", containsInAnyOrder("retentionPeriod"));
        given().contentType("application/json")
                .body(policy("s30", "call", 30))
                .post("/v1/retention/plan")
                .then()
                .statusCode(200);
        given().contentType("application/json")
                .body("""
                {"name": "m", "objectType": "call", "retentionPeriod": 30, "enabled": true, "licenseTier": "GOLD",
                 "schedule": {"frequency": "HOURLY"}}""")
                .post("/v1/retention/plan")
                .then()
                .statusCode(400)
                .body("violations.field", containsInAnyOrder("licenseTier", "schedule.frequency"));
        given().contentType("application/json")
                .body("""
                {"name": "m", "objectType": "call", "retentionPeriod": "thirty", "enabled": true,
                 "schedule": {"frequency": "DAILY"}}""")
                .post("/v1/retention/plan")
                .then()
                .statusCode(400)
                .body("violations[0].field", equalTo("retentionPeriod"));
        assertEquals(0, simSubmissions(), "plan never deploys");
    }

    /** {@code cxbridge_retention_requests_total{outcome}} as the management port exposes it (an exemplar may follow). */
    private static double requestsTotal(String outcome) {
        String metrics = Management.metrics();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                        "(?m)^cxbridge_retention_requests_total\\{[^}]*outcome=\"" + outcome + "\"[^}]*} (\\S+)")
                .matcher(metrics);
        if (!m.find()) {
            throw new AssertionError(
                    "no cxbridge_retention_requests_total{outcome=\"" + outcome + "\"} in\n" + metrics);
        }
        return Double.parseDouble(m.group(1));
    }
}
