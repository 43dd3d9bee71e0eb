package io.cxbridge.sim;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class RetentionTest extends SimTestBase {

    private static final String POLICIES = "/api/v2/datamanagement/retention/policies";

    private String token;

    @BeforeEach
    void fastJobs() {
        config(Map.of("jobCompletionMs", 150));
        token = token();
    }

    private Response submit(Map<String, ?> policy) {
        return api(token).contentType(ContentType.JSON).body(policy).post(POLICIES);
    }

    private JsonNode job(String jobId) {
        return json(api(token)
                .get("/api/v2/datamanagement/jobs/" + jobId)
                .then()
                .statusCode(200)
                .extract()
                .response());
    }

    /** Submits, waits for COMPLETED, returns the policy id. */
    private String deploy(Map<String, ?> policy) {
        String jobId = submit(policy).then().statusCode(202).extract().path("jobId");
        Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> "COMPLETED".equals(job(jobId).get("status").asText()));
        return job(jobId).get("result").get("policyId").asText();
    }

    @Test
    void aPolicyIsAcceptedAsAJobAndStoredWhenTheJobCompletes() {
        config(Map.of("jobCompletionMs", 800));
        Response accepted = submit(Map.of("name", "calls 90d", "objectType", "call", "retentionPeriod", 90));
        accepted.then().statusCode(202).body("jobId", notNullValue());
        String jobId = accepted.path("jobId");
        assertThat(accepted.header("x-job-id")).isEqualTo(jobId);

        JsonNode running = job(jobId);
        assertThat(running.get("id").asText()).isEqualTo(jobId);
        assertThat(running.get("status").asText()).isEqualTo("RUNNING");
        assertThat(running.has("result")).isFalse();
        api(token).get(POLICIES).then().body("entities", hasSize(0));

        Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> "COMPLETED".equals(job(jobId).get("status").asText()));
        String policyId = job(jobId).get("result").get("policyId").asText();
        api(token)
                .get(POLICIES)
                .then()
                .statusCode(200)
                .body("entities", hasSize(1))
                .body("total", equalTo(1))
                .body("pageNumber", equalTo(1))
                .body("entities[0].id", equalTo(policyId))
                .body("entities[0].name", equalTo("calls 90d"))
                .body("entities[0].objectType", equalTo("call"))
                .body("entities[0].retentionPeriod", equalTo(90));
        api(token).get(POLICIES + "/" + policyId).then().statusCode(200).body("name", equalTo("calls 90d"));
    }

    @Test
    void anOverlappingPolicyGets409NamingTheConflictingPolicies() {
        String first = deploy(Map.of("objectType", "chat", "retentionPeriod", 30));
        String second = deploy(Map.of("objectType", "chat", "retentionPeriod", 60));

        Response conflict = submit(Map.of("objectType", "chat", "retentionPeriod", 45));
        conflict.then()
                .statusCode(409)
                .contentType(ContentType.JSON)
                .body("code", equalTo("conflict"))
                .body("message", notNullValue())
                .body("conflictingPolicyIds", containsInAnyOrder(first, second));

        // 15 days apart is still an overlap, 16 is not; another objectType never is
        submit(Map.of("objectType", "chat", "retentionPeriod", 75))
                .then()
                .statusCode(409)
                .body("conflictingPolicyIds", containsInAnyOrder(second));
        submit(Map.of("objectType", "chat", "retentionPeriod", 76)).then().statusCode(202);
        submit(Map.of("objectType", "email", "retentionPeriod", 45)).then().statusCode(202);
    }

    @Test
    void replacesPolicyIdsResolvesTheConflictAndRemovesTheReplacedPoliciesOnCompletion() {
        String first = deploy(Map.of("objectType", "email", "retentionPeriod", 30));
        String second = deploy(Map.of("objectType", "email", "retentionPeriod", 50));

        submit(Map.of("objectType", "email", "retentionPeriod", 40, "replacesPolicyIds", List.of(first)))
                .then()
                .statusCode(409)
                .body("conflictingPolicyIds", containsInAnyOrder(second));

        String merged = deploy(
                Map.of("objectType", "email", "retentionPeriod", 50, "replacesPolicyIds", List.of(first, second)));
        api(token)
                .get(POLICIES)
                .then()
                .body("entities", hasSize(1))
                .body("entities[0].id", equalTo(merged))
                .body("entities[0].retentionPeriod", equalTo(50));
        api(token).get(POLICIES + "/" + first).then().statusCode(404);
    }

    @Test
    void jobCompletionMinusOneNeverCompletes() {
        config(Map.of("jobCompletionMs", -1));
        String jobId = submit(Map.of("objectType", "sms", "retentionPeriod", 30))
                .then()
                .statusCode(202)
                .extract()
                .path("jobId");
        Awaitility.await()
                .during(Duration.ofMillis(400))
                .atMost(Duration.ofSeconds(2))
                .until(() -> "RUNNING".equals(job(jobId).get("status").asText()));
        api(token).get(POLICIES).then().body("total", equalTo(0));
    }

    @Test
    void failNextMakesJobsEndFailedWithAnErrorMessage() {
        given().contentType(ContentType.JSON)
                .body(Map.of("count", 1, "errorMessage", "storage quota exceeded"))
                .post("/sim/retention/fail-next")
                .then()
                .statusCode(200)
                .body("count", equalTo(1));
        String failed = submit(Map.of("objectType", "task", "retentionPeriod", 30))
                .then()
                .statusCode(202)
                .extract()
                .path("jobId");
        Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> "FAILED".equals(job(failed).get("status").asText()));
        assertThat(job(failed).get("errorMessage").asText()).isEqualTo("storage quota exceeded");
        api(token).get(POLICIES).then().body("total", equalTo(0));
        deploy(Map.of("objectType", "task", "retentionPeriod", 30));

        given().contentType(ContentType.JSON)
                .body(Map.of("count", -1))
                .post("/sim/retention/fail-next")
                .then()
                .statusCode(400);
    }

    @Test
    void refusesPoliciesWithoutObjectTypeOrRetentionPeriod() {
        submit(Map.of("retentionPeriod", 30)).then().statusCode(400).body("code", equalTo("bad.request"));
        submit(Map.of("objectType", "call")).then().statusCode(400);
        submit(Map.of("objectType", "call", "retentionPeriod", "thirty")).then().statusCode(400);
        submit(Map.of("objectType", "call", "retentionPeriod", 30, "replacesPolicyIds", "abc"))
                .then()
                .statusCode(400);
        api(token).get("/api/v2/datamanagement/jobs/unknown").then().statusCode(404);
    }

    @Test
    void resetForgetsPoliciesAndJobs() {
        String policy = deploy(Map.of("objectType", "interaction", "retentionPeriod", 30));
        given().post("/sim/reset").then().statusCode(204);
        token = token();
        api(token).get(POLICIES).then().body("total", equalTo(0));
        api(token).get(POLICIES + "/" + policy).then().statusCode(404);
    }
}
