package io.cxbridge.gateway.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.matchesPattern;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.gateway.routes.EchoBackendResource;
import io.cxbridge.model.Json;
import io.cxbridge.model.Topics;
import io.cxbridge.model.crypto.TokenCipher;
import io.cxbridge.model.event.Ids;
import io.cxbridge.model.problem.Problem;
import io.cxbridge.testkit.KafkaBroker;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.TopicReader;
import io.cxbridge.testkit.sim.GenesysSim;
import io.cxbridge.testkit.sim.GenesysSimResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
@QuarkusTestResource(EchoBackendResource.class)
class FulfillmentIngestionTest {

    private static final String PATH = "/v1/fulfillment/execute";

    @Inject
    TokenCipher cipher;

    private static RequestSpecification demo() {
        return given().header("X-API-Key", "cxb_demo_key").contentType(ContentType.JSON);
    }

    private static String callbackUrl(String fulfillmentId) {
        return GenesysSim.shared().baseUrl() + "/api/v2/dataactions/fulfillments/" + fulfillmentId;
    }

    @Test
    void anAcceptedJobIsOnItsTopicWithTheTokenSealedAndTheDefaultsFilledIn() throws Exception {
        String fulfillmentId = "ff-" + UUID.randomUUID();
        String token = "clear-token-" + UUID.randomUUID();
        Instant before = Instant.now();
        String jobId = demo().body("""
                        {"fulfillmentUrl":"%s","fulfillmentToken":"%s","data":{"orderId":"o-1"}}""".formatted(callbackUrl(fulfillmentId), token))
                .post(PATH)
                .then()
                .statusCode(202)
                .body("status", equalTo("accepted"))
                .body("fulfillmentId", equalTo(fulfillmentId))
                .body("jobId", matchesPattern(Ids.UUID_REGEX))
                .extract()
                .path("jobId");

        ConsumerRecord<String, byte[]> record = TopicReader.await(
                        KafkaBroker.shared().bootstrapServers(),
                        Topics.FULFILLMENT_JOBS,
                        1,
                        r -> new String(r.value(), StandardCharsets.UTF_8).contains(jobId),
                        Duration.ofSeconds(10))
                .get(0);
        String value = new String(record.value(), StandardCharsets.UTF_8);
        assertThat(record.key()).isEqualTo(fulfillmentId);
        assertThat(value).as("the token is not readable in the record").doesNotContain(token);
        JsonNode job = Json.mapper().readTree(value);
        assertThat(cipher.decrypt(job.get("fulfillmentToken").asText(), fulfillmentId))
                .isEqualTo(token);
        assertThat(job.get("data").get("orderId").asText()).isEqualTo("o-1");
        Instant deadline = Instant.parse(job.get("deadline").asText());
        assertThat(deadline).isBetween(before.plusSeconds(59), Instant.now().plusSeconds(61));
        assertThat(UUID.fromString(jobId).version())
                .as("the jobId is a version 4 UUID")
                .isEqualTo(4);
    }

    @Test
    void aTokenWithAControlCharacterIs400NamingItWithoutQuotingItAndNothingIsPublished() {
        String fulfillmentId = "ff-" + UUID.randomUUID();
        for (String token : java.util.List.of("secret\u0001x", "secret\nx", "secret\u007fx")) {
            String detail = demo().body(Json.mapper()
                            .createObjectNode()
                            .put("fulfillmentUrl", callbackUrl(fulfillmentId))
                            .put("fulfillmentToken", token)
                            .toString())
                    .post(PATH)
                    .then()
                    .statusCode(400)
                    .contentType(Problem.MEDIA_TYPE)
                    .body("violations[0].field", equalTo("fulfillmentToken"))
                    .extract()
                    .asString();
            assertThat(detail).doesNotContain("secret");
        }
        // a tab may be in a header value: accepted, and the only job published for this fulfillment
        demo().body(Json.mapper()
                        .createObjectNode()
                        .put("fulfillmentUrl", callbackUrl(fulfillmentId))
                        .put("fulfillmentToken", "secret\tx")
                        .toString())
                .post(PATH)
                .then()
                .statusCode(202);
        TopicReader.await(
                KafkaBroker.shared().bootstrapServers(),
                Topics.FULFILLMENT_JOBS,
                1,
                r -> fulfillmentId.equals(r.key()),
                Duration.ofSeconds(10));
        assertThat(TopicReader.readAll(
                        KafkaBroker.shared().bootstrapServers(), Topics.FULFILLMENT_JOBS, Duration.ofSeconds(10)))
                .filteredOn(r -> fulfillmentId.equals(r.key()))
                .hasSize(1);
    }

