package io.cxbridge.gateway.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.matchesPattern;

import com.fasterxml.jackson.databind.JsonNode;
import io.cloudevents.CloudEvent;
import io.cxbridge.gateway.RawHttp;
import io.cxbridge.gateway.routes.EchoBackendResource;
import io.cxbridge.model.Json;
import io.cxbridge.model.Topics;
import io.cxbridge.model.audit.AuditEvent;
import io.cxbridge.model.audit.AuditTypes;
import io.cxbridge.model.problem.Problem;
import io.cxbridge.testkit.KafkaBroker;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.TopicReader;
import io.cxbridge.testkit.sim.GenesysSimResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
@QuarkusTestResource(EchoBackendResource.class)
class FailedRunIngestionTest {

    private static final String PATH = "/v1/data-actions/failed-runs";

    @TestHTTPResource("/")
    URL gateway;

    private static RequestSpecification demo() {
        return given().header("X-API-Key", "cxb_demo_key").contentType(ContentType.JSON);
    }

    @Test
    void aValidRunIsOnItsTopicKeyedByActionIdBeforeThe202() throws Exception {
        String originalRunId = "run-" + UUID.randomUUID();
        String requestId = accepted(demo(), """
                        {"actionId":"custom_-_3f2b","originalRunId":"%s","requestPayload":{"customerId":"c-1"}}""".formatted(originalRunId));

        ConsumerRecord<String, byte[]> record = TopicReader.await(
                        KafkaBroker.shared().bootstrapServers(),
                        Topics.FAILED_RUNS,
                        1,
                        r -> new String(r.value()).contains(requestId),
                        Duration.ofSeconds(10))
                .get(0);
        assertThat(record.key()).isEqualTo("custom_-_3f2b");
        JsonNode run = Json.mapper().readTree(record.value());
        assertThat(run.get("originalRunId").asText()).isEqualTo(originalRunId);
        assertThat(run.get("attempt").asInt()).isZero();
        assertThat(run.get("requestPayload").get("customerId").asText()).isEqualTo("c-1");
        assertThat(Instant.parse(run.get("firstFailedAt").asText()))
                .isBefore(Instant.now().plusSeconds(1));
        assertThat(run.get("traceId").asText()).matches("[0-9a-f]{32}");
    }

    @Test
    void aClientRequestIdIsKeptSoRetriesAreRecognisable() {
        String requestId = UUID.randomUUID().toString();
        demo().body("""
                        {"requestId":"%s","actionId":"a-1","originalRunId":"r","requestPayload":{}}""".formatted(requestId)).post(PATH).then().statusCode(202).body("requestId", equalTo(requestId));
    }

    @Test
    void aRunSentAgainWithoutRequestIdIsTheSameRunForTheSameClientActionAndOriginalRun() {
        String originalRunId = "run-" + UUID.randomUUID();
        String body = """
                {"actionId":"allowed_action","originalRunId":"%s","requestPayload":{"n":1}}""";
        String first = accepted(demo(), body.formatted(originalRunId));
        assertThat(accepted(demo(), body.formatted(originalRunId)))
                .as("the same run sent again")
                .isEqualTo(first);
        assertThat(accepted(demo(), body.formatted(originalRunId + "-2")))
                .as("another original run")
                .isNotEqualTo(first);
        RequestSpecification intake =
                given().header("X-API-Key", "cxb_intake_key").contentType(ContentType.JSON);
        assertThat(accepted(intake, body.formatted(originalRunId)))
                .as("another client's run")
                .isNotEqualTo(first);
    }

    private static String accepted(RequestSpecification client, String body) {
        return client.body(body)
                .post(PATH)
                .then()
                .statusCode(202)
                .body("requestId", matchesPattern("[0-9a-f-]{36}"))
                .extract()
                .path("requestId");
    }

