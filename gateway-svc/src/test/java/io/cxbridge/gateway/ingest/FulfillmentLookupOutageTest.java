package io.cxbridge.gateway.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.sim.GenesysSim;
import io.cxbridge.testkit.sim.GenesysSimResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A fulfillment URL whose host is allowed but cannot be looked up in DNS (here a name under {@code .invalid}, which
 * never resolves) is a 503 to send again, not a 400 refusing the URL: to the gateway a resolver outage looks the same.
 * Nothing is published.
 */
@QuarkusTest
@TestProfile(FulfillmentLookupOutageTest.UnresolvableAllowedHost.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
class FulfillmentLookupOutageTest {

    private static final String HOST = "lookup-fails.invalid";

    public static class UnresolvableAllowedHost implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("cxbridge.fulfillment-url.allowed-hosts", "api.mypurecloud.com," + HOST);
        }
    }

    @Test
    void anAllowedHostThatCannotBeLookedUpIs503WithRetryAfterAndNothingIsPublished() {
        String fulfillmentId = "ff-" + UUID.randomUUID();
        given().header("X-API-Key", "cxb_demo_key")
                .contentType(ContentType.JSON)
                .body("""
                        {"fulfillmentUrl":"https://%s/api/v2/dataactions/fulfillments/%s","fulfillmentToken":"t"}""".formatted(HOST, fulfillmentId))
                .post("/v1/fulfillment/execute")
                .then()
                .statusCode(503)
                .contentType("application/problem+json")
                .header("Retry-After", equalTo(String.valueOf(FulfillmentIngestion.LOOKUP_RETRY_AFTER_SECONDS)))
                .body("detail", containsString("could not be looked up"));

        // a control job (a test host, no lookup) sent after it is on the topic; the refused one is not
        String control = "ff-" + UUID.randomUUID();
        given().header("X-API-Key", "cxb_demo_key")
                .contentType(ContentType.JSON)
                .body("""
                        {"fulfillmentUrl":"%s/api/v2/dataactions/fulfillments/%s","fulfillmentToken":"t"}""".formatted(GenesysSim.shared().baseUrl(), control))
                .post("/v1/fulfillment/execute")
                .then()
                .statusCode(202);
        assertThat(JobsTopic.keysOnceSeen(control)).contains(control).doesNotContain(fulfillmentId);
    }
}
