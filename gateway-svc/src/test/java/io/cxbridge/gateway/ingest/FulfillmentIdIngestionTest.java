package io.cxbridge.gateway.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;

import io.cxbridge.gateway.routes.EchoBackendResource;
import io.cxbridge.model.Json;
import io.cxbridge.model.Topics;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * {@code fulfillmentId} is the receiver's Idempotency-Key and the posted mark's key: it must be one URL path segment
 * the fulfillment URL policy allows, and the very id the fulfillment URL names. A control character in it once got a
 * 202, and fulfillment-svc then retried the job for ever (Vert.x refuses the header value), which stopped its
 * partition.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
@QuarkusTestResource(EchoBackendResource.class)
class FulfillmentIdIngestionTest {

    private static final String PATH = "/v1/fulfillment/execute";

    private static RequestSpecification demo() {
        return given().header("X-API-Key", "cxb_demo_key").contentType(ContentType.JSON);
    }

    private static String callbackUrl(String fulfillmentId) {
        return GenesysSim.shared().baseUrl() + "/api/v2/dataactions/fulfillments/" + fulfillmentId;
    }

    private static String body(String url, String fulfillmentId, String tag) {
        var node = Json.mapper().createObjectNode().put("fulfillmentUrl", url).put("fulfillmentToken", "t");
        node.putObject("data").put("probe", tag);
        if (fulfillmentId != null) {
            node.put("fulfillmentId", fulfillmentId);
        }
        return node.toString();
    }

    /** Every record on the jobs topic whose data carries {@code tag}, once {@code sentinel}'s record is there. */
    private static List<ConsumerRecord<String, byte[]>> publishedWith(String tag, String sentinelJobId) {
        TopicReader.await(
                KafkaBroker.shared().bootstrapServers(),
                Topics.FULFILLMENT_JOBS,
                1,
                r -> new String(r.value(), StandardCharsets.UTF_8).contains(sentinelJobId),
                Duration.ofSeconds(10));
        return TopicReader.readAll(
                        KafkaBroker.shared().bootstrapServers(), Topics.FULFILLMENT_JOBS, Duration.ofSeconds(10))
                .stream()
                .filter(r -> new String(r.value(), StandardCharsets.UTF_8).contains(tag))
                .toList();
    }

    @Test
    void aFulfillmentIdThatIsNotOneAllowedPathSegmentIs400NamingItAndNothingIsPublished() {
        String tag = "probe-" + UUID.randomUUID();
        String fid = "ff-" + UUID.randomUUID();
        for (String bad : List.of("abc\u0001", "a\nb", "a/b", "a b", "x".repeat(257), "..", "caf\u00e9")) {
            demo().body(body(callbackUrl(fid), bad, tag))
                    .post(PATH)
                    .then()
                    .statusCode(400)
                    .contentType(Problem.MEDIA_TYPE)
                    .body("violations.field", hasItem("fulfillmentId"))
                    .body("violations.field", everyItem(equalTo("fulfillmentId")));
        }
        // the same URL without the id, or with the id it names, is accepted: the refusals were for the id alone
        String sentinel = demo().body(body(callbackUrl(fid), null, tag))
                .post(PATH)
                .then()
                .statusCode(202)
                .body("fulfillmentId", equalTo(fid))
                .extract()
                .path("jobId");
        assertThat(publishedWith(tag, sentinel))
                .as("only the accepted job was published")
                .hasSize(1)
                .allSatisfy(r -> assertThat(r.key()).isEqualTo(fid));
    }

    @Test
    void anExplicitFulfillmentIdMustBeTheIdTheUrlNames() {
        String tag = "probe-" + UUID.randomUUID();
        String fid = "ff-" + UUID.randomUUID();
        // a valid id of its own, but not the one the URL names: it would key the posted mark and the receiver's
        // Idempotency-Key apart from the fulfillment the result is posted to
        demo().body(body(callbackUrl(fid), "ff-someone-else", tag))
                .post(PATH)
                .then()
                .statusCode(400)
                .contentType(Problem.MEDIA_TYPE)
                .body("violations[0].field", equalTo("fulfillmentId"))
                .body("violations[0].message", org.hamcrest.Matchers.containsString("fulfillmentUrl"));
        demo().body(body(callbackUrl(fid), fid.toUpperCase(java.util.Locale.ROOT), tag))
                .post(PATH)
                .then()
                .statusCode(400)
                .body("violations[0].field", equalTo("fulfillmentId"));
        // the id the URL names, given explicitly, and a blank one (taken as absent) are accepted
        demo().body(body(callbackUrl(fid), fid, tag))
                .post(PATH)
                .then()
                .statusCode(202)
                .body("fulfillmentId", equalTo(fid));
        String sentinel = demo().body(body(callbackUrl(fid), " ", tag))
                .post(PATH)
                .then()
                .statusCode(202)
                .body("fulfillmentId", equalTo(fid))
                .extract()
                .path("jobId");
        assertThat(publishedWith(tag, sentinel))
                .as("the two accepted jobs, both keyed by the URL's id")
                .hasSize(2)
                .allSatisfy(r -> assertThat(r.key()).isEqualTo(fid));
    }

    @Test
    void theOpenApiDocumentStatesTheRule() {
        given().accept(ContentType.JSON)
                .get("/q/openapi?format=json")
                .then()
                .statusCode(200)
                .body(
                        "components.schemas.FulfillmentRequest.properties.fulfillmentId.pattern",
                        equalTo("^" + io.cxbridge.model.event.Ids.FULFILLMENT_ID_REGEX + "$"))
                .body("components.schemas.FulfillmentRequest.properties.fulfillmentId.maxLength", equalTo(256));
    }
}