    @Test
    void badBodiesGetOne400ListingEveryViolationAndPublishNothing() {
        String marker = "bad-" + UUID.randomUUID();
        demo().body("""
                        {"actionId":"../../sim/stats","requestPayload":["not","an","object"],"traceId":"%s"}""".formatted(marker))
                .post(PATH)
                .then()
                .statusCode(400)
                .contentType(Problem.MEDIA_TYPE)
                .body("type", equalTo(Problem.VALIDATION))
                .body("violations.field", hasItems("actionId", "originalRunId", "requestPayload"));
        demo().body("{not json").post(PATH).then().statusCode(400).contentType(Problem.MEDIA_TYPE);
        demo().body("[1,2]").post(PATH).then().statusCode(400).body("violations[0].field", equalTo("body"));
        demo().body("{\"actionId\":\"a\",\"originalRunId\":\"r\",\"requestPayload\":{},\"attempt\":\"many\"}")
                .post(PATH)
                .then()
                .statusCode(400)
                .body("detail", containsString("wrong type"));

        assertThat(TopicReader.readAll(
                        KafkaBroker.shared().bootstrapServers(), Topics.FAILED_RUNS, Duration.ofSeconds(10)))
                .noneMatch(r -> new String(r.value()).contains(marker));
    }

    @Test
    void aClientHandsOverOnlyRunsOfActionsItMayExecuteItself() {
        // The intake is no way around a grant: retry-svc resubmits the run with the organisation's token.
        String marker = "forbidden-" + UUID.randomUUID();
        given().header("X-API-Key", "cxb_intake_key")
                .contentType(ContentType.JSON)
                .body("""
                        {"actionId":"other_action","originalRunId":"%s","requestPayload":{}}""".formatted(marker))
                .post(PATH)
                .then()
                .statusCode(403)
                .contentType(Problem.MEDIA_TYPE)
                .body(
                        "detail",
                        containsString("'intake' may not POST /api/v2/integrations/actions/other_action/execute"));
        String allowed = given().header("X-API-Key", "cxb_intake_key")
                .contentType(ContentType.JSON)
                .body("""
                        {"actionId":"allowed_action","originalRunId":"r","requestPayload":{}}""")
                .post(PATH)
                .then()
                .statusCode(202)
                .extract()
                .path("requestId");

        TopicReader.await(
                KafkaBroker.shared().bootstrapServers(),
                Topics.FAILED_RUNS,
                1,
                r -> new String(r.value()).contains(allowed),
                Duration.ofSeconds(10));
        assertThat(TopicReader.readAll(
                        KafkaBroker.shared().bootstrapServers(), Topics.FAILED_RUNS, Duration.ofSeconds(10)))
                .noneMatch(r -> new String(r.value()).contains(marker));
    }

    @Test
    void aChunkedBodyOverTheLimitIs413AndPublishesNothing() throws Exception {
        // A valid run padded with whitespace past the 10 MiB limit: read whole, it would parse and be published.
        String marker = "chunked-" + UUID.randomUUID();
        String answer = RawHttp.chunkedUpload(
                gateway,
                "POST " + PATH,
                "X-API-Key: cxb_demo_key\r\nContent-Type: application/json\r\n",
                """
                        {"actionId":"a-3","originalRunId":"%s","requestPayload":{}}""".formatted(marker).getBytes(StandardCharsets.UTF_8),
                20L * 1024 * 1024);
        // Positive control: a run of the same action sent after it is seen on the topic, so the topic read below is
        // the right one and reaches past the moment the refused run would have been published.
        String control = accepted(demo(), """
                        {"actionId":"a-3","originalRunId":"control-%s","requestPayload":{}}""".formatted(UUID.randomUUID()));
        TopicReader.await(
                KafkaBroker.shared().bootstrapServers(),
                Topics.FAILED_RUNS,
                1,
                r -> new String(r.value()).contains(control),
                Duration.ofSeconds(10));
        List<String> published =
                TopicReader.readAll(KafkaBroker.shared().bootstrapServers(), Topics.FAILED_RUNS, Duration.ofSeconds(10))
                        .stream()
                        .map(r -> new String(r.value(), StandardCharsets.UTF_8))
                        .toList();

        SoftAssertions.assertSoftly(softly -> {
            softly.assertThat(answer).startsWith("HTTP/1.1 413");
            softly.assertThat(published)
                    .as("the failed-runs topic up to the control run")
                    .anyMatch(run -> run.contains(control))
                    .noneMatch(run -> run.contains(marker));
        });
    }

