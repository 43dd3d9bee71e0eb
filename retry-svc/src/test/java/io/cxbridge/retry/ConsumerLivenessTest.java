package io.cxbridge.retry;

import static io.cxbridge.retry.RetryFlowTest.newAction;
import static io.cxbridge.retry.RetryFlowTest.publish;
import static io.cxbridge.retry.RetryFlowTest.run;
import static org.awaitility.Awaitility.await;

import io.cxbridge.retry.support.WebhookReceiver;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.Management;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.sim.GenesysSimResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A consumer channel that stops makes {@code /q/health/live} DOWN, so the platform restarts the process. Forced
 * here by a schedule that never has room ({@code max-pending} 0) and a short unprocessed-record limit: the record
 * in hand never completes and the connector fails the channel.
 */
@QuarkusTest
@TestProfile(ConsumerLivenessTest.StuckConsumer.class)
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
@QuarkusTestResource(WebhookReceiver.class)
class ConsumerLivenessTest {

    public static class StuckConsumer implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "cxbridge.retry.max-pending",
                    "0",
                    "cxbridge.retry.key-prefix",
                    "cxbridge:retry:test-liveness",
                    "mp.messaging.incoming.failed-runs-in.throttled.unprocessed-record-max-age.ms",
                    "2000",
                    "mp.messaging.incoming.failed-runs-in.auto.commit.interval.ms",
                    "500");
        }
    }

    @Test
    void aStoppedConsumerChannelMakesLivenessDown() throws Exception {
        Management.given().get("/q/health/live").then().statusCode(200);
        String action = newAction();
        publish(action, run(UUID.randomUUID().toString(), action));
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> Management.given()
                                .get("/q/health/live")
                                .then()
                                .extract()
                                .statusCode()
                        == 503);
        Management.given().get("/q/health/live").then().body(org.hamcrest.Matchers.containsString("failed-runs-in"));
    }
}
