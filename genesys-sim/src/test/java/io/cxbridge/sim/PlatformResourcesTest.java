package io.cxbridge.sim;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The seeded platform resources ({@code %test}: 120 active users and 1 inactive, 40 contacts, 3 groups, 3
 * queues, 30 data-table rows) behind the published endpoints, their paging and their limits.
 */
@QuarkusTest
class PlatformResourcesTest extends SimTestBase {

    private JsonNode get(String token, String pathAndQuery) {
        return json(
                api(token).get(pathAndQuery).then().statusCode(200).extract().response());
    }

    private static JsonNode seed() {
        return json(given().get("/sim/seed").then().statusCode(200).extract().response());
    }

    /** Follows nextUri from {@code first}; returns every entity in order and counts the pages. */
    private List<JsonNode> walk(String token, String first, int[] pages) {
        List<JsonNode> entities = new ArrayList<>();
        String next = first;
        while (next != null) {
            JsonNode page = get(token, next);
            pages[0]++;
            page.get("entities").forEach(entities::add);
            next = page.hasNonNull("nextUri") ? page.get("nextUri").asText() : null;
        }
        return entities;
    }

    @Test
    void usersAreSeededDeterministicallyActiveByDefaultAndPagedThroughNextUri() {
        String token = token();
        int[] pages = {0};
        List<JsonNode> users = walk(token, "/api/v2/users?pageSize=50", pages);
        assertThat(pages[0]).isEqualTo(3);
        assertThat(users).hasSize(120);
        assertThat(users).allSatisfy(u -> assertThat(u.get("state").asText()).isEqualTo("active"));
        assertThat(users.stream().map(u -> u.get("id").asText()).distinct()).hasSize(120);
        assertThat(users.get(0).get("name").asText()).isEqualTo("Agent 00001");
        assertThat(users.get(0).get("email").asText()).isEqualTo("agent.00001@example.com");
        assertThat(users.get(0)
                        .get("primaryContactInfo")
                        .get(1)
                        .get("mediaType")
                        .asText())
                .isEqualTo("PHONE");
        assertThat(users.get(6).get("addresses")).isEmpty();
        assertThat(stats().get("pages").toString()).contains("\"query\":\"pageSize=50&pageNumber=2\"");

        JsonNode page = get(token, "/api/v2/users?pageSize=50");
        assertThat(page.get("total").asInt()).isEqualTo(120);
        assertThat(page.get("pageCount").asInt()).isEqualTo(3);
        assertThat(page.get("nextUri").asText()).isEqualTo("/api/v2/users?pageSize=50&pageNumber=2");
        assertThat(page.get("lastUri").asText()).isEqualTo("/api/v2/users?pageSize=50&pageNumber=3");

        assertThat(get(token, "/api/v2/users?state=inactive").get("total").asInt())
                .isEqualTo(1);
        assertThat(get(token, "/api/v2/users?state=any").get("total").asInt()).isEqualTo(121);
        String id = users.get(3).get("id").asText();
        assertThat(get(token, "/api/v2/users/" + id)).isEqualTo(users.get(3));
        assertThat(get(token, "/api/v2/users?id=" + id)
                        .get("entities")
                        .get(0)
                        .get("id")
                        .asText())
                .isEqualTo(id);
        api(token)
                .get("/api/v2/users/00000000-0000-0000-0000-000000000000")
                .then()
                .statusCode(404)
                .body("code", equalTo("not.found"));

        // a reset sim is the same sim
        given().post("/sim/reset").then().statusCode(204);
        assertThat(walk(token(), "/api/v2/users?pageSize=500", new int[1])).isEqualTo(users);
    }

    @Test
    void pageSizesAreCappedLikeThePlatformsWithAnErrorBody() {
        String token = token();
        JsonNode seed = seed();
        String group = seed.get("groups").get(0).get("id").asText();
        api(token).get("/api/v2/users?pageSize=500").then().statusCode(200);
        api(token)
                .get("/api/v2/users?pageSize=501")
                .then()
                .statusCode(400)
                .body("code", equalTo("bad.request"))
                .body("status", equalTo(400))
                .body("message", org.hamcrest.Matchers.containsString("500"));
        api(token)
                .get("/api/v2/groups/" + group + "/members?pageSize=101")
                .then()
                .statusCode(400);
        api(token)
                .get("/api/v2/externalcontacts/scan/contacts?limit=201")
                .then()
                .statusCode(400);
        api(token).get("/api/v2/users?pageSize=0").then().statusCode(400);
        api(token).get("/api/v2/users?state=gone").then().statusCode(400);
        // past the contacts search window of 1,000 records
        api(token)
                .get("/api/v2/externalcontacts/contacts?pageSize=100&pageNumber=10")
                .then()
                .statusCode(200);
        api(token)
                .get("/api/v2/externalcontacts/contacts?pageSize=100&pageNumber=11")
                .then()
                .statusCode(400)
                .body("message", org.hamcrest.Matchers.containsString("1000"));
        assertThat(stats().get("pages").size()).isEqualTo(2);
    }

