package io.cxbridge.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class StoreTest extends SimTestBase {

    @Test
    void createsWithAGeneratedIdAndFetchesIt() {
        String token = token();
        String id = api(token)
                .contentType(ContentType.JSON)
                .body(Map.of("name", "Support", "skillEvaluationMethod", "ALL"))
                .post("/api/v2/routing/queues")
                .then()
                .statusCode(200)
                .body("id", matchesPattern("[0-9a-f-]{36}"))
                .body("name", equalTo("Support"))
                .extract()
                .path("id");
        api(token)
                .get("/api/v2/routing/queues/" + id)
                .then()
                .statusCode(200)
                .body("id", equalTo(id))
                .body("name", equalTo("Support"))
                .body("skillEvaluationMethod", equalTo("ALL"))
                .body("selfUri", equalTo("/api/v2/routing/queues/" + id));
    }

    @Test
    void listsInTheGenesysEnvelopeWithPaging() {
        String token = token();
        for (int i = 1; i <= 5; i++) {
            api(token)
                    .contentType(ContentType.JSON)
                    .body(Map.of("name", "Queue " + i))
                    .post("/api/v2/routing/queues")
                    .then()
                    .statusCode(200);
        }
        api(token)
                .get("/api/v2/routing/queues")
                .then()
                .statusCode(200)
                .body("entities", hasSize(5))
                .body("pageSize", equalTo(25))
                .body("pageNumber", equalTo(1))
                .body("total", equalTo(5))
                .body("pageCount", equalTo(1))
                .body("nextUri", nullValue());
        api(token)
                .queryParam("pageSize", 2)
                .queryParam("pageNumber", 2)
                .get("/api/v2/routing/queues")
                .then()
                .statusCode(200)
                .body("entities.name", org.hamcrest.Matchers.contains("Queue 3", "Queue 4"))
                .body("total", equalTo(5))
                .body("pageCount", equalTo(3))
                .body("firstUri", equalTo("/api/v2/routing/queues?pageSize=2&pageNumber=1"))
                .body("selfUri", equalTo("/api/v2/routing/queues?pageSize=2&pageNumber=2"))
                .body("nextUri", equalTo("/api/v2/routing/queues?pageSize=2&pageNumber=3"))
                .body("previousUri", equalTo("/api/v2/routing/queues?pageSize=2&pageNumber=1"))
                .body("lastUri", equalTo("/api/v2/routing/queues?pageSize=2&pageNumber=3"));
        api(token)
                .queryParam("pageSize", 2)
                .queryParam("pageNumber", 3)
                .get("/api/v2/routing/queues")
                .then()
                .body("entities", hasSize(1))
                .body("nextUri", nullValue());
        api(token)
                .queryParam("name", "queue 4")
                .get("/api/v2/routing/queues")
                .then()
                .body("entities", hasSize(1))
                .body("entities[0].name", equalTo("Queue 4"));
        api(token)
                .queryParam("name", "Queue*")
                .get("/api/v2/routing/queues")
                .then()
                .body("total", equalTo(5));
    }

    @Test
    void anUnknownCollectionIsAnEmptyList() {
        api().get("/api/v2/gadgets")
                .then()
                .statusCode(200)
                .body("entities", hasSize(0))
                .body("total", equalTo(0))
                .body("pageCount", equalTo(0));
    }

    @Test
    void collectionsAreSeparateAndSubCollectionsWork() {
        String token = token();
        String queue = api(token)
                .contentType(ContentType.JSON)
                .body(Map.of("name", "Q"))
                .post("/api/v2/widgets")
                .then()
                .extract()
                .path("id");
        api(token)
                .contentType(ContentType.JSON)
                .body(Map.of("userId", "u1"))
                .post("/api/v2/widgets/" + queue + "/members")
                .then()
                .statusCode(200);
        api(token).get("/api/v2/widgets/" + queue + "/members").then().body("total", equalTo(1));
        api(token).get("/api/v2/widgets").then().body("total", equalTo(1));
        api(token).get("/api/v2/gadgets").then().body("total", equalTo(0));
    }

    @Test
    void putReplacesPatchMergesDeleteRemoves() {
        String token = token();
        String id = api(token)
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "name",
                        "Q",
                        "description",
                        "old",
                        "mediaSettings",
                        Map.of("call", Map.of("alertingTimeoutSeconds", 8))))
                .post("/api/v2/routing/queues")
                .then()
                .extract()
                .path("id");
        String path = "/api/v2/routing/queues/" + id;

        api(token)
                .contentType(ContentType.JSON)
                .body(
                        "{\"description\":\"new\",\"mediaSettings\":{\"chat\":{\"alertingTimeoutSeconds\":30}},\"name\":null}")
                .patch(path)
                .then()
                .statusCode(200)
                .body("description", equalTo("new"))
                .body("name", nullValue())
                .body("mediaSettings.call.alertingTimeoutSeconds", equalTo(8))
                .body("mediaSettings.chat.alertingTimeoutSeconds", equalTo(30))
                .body("id", equalTo(id));

        api(token)
                .contentType(ContentType.JSON)
                .body(Map.of("name", "Replaced"))
                .put(path)
                .then()
                .statusCode(200)
                .body("name", equalTo("Replaced"))
                .body("description", nullValue())
                .body("id", equalTo(id))
                .body("selfUri", equalTo(path));
        api(token).get(path).then().body("name", equalTo("Replaced"));

        api(token).delete(path).then().statusCode(204);
        api(token)
                .get(path)
                .then()
                .statusCode(404)
                .body("code", equalTo("not.found"))
                .body("status", equalTo(404));
    }

    @Test
    void unknownIdsAre404() {
        String token = token();
        String unknown = "/api/v2/routing/queues/" + UUID.randomUUID();
        api(token)
                .get(unknown)
                .then()
                .statusCode(404)
                .body("code", equalTo("not.found"))
                .body("contextId", notNullValue());
        api(token).contentType(ContentType.JSON).body("{}").put(unknown).then().statusCode(404);
        api(token)
                .contentType(ContentType.JSON)
                .body("{}")
                .patch(unknown)
                .then()
                .statusCode(404);
        api(token).delete(unknown).then().statusCode(404);
    }

    @Test
    void refusesBodiesThatAreNotJsonObjectsAndBadPaging() {
        String token = token();
        api(token)
                .contentType(ContentType.JSON)
                .body("not json")
                .post("/api/v2/routing/queues")
                .then()
                .statusCode(400)
                .body("code", equalTo("bad.request"));
        api(token)
                .contentType(ContentType.JSON)
                .body("[1,2]")
                .post("/api/v2/routing/queues")
                .then()
                .statusCode(400)
                .body("code", equalTo("bad.request"));
        api(token)
                .queryParam("pageSize", "ten")
                .get("/api/v2/routing/queues")
                .then()
                .statusCode(400)
                .body("message", org.hamcrest.Matchers.containsString("pageSize"));
        api(token)
                .queryParam("pageNumber", 0)
                .get("/api/v2/routing/queues")
                .then()
                .statusCode(400);
        JsonNode stats = stats();
        assertThat(stats.get("requestsTotal").asLong()).isEqualTo(5);
    }
}
