package io.cxbridge.sim;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Fault field {@code listing}: a listing that ends one page early, or reports a larger total than it serves. */
@QuarkusTest
class ListingFaultTest extends SimTestBase {

    private static final String QUEUES = "/api/v2/routing/queues";

    private String fiveQueues() {
        String token = token();
        for (int i = 0; i < 5; i++) {
            api(token)
                    .contentType(ContentType.JSON)
                    .body(Map.of("name", "q" + i))
                    .post(QUEUES)
                    .then()
                    .statusCode(200);
        }
        return token;
    }

    /** Follows nextUri from the first page; returns every page read. */
    private List<JsonNode> walk(String token) {
        List<JsonNode> pages = new ArrayList<>();
        String next = QUEUES + "?pageSize=2&name=q*";
        while (next != null) {
            JsonNode page =
                    json(api(token).get(next).then().statusCode(200).extract().response());
            pages.add(page);
            next = page.hasNonNull("nextUri") ? page.get("nextUri").asText() : null;
        }
        return pages;
    }

    private static int entities(List<JsonNode> pages) {
        return pages.stream().mapToInt(p -> p.get("entities").size()).sum();
    }

    @Test
    void withoutAFaultTheListingServesItsTotalThroughNextUrisThatKeepTheQuery() {
        String token = fiveQueues();
        List<JsonNode> pages = walk(token);
        assertThat(pages).hasSize(3);
        assertThat(entities(pages)).isEqualTo(5);
        assertThat(pages.get(0).get("total").asInt()).isEqualTo(5);
        assertThat(pages.get(0).get("nextUri").asText()).isEqualTo(QUEUES + "?name=q*&pageSize=2&pageNumber=2");
        assertThat(pages.get(2).get("lastUri").asText())
                .contains("pageNumber=3")
                .contains("name=");
    }

    @Test
    void shortEndsTheListingOnePageEarlyWhileTotalStaysTheTruth() {
        String token = fiveQueues();
        fault(Map.of("path", QUEUES, "listing", "short"));
        List<JsonNode> pages = walk(token);
        assertThat(pages).hasSize(2);
        assertThat(entities(pages)).isEqualTo(4);
        assertThat(pages.get(1).get("pageCount").asInt()).isEqualTo(2);
        assertThat(pages.get(1).get("total").asInt()).isEqualTo(5);
        assertThat(pages.get(1).has("nextUri")).isFalse();
        // a one-page listing loses its last entity
        JsonNode one = json(api(token)
                .get(QUEUES + "?pageSize=10")
                .then()
                .statusCode(200)
                .extract()
                .response());
        assertThat(one.get("entities")).hasSize(4);
        assertThat(one.get("total").asInt()).isEqualTo(5);
    }

    @Test
    void inflatedTotalReportsMoreThanTheListingServes() {
        String token = fiveQueues();
        fault(Map.of("path", QUEUES, "listing", "inflated-total", "count", 3));
        List<JsonNode> pages = walk(token);
        assertThat(entities(pages)).isEqualTo(5);
        assertThat(pages).allSatisfy(p -> assertThat(p.get("total").asInt()).isEqualTo(7));
        // the fault's count is spent: the truth again
        assertThat(walk(token).get(0).get("total").asInt()).isEqualTo(5);
    }

    @Test
    void aListingFaultLeavesOtherAnswersAloneAndIsValidated() {
        String token = fiveQueues();
        fault(Map.of("path", "/api/v2/routing/**", "listing", "short"));
        String id = json(api(token).get(QUEUES).then().extract().response())
                .get("entities")
                .get(0)
                .get("id")
                .asText();
        api(token).get(QUEUES + "/" + id).then().statusCode(200);

        given().contentType(ContentType.JSON)
                .body(Map.of("path", QUEUES, "listing", "long"))
                .post("/sim/faults")
                .then()
                .statusCode(400)
                .body("violations[0].field", org.hamcrest.Matchers.equalTo("listing"));
        given().contentType(ContentType.JSON)
                .body(Map.of("path", QUEUES, "listing", "short", "status", 500))
                .post("/sim/faults")
                .then()
                .statusCode(400)
                .body("violations[0].field", org.hamcrest.Matchers.equalTo("listing"));
        given().get("/sim/faults").then().statusCode(200).body("[0].listing", org.hamcrest.Matchers.equalTo("short"));
    }
}