    @Test
    void aRefusedUrlIs400NamingFulfillmentUrl() {
        demo().body("""
                        {"fulfillmentUrl":"https://evil.example/api/v2/dataactions/fulfillments/x","fulfillmentToken":"t","data":{}}""")
                .post(PATH)
                .then()
                .statusCode(400)
                .contentType(Problem.MEDIA_TYPE)
                .body("violations[0].field", equalTo("fulfillmentUrl"))
                .body("violations[0].message", equalTo("host evil.example is not an allowed Genesys host"));
        demo().body("""
                        {"fulfillmentUrl":"http://127.0.0.1:1/api/v2/x","fulfillmentToken":"t"}""").post(PATH).then().statusCode(400).body("violations[0].field", equalTo("fulfillmentUrl"));
    }

    @Test
    void aUrlWhosePathIsNotTheCallbackPathOrThatNamesCarrierGradeNatIs400AndNothingIsSent() {
        String sim = GenesysSim.shared().baseUrl();
        long before = GenesysSim.shared().control().stats().requestsTotal();
        for (String url : java.util.List.of(
                sim + "/sim/reset",
                sim + "/api/v2/users",
                sim + "/api/v2/dataactions/fulfillments/../../users",
                sim + "/api/v2/dataactions/fulfillments/a/b",
                sim + "/api/v2/dataactions/fulfillments/a?x=1",
                "https://100.64.0.1/api/v2/dataactions/fulfillments/a",
                "https://api.mypurecloud.com:8443/api/v2/dataactions/fulfillments/a")) {
            demo().body(Json.mapper()
                            .createObjectNode()
                            .put("fulfillmentUrl", url)
                            .put("fulfillmentToken", "t")
                            .put("fulfillmentId", "ff-x")
                            .toString())
                    .post(PATH)
                    .then()
                    .statusCode(400)
                    .contentType(Problem.MEDIA_TYPE)
                    .body("violations[0].field", equalTo("fulfillmentUrl"));
        }
        assertThat(GenesysSim.shared().control().stats().requestsTotal())
                .as("no request was made")
                .isEqualTo(before);
    }

    @Test
    void aTokenAtTheLimitIsAcceptedAndItsSealedJobIsValidOneByteMoreIsNot() throws Exception {
        String ascii = "t".repeat(TokenCipher.MAX_TOKEN_BYTES);
        String multibyte = "\u00e9".repeat(TokenCipher.MAX_TOKEN_BYTES / 2); // 8192 bytes in UTF-8
        for (String token : java.util.List.of(ascii, multibyte)) {
            String fulfillmentId = "ff-" + UUID.randomUUID();
            String jobId = demo().body(Json.mapper()
                            .createObjectNode()
                            .put("fulfillmentUrl", callbackUrl(fulfillmentId))
                            .put("fulfillmentToken", token)
                            .toString())
                    .post(PATH)
                    .then()
                    .statusCode(202)
                    .extract()
                    .path("jobId");
            ConsumerRecord<String, byte[]> record = TopicReader.await(
                            KafkaBroker.shared().bootstrapServers(),
                            Topics.FULFILLMENT_JOBS,
                            1,
                            r -> new String(r.value(), StandardCharsets.UTF_8).contains(jobId),
                            Duration.ofSeconds(10))
                    .get(0);
            io.cxbridge.model.event.FulfillmentJob job =
                    Json.mapper().readValue(record.value(), io.cxbridge.model.event.FulfillmentJob.class);
            assertThat(io.cxbridge.model.validation.Violations.of(validator, job))
                    .as("what fulfillment-svc validates the job against")
                    .isEmpty();
            assertThat(cipher.decrypt(job.fulfillmentToken(), fulfillmentId)).isEqualTo(token);
        }
        for (String token : java.util.List.of(ascii + "t", multibyte + "\u00e9", multibyte + "t")) {
            demo().body(Json.mapper()
                            .createObjectNode()
                            .put("fulfillmentUrl", callbackUrl("ff-big"))
                            .put("fulfillmentToken", token)
                            .toString())
                    .post(PATH)
                    .then()
                    .statusCode(400)
                    .body("violations[0].field", equalTo("fulfillmentToken"));
        }
    }