    /**
     * The SDK's docs: the scan's {@code limit} "must be between 10 and 200, default is 100"; the contacts search's
     * {@code pageSize} defaults to 20; users, members and rows to 25.
     */
    @Test
    void theScanLimitIsTenToTwoHundredByDefaultAHundredAndTheSearchPagesTwentyByDefault() {
        String token = token();
        given().contentType(ContentType.JSON)
                .body(Map.of("contacts", 250))
                .post("/sim/seed")
                .then()
                .statusCode(200);
        for (int tooSmall : new int[] {5, 9}) {
            api(token)
                    .get("/api/v2/externalcontacts/scan/contacts?limit=" + tooSmall)
                    .then()
                    .statusCode(400)
                    .body("code", equalTo("bad.request"))
                    .body("status", equalTo(400))
                    .body(
                            "message",
                            equalTo("Value [" + tooSmall
                                    + "] for field [limit] is smaller than the minimum allowed of [10]"));
        }
        api(token)
                .get("/api/v2/externalcontacts/scan/contacts?limit=201")
                .then()
                .statusCode(400)
                .body("message", equalTo("Value [201] for field [limit] is larger than the maximum allowed of [200]"));
        assertThat(get(token, "/api/v2/externalcontacts/scan/contacts?limit=10").get("entities"))
                .hasSize(10);
        assertThat(get(token, "/api/v2/externalcontacts/scan/contacts?limit=150")
                        .get("entities"))
                .hasSize(150);
        assertThat(get(token, "/api/v2/externalcontacts/scan/contacts?limit=200")
                        .get("entities"))
                .hasSize(200);
        JsonNode byDefault = get(token, "/api/v2/externalcontacts/scan/contacts");
        assertThat(byDefault.get("entities")).hasSize(100);
        assertThat(get(token, byDefault.get("nextUri").asText()).get("entities"))
                .as("the next page keeps the default")
                .hasSize(100);

        JsonNode search = get(token, "/api/v2/externalcontacts/contacts");
        assertThat(search.get("pageSize").asInt()).isEqualTo(20);
        assertThat(search.get("entities")).hasSize(20);
        assertThat(search.get("nextUri").asText())
                .isEqualTo("/api/v2/externalcontacts/contacts?pageSize=20&pageNumber=2");

        String group = seed().get("groups").get(0).get("id").asText();
        String queue = seed().get("queues").get(0).get("id").asText();
        String table = seed().get("datatables").get(0).get("id").asText();
        for (String listing : List.of(
                "/api/v2/users",
                "/api/v2/groups/" + group + "/members",
                "/api/v2/routing/queues/" + queue + "/members",
                "/api/v2/flows/datatables/" + table + "/rows",
                "/api/v2/recording/mediaretentionpolicies")) {
            assertThat(get(token, listing).get("pageSize").asInt()).as(listing).isEqualTo(25);
        }
    }

    @Test
    void groupAndQueueMembersAreTheSeededUsersAndQueueListingsHaveNoTotal() {
        String token = token();
        JsonNode seed = seed();
        assertThat(seed.get("counts").toString())
                .isEqualTo("{\"users\":120,\"inactiveUsers\":1,\"contacts\":40,"
                        + "\"groups\":3,\"queues\":3,\"datatableRows\":30,\"revision\":1}");
        String group = seed.get("groups").get(1).get("id").asText();
        String queue = seed.get("queues").get(2).get("id").asText();
        assertThat(seed.get("groups").get(1).get("members").asInt()).isEqualTo(40);

        JsonNode members = get(token, "/api/v2/groups/" + group + "/members?pageSize=100");
        assertThat(members.get("total").asInt()).isEqualTo(40);
        assertThat(members.get("entities").get(0).get("name").asText()).isEqualTo("Agent 00002");

        int[] pages = {0};
        List<JsonNode> queueMembers = walk(token, "/api/v2/routing/queues/" + queue + "/members?pageSize=15", pages);
        assertThat(pages[0]).isEqualTo(3);
        assertThat(queueMembers).hasSize(40);
        assertThat(queueMembers.get(0).get("user").get("name").asText()).isEqualTo("Agent 00003");
        JsonNode first = get(token, "/api/v2/routing/queues/" + queue + "/members?pageSize=15");
        assertThat(first.has("total")).isFalse();
        assertThat(first.has("pageCount")).isFalse();
        assertThat(first.has("lastUri")).isFalse();

        api(token).get("/api/v2/groups/nope/members").then().statusCode(404);
        api(token).get("/api/v2/routing/queues/nope/members").then().statusCode(404);
    }

