package io.cxbridge.gateway.audit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

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

    private static final List<String> SECRETS = List.of("jane.doe@example.com", "+1 555 010 0199", "555-010-0199",
            "4111 1111 1111 1111", "4111111111111111", "123-45-6789", "Jane Doe", "cxb_demo_key",
            "cxbridge-local-secret", "s3cr3t-fulfillment-token", "session=abc123");

    @Test
    void noPiiOrSecretReachesALogLine() {
        LogCapture capture = LogCapture.start();
        List<String> lines = capture.lines();
        try {
            GenesysSim.shared().control().reset();
            given().header("X-API-Key", "cxb_demo_key").get("/api/v2/warmup").then().statusCode(200);
            given().header("Authorization", "Bearer cxb_demo_key").header("Cookie", "session=abc123")
                    .header("X-Caller-Email", "jane.doe@example.com")
                    .contentType(ContentType.JSON)
                    .body("""
                            {"name":"Jane Doe","contact":{"email":"jane.doe@example.com","phone":"+1 555 010 0199"},
                             "card":"4111 1111 1111 1111","ssn":"123-45-6789","note":"call 555-010-0199"}""")
                    .post("/api/v2/external/contacts?email=jane.doe@example.com&card=4111111111111111&pageSize=5")
                    .then().statusCode(200);
            given().header("X-API-Key", "cxb_demo_key").contentType(ContentType.JSON)
                    .body("""
                            {"fulfillmentUrl":"%s/api/v2/dataactions/fulfillments/ff-log","fulfillmentToken":"s3cr3t-fulfillment-token",
                             "data":{"email":"jane.doe@example.com"}}""".formatted(GenesysSim.shared().baseUrl()))
                    .post("/v1/fulfillment/execute").then().statusCode(202);
            given().header("X-API-Key", "cxb_wrong_key_jane.doe@example.com").get("/api/v2/routing/queues")
                    .then().statusCode(401);
        } finally {
            capture.close();
        }

        assertThat(lines).as("the request log lines were captured")
                .anyMatch(l -> l.contains("POST /api/v2/external/contacts?email=[REDACTED]&card=[REDACTED]&pageSize=5"));
        assertThat(lines).anyMatch(l -> l.contains("body {") && l.contains("[REDACTED]"));
        assertThat(lines).as("the answer, which echoes the contact, is logged redacted")
                .anyMatch(l -> l.contains("POST /api/v2/external/contacts") && l.contains(" response {"));
        for (String secret : SECRETS) {
            assertThat(lines).as("a log line holds '%s'", secret).noneMatch(l -> l.contains(secret));
        }
    }
}