    @Test
    void aRunLargerThanAKafkaRecordIs413NotARetryLater() {
        // Under the gateway's 10 MiB body limit, over the producer's 1 MiB record: refused at once, and would be again.
        String marker = "large-" + UUID.randomUUID();
        String big = "x".repeat(1_200_000);
        demo().body("""
                        {"actionId":"a-4","originalRunId":"%s","requestPayload":{"blob":"%s"}}""".formatted(marker, big))
                .post(PATH)
                .then()
                .statusCode(413)
                .contentType(Problem.MEDIA_TYPE)
                .body("detail", containsString("larger than one Kafka record"));
        assertThat(TopicReader.readAll(
                        KafkaBroker.shared().bootstrapServers(), Topics.FAILED_RUNS, Duration.ofSeconds(10)))
                .noneMatch(r -> new String(r.value()).contains(marker));
    }

    @Test
    void everyRequestYieldsOneAuditEventWithTheClientsTraceId() {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736"
                .replace("4bf9", Integer.toHexString(0x1000 + (int) (Math.random() * 0xefff)));
        demo().header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
                .body("{\"actionId\":\"a-2\",\"originalRunId\":\"r\",\"requestPayload\":{}}")
                .post(PATH)
                .then()
                .statusCode(202);

        ConsumerRecord<String, byte[]> record = TopicReader.await(
                        KafkaBroker.shared().bootstrapServers(),
                        Topics.AUDIT,
                        1,
                        TopicReader.header(AuditEvent.H_TRACEID, traceId),
                        Duration.ofSeconds(10))
                .get(0);
        CloudEvent event = TopicReader.cloudEvent(record);
        assertThat(event.getType()).isEqualTo(AuditTypes.GATEWAY_REQUEST);
        assertThat(event.getSource().toString()).isEqualTo("/cxbridge/gateway-svc");
        assertThat(new String(event.getData().toBytes()))
                .contains("\"clientId\":\"demo\"")
                .contains("\"method\":\"POST\"")
                .contains("\"path\":\"" + PATH + "\"")
                .contains("\"status\":202")
                .doesNotContain("cxb_demo_key");
        assertThat(TopicReader.readAll(KafkaBroker.shared().bootstrapServers(), Topics.AUDIT, Duration.ofSeconds(10)))
                .filteredOn(TopicReader.header(AuditEvent.H_TRACEID, traceId)::test)
                .hasSize(1);
    }

    @Test
    void whileTheBrokerIsDownTheAnswerIs503WithRetryAfterWithinAboutFiveSecondsThen202Again() {
        KafkaBroker broker = KafkaBroker.shared();
        String originalRunId = "r-" + UUID.randomUUID();
        String body = "{\"actionId\":\"a-3\",\"originalRunId\":\"" + originalRunId + "\",\"requestPayload\":{}}";
        String detail;
        broker.stop();
        try {
            long start = System.nanoTime();
            detail = demo().body(body)
                    .post(PATH)
                    .then()
                    .statusCode(503)
                    .contentType(Problem.MEDIA_TYPE)
                    .header("Retry-After", "5")
                    .body("detail", containsString("retry with requestId"))
                    .extract()
                    .path("detail");
            assertThat((System.nanoTime() - start) / 1_000_000).isBetween(4_000L, 8_000L);
        } finally {
            broker.start();
        }
        String[] sent = new String[1];
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> sent[0] = demo().body(body)
                        .post(PATH)
                        .then()
                        .statusCode(202)
                        .extract()
                        .path("requestId"));
        // The producer still holds the first send after its 503 and may deliver it once the broker is back: it and
        // the run sent again are one requestId, the one the 503 named, so retry-svc runs the action once.
        assertThat(detail).contains("retry with requestId " + sent[0]);
        assertThat(TopicReader.readAll(
                        KafkaBroker.shared().bootstrapServers(), Topics.FAILED_RUNS, Duration.ofSeconds(10)))
                .filteredOn(r -> new String(r.value()).contains(originalRunId))
                .isNotEmpty()
                .allSatisfy(r -> assertThat(Json.mapper()
                                .readTree(r.value())
                                .get("requestId")
                                .asText())
                        .isEqualTo(sent[0]));
    }
}