    @Test
    void externalContactsHaveObjectAddressesAndPhonesAndTheScanReadsThemAllByCursor() {
        String token = token();
        JsonNode contact = get(token, "/api/v2/externalcontacts/contacts?pageSize=5")
                .get("entities")
                .get(0);
        assertThat(contact.get("address").get("city").asText()).isEqualTo("Indianapolis");
        assertThat(contact.get("workPhone").get("e164").asText()).startsWith("+1");
        assertThat(contact.get("workEmail").isTextual()).isTrue();
        assertThat(get(
                        token,
                        "/api/v2/externalcontacts/contacts/" + contact.get("id").asText()))
                .isEqualTo(contact);

        JsonNode search = get(
                token,
                "/api/v2/externalcontacts/contacts?q="
                        + contact.get("workEmail").asText());
        assertThat(search.get("total").asInt()).isEqualTo(1);

        int[] pages = {0};
        List<JsonNode> all = walk(token, "/api/v2/externalcontacts/scan/contacts?limit=15", pages);
        assertThat(pages[0]).isEqualTo(3);
        assertThat(all).hasSize(40);
        assertThat(new HashSet<>(all.stream().map(c -> c.get("id").asText()).toList()))
                .hasSize(40);
        JsonNode firstPage = get(token, "/api/v2/externalcontacts/scan/contacts?limit=15");
        assertThat(firstPage.has("total")).isFalse();
        assertThat(firstPage.get("cursors").has("after")).isTrue();
        assertThat(firstPage.get("cursors").has("before")).isFalse();
        assertThat(firstPage.get("nextUri").asText())
                .startsWith("/api/v2/externalcontacts/scan/contacts?limit=15&cursor=");
        api(token)
                .get("/api/v2/externalcontacts/scan/contacts?cursor=bogus")
                .then()
                .statusCode(400);

        // a short listing loses its last page: the cursor runs out early
        fault(Map.of("path", "/api/v2/externalcontacts/scan/contacts", "listing", "short"));
        assertThat(walk(token, "/api/v2/externalcontacts/scan/contacts?limit=15", new int[1]))
                .hasSize(30);
    }

    @Test
    void dataTableRowsAreKeyedByKeyWithColumnsOnlyWithoutShowbrief() {
        String token = token();
        String table = seed().get("datatables").get(0).get("id").asText();
        JsonNode brief = get(token, "/api/v2/flows/datatables/" + table + "/rows?pageSize=10");
        assertThat(brief.get("total").asInt()).isEqualTo(30);
        assertThat(brief.get("entities").get(0).toString()).isEqualTo("{\"key\":\"row-00001\"}");
        JsonNode full = get(token, "/api/v2/flows/datatables/" + table + "/rows?pageSize=10&showbrief=false");
        assertThat(full.get("entities").get(0).get("key").asText()).isEqualTo("row-00001");
        assertThat(full.get("entities").get(0).get("region").asText()).isEqualTo("north");
        assertThat(full.get("nextUri").asText()).contains("showbrief=false");
        api(token).get("/api/v2/flows/datatables/nope/rows").then().statusCode(404);
    }

    @Test
    void reseedingChangesCountsOrContentKeepsIdsAndResetRestoresTheSettings() {
        String token = token();
        JsonNode before = get(token, "/api/v2/users?pageSize=5").get("entities").get(0);
        JsonNode reseeded = json(given().contentType(ContentType.JSON)
                .body(Map.of("users", 7, "revision", 2))
                .post("/sim/seed")
                .then()
                .statusCode(200)
                .extract()
                .response());
        assertThat(reseeded.get("counts").get("users").asInt()).isEqualTo(7);
        JsonNode after = get(token, "/api/v2/users?pageSize=5");
        assertThat(after.get("total").asInt()).isEqualTo(7);
        assertThat(after.get("entities").get(0).get("id")).isEqualTo(before.get("id"));
        assertThat(after.get("entities").get(0).get("title")).isNotEqualTo(before.get("title"));

        given().contentType(ContentType.JSON)
                .body(Map.of("users", -1, "colour", "red"))
                .post("/sim/seed")
                .then()
                .statusCode(400)
                .body("violations.field", org.hamcrest.Matchers.containsInAnyOrder("users", "colour"));
        assertThat(get(token, "/api/v2/users").get("total").asInt()).isEqualTo(7);

        given().post("/sim/reset").then().statusCode(204);
        assertThat(get(token(), "/api/v2/users?pageSize=5").get("entities").get(0))
                .isEqualTo(before);
    }

