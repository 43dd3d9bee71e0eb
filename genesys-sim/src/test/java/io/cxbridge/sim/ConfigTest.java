package io.cxbridge.sim;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.model.problem.Problem;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ConfigTest extends SimTestBase {

    private static final String DEFAULTS = "{\"tokenExpiresIn\":86400,\"revokeOnRefresh\":false,"
            + "\"rateLimitPerMinute\":300,\"directorySize\":1300,\"externalLatencyMs\":0,\"jobCompletionMs\":500}";

    @Test
    void getReturnsEveryKeyWithItsDefault() throws Exception {
        String body = given().get("/sim/config")
                .then()
                .statusCode(200)
                .contentType(ContentType.JSON)
                .extract()
                .asString();
        assertThat(io.cxbridge.model.Json.mapper().readTree(body))
                .isEqualTo(io.cxbridge.model.Json.mapper().readTree(DEFAULTS));
    }

    @Test
    void anySubsetChangesAndTheWholeConfigurationComesBack() {
        given().contentType(ContentType.JSON)
                .body(Map.of("directorySize", 10, "revokeOnRefresh", true))
                .post("/sim/config")
                .then()
                .statusCode(200)
                .body("directorySize", equalTo(10))
                .body("revokeOnRefresh", equalTo(true))
                .body("tokenExpiresIn", equalTo(86400))
                .body("jobCompletionMs", equalTo(500));
        given().contentType(ContentType.JSON)
                .body(Map.of(
                        "jobCompletionMs", -1, "rateLimitPerMinute", 0, "externalLatencyMs", 25, "tokenExpiresIn", 300))
                .post("/sim/config")
                .then()
                .statusCode(200);
        given().get("/sim/config")
                .then()
                .body("directorySize", equalTo(10))
                .body("revokeOnRefresh", equalTo(true))
                .body("jobCompletionMs", equalTo(-1))
                .body("rateLimitPerMinute", equalTo(0))
                .body("externalLatencyMs", equalTo(25))
                .body("tokenExpiresIn", equalTo(300));
        given().contentType(ContentType.JSON)
                .body("{}")
                .post("/sim/config")
                .then()
                .statusCode(200)
                .body("directorySize", equalTo(10));
    }

    @Test
    void resetBringsTheDefaultsBack() {
        config(Map.of("directorySize", 10, "tokenExpiresIn", 5));
        given().post("/sim/reset").then().statusCode(204);
        given().get("/sim/config").then().body("directorySize", equalTo(1300)).body("tokenExpiresIn", equalTo(86400));
    }

    @Test
    void refusesBadValuesNamingEachAndChangesNothing() {
        Response response = given().contentType(ContentType.JSON)
                .body("{\"directorySize\":5,\"tokenExpiresIn\":-1,\"revokeOnRefresh\":\"yes\","
                        + "\"externalLatencyMs\":1.5,\"jobCompletionMs\":-2,\"colour\":\"blue\"}")
                .post("/sim/config");
        response.then()
                .statusCode(400)
                .contentType(Problem.MEDIA_TYPE)
                .body("type", equalTo(Problem.VALIDATION))
                .body("status", equalTo(400));
        JsonNode problem = json(response);
        assertThat(problem.get("violations"))
                .extracting(v -> v.get("field").asText())
                .containsExactlyInAnyOrder(
                        "colour", "tokenExpiresIn", "revokeOnRefresh", "externalLatencyMs", "jobCompletionMs");
        assertThat(problem.toString())
                .contains("unknown field")
                .contains("between 1 and 172800")
                .contains("true or false")
                .contains("integer");
        // the valid directorySize was not applied either
        given().get("/sim/config").then().body("directorySize", equalTo(1300));
    }

    @Test
    void refusesWrongTypesAndOutOfRangeOneByOne() {
        for (String body : List.of(
                "{\"tokenExpiresIn\":0}",
                "{\"tokenExpiresIn\":172801}",
                "{\"tokenExpiresIn\":\"60\"}",
                "{\"directorySize\":-1}",
                "{\"directorySize\":true}",
                "{\"externalLatencyMs\":-1}",
                "{\"jobCompletionMs\":-5}",
                "{\"rateLimitPerMinute\":99999999999}",
                "{\"rateLimitPerMinute\":null}",
                "{\"revokeOnRefresh\":1}")) {
            given().contentType(ContentType.JSON)
                    .body(body)
                    .post("/sim/config")
                    .then()
                    .statusCode(400)
                    .contentType(Problem.MEDIA_TYPE);
        }
    }

    @Test
    void refusesBodiesThatAreNotAJsonObject() {
        given().contentType(ContentType.JSON)
                .body("{\"tokenExpiresIn\":")
                .post("/sim/config")
                .then()
                .statusCode(400)
                .contentType(Problem.MEDIA_TYPE)
                .body("title", equalTo("Malformed JSON"));
        given().contentType(ContentType.JSON)
                .body("{\"a\":1} trailing")
                .post("/sim/config")
                .then()
                .statusCode(400)
                .contentType(Problem.MEDIA_TYPE);
        given().contentType(ContentType.JSON)
                .body("[]")
                .post("/sim/config")
                .then()
                .statusCode(400)
                .contentType(Problem.MEDIA_TYPE);
        given().post("/sim/config").then().statusCode(400).contentType(Problem.MEDIA_TYPE);
    }

    @Test
    void unknownControlEndpointsAndMethodsAreProblems() {
        given().get("/sim/nothing").then().statusCode(404).contentType(Problem.MEDIA_TYPE);
        given().delete("/sim/config")
                .then()
                .statusCode(405)
                .contentType(Problem.MEDIA_TYPE)
                .header("Allow", "GET, POST, PATCH");
        // every method the 405 names is served: PATCH as POST
        given().contentType(ContentType.JSON)
                .body("{\"tokenExpiresIn\":\"60\"}")
                .patch("/sim/config")
                .then()
                .statusCode(400)
                .contentType(Problem.MEDIA_TYPE);
        given().get("/sim/reset").then().statusCode(405);
    }
}
