package io.cxbridge.sim;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.model.problem.Problem;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class FulfillmentTest extends SimTestBase {

    private static final String URL = "/api/v2/dataactions/fulfillments/";

    @Test
    void acceptsACallbackAndKeepsWhatWasPosted() {
        api().contentType(ContentType.JSON)
                .header("Idempotency-Key", "ff-1")
                .header("X-Fulfillment-Token", "tok-secret")
                .body(Map.of("status", "complete", "result", Map.of("answer", 42)))
                .post(URL + "ff-1")
                .then()
                .statusCode(200)
                .body("fulfillmentId", equalTo("ff-1"))
                .body("status", equalTo("accepted"));

        given().get("/sim/fulfillments/ff-1")
                .then()
                .statusCode(200)
                .body("fulfillmentId", equalTo("ff-1"))
                .body("callbacks", equalTo(1))
                .body("duplicateCallbacks", equalTo(0))
                .body("last.body.status", equalTo("complete"))
                .body("last.body.result.answer", equalTo(42))
                .body("last.fulfillmentToken", equalTo("tok-secret"))
                .body("last.idempotencyKey", equalTo("ff-1"))
                .body("last.authorization", equalTo(true));
        assertThat(stats().get("callbacks").get("ff-1").asLong()).isEqualTo(1);
    }

    @Test
    void aRepeatedIdempotencyKeyIsADuplicateAndIsNotAcceptedAgain() {
        String token = token();
        api(token)
                .contentType(ContentType.JSON)
                .header("Idempotency-Key", "ff-2")
                .body(Map.of("status", "complete", "result", Map.of("n", 1)))
                .post(URL + "ff-2")
                .then()
                .statusCode(200);
        api(token)
                .contentType(ContentType.JSON)
                .header("Idempotency-Key", "ff-2")
                .body(Map.of("status", "failed", "result", Map.of("n", 2)))
                .post(URL + "ff-2")
                .then()
                .statusCode(200)
                .header("Idempotent-Replayed", "true")
                .body("status", equalTo("duplicate"));
        api(token)
                .contentType(ContentType.JSON)
                .header("Idempotency-Key", "ff-2")
                .body(Map.of("status", "failed"))
                .post(URL + "ff-2")
                .then()
                .statusCode(200);

        JsonNode stats = stats();
        assertThat(stats.get("callbacks").get("ff-2").asLong()).isEqualTo(1);
        assertThat(stats.get("duplicateCallbacks").get("ff-2").asLong()).isEqualTo(2);
        // the first post is the one kept
        given().get("/sim/fulfillments/ff-2")
                .then()
                .body("last.body.status", equalTo("complete"))
                .body("duplicateCallbacks", equalTo(2));

        // the same key for another fulfillment id is another request
        api(token)
                .contentType(ContentType.JSON)
                .header("Idempotency-Key", "ff-2")
                .body("{}")
                .post(URL + "ff-3")
                .then()
                .body("status", equalTo("accepted"));
        // without a key every post is accepted
        api(token)
                .contentType(ContentType.JSON)
                .body("{}")
                .post(URL + "ff-4")
                .then()
                .body("status", equalTo("accepted"));
        api(token)
                .contentType(ContentType.JSON)
                .body("{}")
                .post(URL + "ff-4")
                .then()
                .body("status", equalTo("accepted"));
        assertThat(stats().get("callbacks").get("ff-4").asLong()).isEqualTo(2);
    }

    @Test
    void needsABearerAndAJsonBody() {
        given().contentType(ContentType.JSON)
                .header("Idempotency-Key", "k")
                .body("{}")
                .post(URL + "ff-5")
                .then()
                .statusCode(401);
        api().contentType(ContentType.JSON)
                .header("Idempotency-Key", "k")
                .body("not json")
                .post(URL + "ff-5")
                .then()
                .statusCode(400);
        assertThat(stats().get("callbacks").has("ff-5")).isFalse();
        given().get("/sim/fulfillments/ff-5").then().statusCode(404).contentType(Problem.MEDIA_TYPE);
    }

    @Test
    void aFaultedCallbackIsNotAccepted() {
        String token = token();
        fault(Map.of("path", URL + "*", "status", 503, "count", 1));
        api(token)
                .contentType(ContentType.JSON)
                .header("Idempotency-Key", "ff-6")
                .body("{}")
                .post(URL + "ff-6")
                .then()
                .statusCode(503);
        api(token)
                .contentType(ContentType.JSON)
                .header("Idempotency-Key", "ff-6")
                .body("{}")
                .post(URL + "ff-6")
                .then()
                .statusCode(200)
                .body("status", equalTo("accepted"));
        assertThat(stats().get("duplicateCallbacks").has("ff-6")).isFalse();
    }
}