    @Test
    void mediaRetentionPoliciesAreCreatedReadUpdatedAndDeletedSynchronously() {
        String token = token();
        String path = "/api/v2/recording/mediaretentionpolicies";
        assertThat(get(token, path).get("total").asInt()).isZero();
        Map<String, Object> policy = Map.of(
                "name",
                "Keep calls 90 days",
                "enabled",
                true,
                "order",
                1,
                "mediaPolicies",
                Map.of("callPolicy", Map.of("actions", Map.of("retainRecording", true))));
        JsonNode created = json(api(token)
                .contentType(ContentType.JSON)
                .body(policy)
                .post(path)
                .then()
                .statusCode(200)
                .extract()
                .response());
        String id = created.get("id").asText();
        assertThat(created.get("selfUri").asText()).isEqualTo(path + "/" + id);
        assertThat(created.get("createdDate").asText()).endsWith("Z");
        assertThat(get(token, path + "/" + id)).isEqualTo(created);
        assertThat(get(token, path).get("entities").get(0)).isEqualTo(created);

        // what a GET returned can be PUT back, changed
        com.fasterxml.jackson.databind.node.ObjectNode changed = created.deepCopy();
        changed.put("enabled", false);
        JsonNode updated = json(api(token)
                .contentType(ContentType.JSON)
                .body(changed.toString())
                .put(path + "/" + id)
                .then()
                .statusCode(200)
                .extract()
                .response());
        assertThat(updated.get("enabled").asBoolean()).isFalse();
        assertThat(updated.get("createdDate")).isEqualTo(created.get("createdDate"));
        // a PATCH is the SDK's PolicyUpdate: enabled only
        api(token)
                .contentType(ContentType.JSON)
                .body(Map.of("description", "patched"))
                .patch(path + "/" + id)
                .then()
                .statusCode(400)
                .body("code", equalTo("bad.request"))
                .body(
                        "message",
                        equalTo("Invalid policy update: description is not a field of PolicyUpdate (a PATCH takes "
                                + "enabled only)"));
        api(token)
                .contentType(ContentType.JSON)
                .body(Map.of("enabled", "yes"))
                .patch(path + "/" + id)
                .then()
                .statusCode(400)
                .body("message", org.hamcrest.Matchers.containsString("enabled must be true or false"));
        assertThat(get(token, path + "/" + id)).as("unchanged").isEqualTo(updated);
        api(token)
                .contentType(ContentType.JSON)
                .body(Map.of("enabled", true))
                .patch(path + "/" + id)
                .then()
                .statusCode(200)
                .body("enabled", equalTo(true))
                .body("name", equalTo("Keep calls 90 days"))
                .body("order", equalTo(1));
        assertThat(get(token, path + "?enabled=false").get("total").asInt()).isZero();

        api(token)
                .contentType(ContentType.JSON)
                .body(Map.of("enabled", "yes", "colour", "red"))
                .post(path)
                .then()
                .statusCode(400)
                .body(
                        "message",
                        org.hamcrest.Matchers.allOf(
                                org.hamcrest.Matchers.containsString("colour"),
                                org.hamcrest.Matchers.containsString("enabled"),
                                org.hamcrest.Matchers.containsString("name is required")));
        assertThat(get(token, path).get("total").asInt()).isEqualTo(1);
        // MediaPolicies has callPolicy, chatPolicy, emailPolicy and messagePolicy only (the SDK's model)
        api(token)
                .contentType(ContentType.JSON)
                .body(Map.of("name", "sms", "mediaPolicies", Map.of("smsPolicy", Map.of())))
                .post(path)
                .then()
                .statusCode(400)
                .body(
                        "message",
                        org.hamcrest.Matchers.containsString(
                                "mediaPolicies.smsPolicy is not a field of MediaPolicies"));
        api(token)
                .contentType(ContentType.JSON)
                .body(Map.of("name", "msg", "mediaPolicies", Map.of("messagePolicy", 3)))
                .put(path + "/" + id)
                .then()
                .statusCode(400)
                .body("message", org.hamcrest.Matchers.containsString("mediaPolicies.messagePolicy must be an object"));
        assertThat(get(token, path).get("total").asInt()).isEqualTo(1);

        api(token).delete(path + "/" + id).then().statusCode(204);
        api(token).get(path + "/" + id).then().statusCode(404);
        given().post("/sim/reset").then().statusCode(204);
        assertThat(get(token(), path).get("total").asInt()).isZero();
    }
}
