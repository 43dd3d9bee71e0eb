package io.cxbridge.sim;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class DirectoryTest extends SimTestBase {

    /** Reads the whole directory by following nextPage; returns the entries and the Last-Modified headers. */
    private record Read(List<JsonNode> entries, List<String> lastModified, int pages) {}

    private Read readAll(String token, String directoryId, int pageSize) {
        List<JsonNode> entries = new ArrayList<>();
        List<String> lastModified = new ArrayList<>();
        String next = "/api/v2/routing/directories/" + directoryId + "/entries?pageSize=" + pageSize;
        int pages = 0;
        while (next != null) {
            Response response = api(token).urlEncodingEnabled(false).get(next);
            response.then().statusCode(200);
            pages++;
            lastModified.add(response.header("Last-Modified"));
            JsonNode body = json(response);
            body.get("entities").forEach(entries::add);
            next = body.hasNonNull("nextPage") ? body.get("nextPage").asText() : null;
        }
        return new Read(entries, lastModified, pages);
    }

    @Test
    void pagesThroughDirectorySizeEntriesFollowingNextPage() {
        config(Map.of("directorySize", 130));
        String token = token();
        api(token)
                .queryParam("pageSize", 50)
                .get("/api/v2/routing/directories/internal_agents/entries")
                .then()
                .statusCode(200)
                .body("pageSize", equalTo(50))
                .body("pageNumber", equalTo(1))
                .body("total", equalTo(130))
                .body("pageCount", equalTo(3))
                .body(
                        "nextPage",
                        equalTo("/api/v2/routing/directories/internal_agents/entries?pageSize=50&pageNumber=2"));

        Read read = readAll(token, "internal_agents", 50);
        assertThat(read.pages()).isEqualTo(3);
        assertThat(read.entries()).hasSize(130);
        assertThat(new HashSet<>(
                        read.entries().stream().map(e -> e.get("id").asText()).toList()))
                .hasSize(130);
        JsonNode first = read.entries().get(0);
        assertThat(first.fieldNames())
                .toIterable()
                .containsExactly("id", "name", "address", "email", "phone", "customAttributes");
        assertThat(read.lastModified())
                .allSatisfy(h -> assertThat(h).isEqualTo(read.lastModified().get(0)));
        ZonedDateTime.parse(read.lastModified().get(0), DateTimeFormatter.RFC_1123_DATE_TIME);

        api(token)
                .queryParam("pageSize", 50)
                .queryParam("pageNumber", 3)
                .get("/api/v2/routing/directories/internal_agents/entries")
                .then()
                .body("entities.size()", equalTo(30))
                .body("nextPage", equalTo(null));
        assertThat(requests("GET", "/api/v2/routing/directories/internal_agents/entries", 200))
                .isEqualTo(5);
    }

    @Test
    void theDefaultSizeIs1300AndContentIsDeterministicPerDirectory() {
        String token = token();
        Read a = readAll(token, "external_vendors", 250);
        Read b = readAll(token, "external_vendors", 500);
        assertThat(a.entries()).hasSize(1300);
        assertThat(a.pages()).isEqualTo(6);
        assertThat(a.entries()).isEqualTo(b.entries());
        JsonNode other = json(api(token).get("/api/v2/routing/directories/emergency_contacts/entries"));
        assertThat(other.get("entities").get(0)).isNotEqualTo(a.entries().get(0));
    }

    @Test
    void touchMakesANewVersionWithALaterLastModified() {
        config(Map.of("directorySize", 10));
        String token = token();
        Read before = readAll(token, "internal_agents", 10);
        Response touched = given().post("/sim/directories/internal_agents/touch");
        touched.then()
                .statusCode(200)
                .body("directoryId", equalTo("internal_agents"))
                .body("version", equalTo(2));
        String lastModified = touched.path("lastModified");

        Read after = readAll(token, "internal_agents", 10);
        assertThat(after.lastModified().get(0)).isEqualTo(lastModified);
        assertThat(ZonedDateTime.parse(lastModified, DateTimeFormatter.RFC_1123_DATE_TIME))
                .isAfter(ZonedDateTime.parse(before.lastModified().get(0), DateTimeFormatter.RFC_1123_DATE_TIME));
        assertThat(after.entries()).isNotEqualTo(before.entries());
        assertThat(after.entries().get(0).get("id"))
                .isEqualTo(before.entries().get(0).get("id"));
        assertThat(after.entries().get(0).get("name").asText())
                .isNotEqualTo(before.entries().get(0).get("name").asText());

        // touching twice within a second still moves Last-Modified forward
        String third = given().post("/sim/directories/internal_agents/touch")
                .then()
                .extract()
                .path("lastModified");
        assertThat(ZonedDateTime.parse(third, DateTimeFormatter.RFC_1123_DATE_TIME))
                .isAfter(ZonedDateTime.parse(lastModified, DateTimeFormatter.RFC_1123_DATE_TIME));
        // other directories are not affected
        assertThat(readAll(token, "emergency_contacts", 10)
                        .entries()
                        .get(0)
                        .get("name")
                        .asText())
                .endsWith("v1");
    }

    @Test
    void ifModifiedSinceGives304UntilTheDirectoryChanges() {
        String token = token();
        String lastModified =
                api(token).get("/api/v2/routing/directories/d1/entries").header("Last-Modified");
        api(token)
                .header("If-Modified-Since", lastModified)
                .get("/api/v2/routing/directories/d1/entries")
                .then()
                .statusCode(304);
        given().post("/sim/directories/d1/touch").then().statusCode(200);
        api(token)
                .header("If-Modified-Since", lastModified)
                .get("/api/v2/routing/directories/d1/entries")
                .then()
                .statusCode(200);
    }

    @Test
    void refusesBadPagingAndNeedsABearer() {
        String token = token();
        api(token)
                .queryParam("pageSize", 0)
                .get("/api/v2/routing/directories/d1/entries")
                .then()
                .statusCode(400);
        api(token)
                .queryParam("pageNumber", "x")
                .get("/api/v2/routing/directories/d1/entries")
                .then()
                .statusCode(400);
        given().get("/api/v2/routing/directories/d1/entries").then().statusCode(401);
        api(token).delete("/api/v2/routing/directories/d1/entries").then().statusCode(405);
    }
}