    @Inject
    jakarta.validation.Validator validator;

    @Test
    void missingFieldsAndAPastDeadlineAreListedTogether() {
        demo().body("{\"data\":{}}")
                .post(PATH)
                .then()
                .statusCode(400)
                .body("violations.field", hasItems("fulfillmentUrl", "fulfillmentToken"));
        demo().body("""
                        {"fulfillmentUrl":"%s","fulfillmentToken":"t","deadline":"2001-01-01T00:00:00Z"}""".formatted(callbackUrl("ff-late")))
                .post(PATH)
                .then()
                .statusCode(400)
                .body("violations[0].field", equalTo("deadline"));
        demo().body("{\"fulfillmentUrl\":\"x\",\"fulfillmentToken\":\"t\",\"deadline\":\"tomorrow\"}")
                .post(PATH)
                .then()
                .statusCode(400)
                .body("detail", org.hamcrest.Matchers.containsString("ISO-8601"));
    }

    @Test
    void aDeadlineMoreThanADayAheadIsRefusedAndNothingIsPublished() {
        String fid = "ff-" + UUID.randomUUID();
        String far = Instant.now().plus(Duration.ofHours(25)).toString();
        for (String deadline : java.util.List.of("+300000000-01-01T00:00:00Z", far)) {
            demo().body("""
                            {"fulfillmentUrl":"%s","fulfillmentToken":"t","deadline":"%s"}""".formatted(callbackUrl(fid), deadline))
                    .post(PATH)
                    .then()
                    .statusCode(400)
                    .contentType(Problem.MEDIA_TYPE)
                    .body("violations[0].field", equalTo("deadline"))
                    .body("violations[0].message", org.hamcrest.Matchers.containsString("24 hours"));
        }
        // within the day: accepted, and the only job of this id on the topic
        String near = Instant.now().plus(Duration.ofHours(23)).toString();
        String sentinel = demo().body("""
                        {"fulfillmentUrl":"%s","fulfillmentToken":"t","deadline":"%s"}""".formatted(callbackUrl(fid), near))
                .post(PATH)
                .then()
                .statusCode(202)
                .extract()
                .path("jobId");
        assertThat(JobsTopic.keysOnceSeen(sentinel).stream().filter(fid::equals))
                .as("only the accepted job was published")
                .hasSize(1);
    }

    @Test
    void theTokenIsNeverEchoedInAnAnswer() {
        String token = "log-probe-" + UUID.randomUUID();
        demo().body("""
                        {"fulfillmentUrl":"%s","fulfillmentToken":"%s"}""".formatted(callbackUrl("ff-log"), token))
                .post(PATH)
                .then()
                .statusCode(202);
        demo().body("""
                        {"fulfillmentUrl":"https://evil.example/x","fulfillmentToken":"%s"}""".formatted(token))
                .post(PATH)
                .then()
                .statusCode(400)
                .body(org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString(token)));
    }
}
