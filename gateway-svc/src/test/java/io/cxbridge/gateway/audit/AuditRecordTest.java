package io.cxbridge.gateway.audit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cxbridge.gateway.routes.EchoBackendResource;
import io.cxbridge.model.Json;
import io.cxbridge.model.Topics;
import io.cxbridge.model.audit.AuditEvent;
import io.cxbridge.model.audit.GatewayRequestAudit;
import io.cxbridge.testkit.KafkaBroker;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.TopicReader;
import io.cxbridge.testkit.sim.GenesysSimResource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The gateway's audit record as it reaches the broker since issue #20: its data written straight from
 * {@code GatewayRequestAudit} (today's field names, in today's order), the CloudEvents headers and no Kafka span's
 * {@code traceparent} (the audit channel is not traced; the event carries its trace id), and the outcome counted.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
@QuarkusTestResource(EchoBackendResource.class)
class AuditRecordTest {

    static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    MeterRegistry registry;

    /** Zero until the emitter (an application-scoped bean, made on first use) has registered its counter. */
    double sent() {
        Counter counter =
                registry.find("cxbridge.audit.events").tag("outcome", "sent").counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void aRequestsAuditRecordHasTheCloudEventsHeadersNoSpanAndTodaysFields() throws Exception {
        String traceId = String.format("%032x", ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE));
        double before = sent();

        // a proxied call, the gateway's hot path
        given().header("X-API-Key", "cxb_demo_key")
                .header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
                .get("/api/v2/routing/queues")
                .then()
                .statusCode(200);

        String bootstrap = KafkaBroker.shared().bootstrapServers();
        Predicate<ConsumerRecord<String, byte[]>> ofThisRequest = TopicReader.header(AuditEvent.H_TRACEID, traceId);
        ConsumerRecord<String, byte[]> record = TopicReader.await(bootstrap, Topics.AUDIT, 1, ofThisRequest, WAIT)
                .get(0);

        // the attributes any event of this service carries (AuditEventTest pins them), and no producer span's
        // traceparent: the audit channel is not traced
        Set<String> attributes = AuditEvent.create("gateway-svc", "t", "s", traceId, Instant.EPOCH, null)
                .kafkaHeaders()
                .keySet();
        assertThat(TopicReader.headers(record).keySet()).containsExactlyInAnyOrderElementsOf(attributes);
        assertThat(record.key()).isEqualTo(traceId);
        List<String> fields = new ArrayList<>();
        for (Iterator<String> it = Json.mapper().readTree(record.value()).fieldNames(); it.hasNext(); ) {
            fields.add(it.next());
        }
        // shared-model's AuditValueTest pins these names to the ones the gateway always wrote
        List<String> expected = new ArrayList<>();
        for (RecordComponent c : GatewayRequestAudit.class.getRecordComponents()) {
            expected.add(c.getName());
        }
        expected.add("traceId");
        assertThat(fields).containsExactlyElementsOf(expected);
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(sent())
                        .as("the acknowledged record is counted")
                        .isGreaterThanOrEqualTo(before + 1));
    }
}
