package io.cxbridge.fulfillment;

import static io.cxbridge.fulfillment.FulfillmentTestSupport.LOG_LINES;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.cxbridge.fulfillment.config.FulfillmentConfig;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.RedisResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.RedisAPI;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A job's state in Redis that no longer reads (edited by hand, written by another version) answers 500 without a
 * value of it reaching the log: Jackson's message quotes what it stopped at, and the state holds the job's inputs.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(FulfillmentTestResource.class)
class DamagedJobStateTest {

    private static final String NUMBER = "+15551234567";

    @Inject
    RedisAPI redis;

    @Inject
    FulfillmentConfig config;

    @BeforeEach
    void setUp() {
        FulfillmentTestSupport.captureLogs();
    }

    @Test
    void aStateThatDoesNotReadIs500AndNoValueOfItIsLogged() {
        String wrongType = UUID.randomUUID().toString();
        String notJson = UUID.randomUUID().toString();
        set(wrongType, "{\"jobId\":\"" + wrongType + "\",\"attempts\":\"" + NUMBER + "\"}");
        set(notJson, "{\"jobId\":\"" + notJson + "\",\"to\":tel" + NUMBER + "}");

        for (String jobId : List.of(wrongType, notJson)) {
            given().get("/v1/fulfillment/jobs/" + jobId)
                    .then()
                    .statusCode(500)
                    .contentType("application/problem+json")
                    .body("detail", equalTo("the service could not handle the request"));
        }
        assertThat(LOG_LINES)
                .anySatisfy(line ->
                        assertThat(line).contains("job state cannot be read: field 'attempts' has the wrong type"))
                .anySatisfy(line ->
                        assertThat(line).contains("job state cannot be read: the stored value is not valid JSON"))
                .noneSatisfy(line -> assertThat(line).contains("5551234567"));
    }

    private void set(String jobId, String value) {
        redis.set(List.of(config.keyPrefix() + ":job:" + jobId, value, "PX", "60000"))
                .await()
                .atMost(Duration.ofSeconds(10));
    }
}
