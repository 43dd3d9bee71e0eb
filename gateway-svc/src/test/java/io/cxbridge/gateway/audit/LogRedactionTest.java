package io.cxbridge.gateway.audit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.lessThan;

import io.cxbridge.gateway.routes.EchoBackendResource;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.sim.GenesysSim;
import io.cxbridge.testkit.sim.GenesysSimResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Sends PII and secrets every way a client can, and greps everything the gateway logged meanwhile. */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
@QuarkusTestResource(EchoBackendResource.class)
class LogRedactionTest {

    private static final List<String> SECRETS = List.of(
            "jane.doe@example.com",
            "+1 555 010 0199",
            "555-010-0199",
            "4111 1111 1111 1111",
            "4111111111111111",
            "123-45-6789",
            "Jane Doe",
            "cxb_demo_key",
            "cxbridge-local-secret",
            "s3cr3t-fulfillment-token",
            "session=abc123");

    @Test
    void formYamlAndMalformedJsonBodiesAreRedactedByKeyAndPattern() {
        LogCapture capture = LogCapture.start();
        List<String> lines = capture.lines();
        try {
            GenesysSim.shared().control().reset();
            given().header("X-API-Key", "cxb_demo_key")
                    .contentType(ContentType.URLENC)
                    .body("client_secret=s3cr3t&name=Jane+Doe&grant=client_credentials")
                    .post("/api/v2/external/forms")
                    .then()
                    .statusCode(lessThan(500));
            given().header("X-API-Key", "cxb_demo_key")
                    .contentType("application/yaml")
                    .body(
                            ("policies:\n  - name: Jane Doe\n    fulfillmentToken: s3cr3t\n    note: mail jane.doe@example.com\n"
                                            + "password: |\n  s3cr3t\n")
                                    .getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    .post("/v1/retention/apply")
                    .then()
                    .statusCode(200);
            given().header("X-API-Key", "cxb_demo_key")
                    .contentType(ContentType.JSON)
                    .body("{\"contact\":\"jane.doe@example.com\",\"token\":\"s3cr3t\",\"name\":\"Jane")
                    .post("/api/v2/external/contacts")
                    .then()
                    .statusCode(lessThan(500));
            given().header("X-API-Key", "cxb_demo_key")
                    .contentType(ContentType.TEXT)
                    .body("password=s3cr3t for Jane.Doe2@example.com")
                    .post("/api/v2/external/notes")
                    .then()
                    .statusCode(lessThan(500));
            given().header("X-API-Key", "cxb_demo_key")
                    .contentType("application/octet-stream")
                    .body(new byte[] {0, 1, 2, 's', '3', 'c', 'r', '3', 't'})
                    .post("/api/v2/external/blobs")
                    .then()
                    .statusCode(lessThan(500));
            // the request line is written when the response has ended, just after the client has read it
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> lines.stream().anyMatch(l -> l.contains("POST /api/v2/external/blobs")));
        } finally {
            capture.close();
        }

        assertThat(lines)
                .as("the form body is logged, masked by key")
                .anyMatch(l -> l.contains("client_secret=[REDACTED]&name=[REDACTED]&grant=client_credentials"));
        assertThat(lines)
                .as("the YAML body is logged, masked by key")
                .anyMatch(l -> l.contains("POST /v1/retention/apply") && l.contains("fulfillmentToken: [REDACTED]"));
        assertThat(lines)
                .as("the cut-short JSON is logged, masked by key and pattern")
                .anyMatch(l -> l.contains("\"token\":[REDACTED]"));
        assertThat(lines).as("a binary body is only size and hash").anyMatch(l -> l.contains("body 9 B sha256 "));
        for (String secret : List.of("s3cr3t", "Jane", "jane.doe@example.com", "Jane.Doe2@example.com")) {
            assertThat(lines).as("a log line holds '%s'", secret).noneMatch(l -> l.contains(secret));
        }
    }

    @Test
    void piiInSafeQueryValuesAndInPathSegmentsIsMaskedOnceDecoded() {
        LogCapture capture = LogCapture.start();
        List<String> lines = capture.lines();
        try {
            given().header("X-API-Key", "cxb_demo_key")
                    .urlEncodingEnabled(false)
                    .get("/api/v2/users/+15551234567/presence"
                            + "?type=jane%40example.com&state=%2B1%20555%20123%204567&expand=4111111111111111"
                            + "&cursor=abc%20def&pageSize=5")
                    .then()
                    .statusCode(lessThan(500));
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> lines.stream().anyMatch(l -> l.contains("pageSize=5")));
        } finally {
            capture.close();
        }
        assertThat(lines)
                .as("safe-listed values are redacted as text once decoded; harmless ones stay as they came")
                .anyMatch(l -> l.contains("GET /api/v2/users/[REDACTED]/presence"
                        + "?type=[REDACTED]&state=[REDACTED]&expand=[REDACTED]&cursor=abc%20def&pageSize=5"));
        for (String secret : List.of("15551234567", "jane%40example.com", "555%20123", "4111111111111111")) {
            assertThat(lines).as("a log line holds '%s'", secret).noneMatch(l -> l.contains(secret));
        }
    }

    @Test
    void noPiiOrSecretReachesALogLine() {
        LogCapture capture = LogCapture.start();
        List<String> lines = capture.lines();
        try {
            GenesysSim.shared().control().reset();
            given().header("X-API-Key", "cxb_demo_key")
                    .get("/api/v2/warmup")
                    .then()
                    .statusCode(200);
            given().header("Authorization", "Bearer cxb_demo_key")
                    .header("Cookie", "session=abc123")
                    .header("X-Caller-Email", "jane.doe@example.com")
                    .contentType(ContentType.JSON)
                    .body("""
                            {"name":"Jane Doe","contact":{"email":"jane.doe@example.com","phone":"+1 555 010 0199"},
                             "card":"4111 1111 1111 1111","ssn":"123-45-6789","note":"call 555-010-0199"}""")
                    .post("/api/v2/external/contacts?email=jane.doe@example.com&card=4111111111111111&pageSize=5")
                    .then()
                    .statusCode(200);
            given().header("X-API-Key", "cxb_demo_key")
                    .contentType(ContentType.JSON)
                    .body("""
                            {"fulfillmentUrl":"%s/api/v2/dataactions/fulfillments/ff-log","fulfillmentToken":"s3cr3t-fulfillment-token",
                             "data":{"email":"jane.doe@example.com"}}""".formatted(GenesysSim.shared().baseUrl()))
                    .post("/v1/fulfillment/execute")
                    .then()
                    .statusCode(202);
            given().header("X-API-Key", "cxb_wrong_key_jane.doe@example.com")
                    .get("/api/v2/routing/queues")
                    .then()
                    .statusCode(401);
        } finally {
            capture.close();
        }

        assertThat(lines)
                .as("the request log lines were captured")
                .anyMatch(
                        l -> l.contains("POST /api/v2/external/contacts?email=[REDACTED]&card=[REDACTED]&pageSize=5"));
        assertThat(lines).anyMatch(l -> l.contains("body {") && l.contains("[REDACTED]"));
        assertThat(lines)
                .as("the answer, which echoes the contact, is logged redacted")
                .anyMatch(l -> l.contains("POST /api/v2/external/contacts") && l.contains(" response {"));
        for (String secret : SECRETS) {
            assertThat(lines).as("a log line holds '%s'", secret).noneMatch(l -> l.contains(secret));
        }
    }
}
