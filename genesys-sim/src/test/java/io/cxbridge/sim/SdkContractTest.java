package io.cxbridge.sim;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.mypurecloud.sdk.v2.ApiClient;
import com.mypurecloud.sdk.v2.model.ContactListing;
import com.mypurecloud.sdk.v2.model.CursorContactListing;
import com.mypurecloud.sdk.v2.model.DataTableRowEntityListing;
import com.mypurecloud.sdk.v2.model.ErrorBody;
import com.mypurecloud.sdk.v2.model.ExternalContact;
import com.mypurecloud.sdk.v2.model.Policy;
import com.mypurecloud.sdk.v2.model.PolicyEntityListing;
import com.mypurecloud.sdk.v2.model.QueueMemberEntityListing;
import com.mypurecloud.sdk.v2.model.User;
import com.mypurecloud.sdk.v2.model.UserEntityListing;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.lang.reflect.Method;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official SDK (platform-client-v2 198.1.0) judges every platform answer of the sim: each is read with the
 * SDK's model class through the SDK's own mapper made strict (unknown properties fail), walked for enums the SDK
 * could not map (it maps unknown values to OUTDATEDSDKVERSION silently), and written back: the JSON must come out
 * as it went in (no coerced types). Listings carry exactly the fields of their listing class (a middle page has
 * them all).
 */
@QuarkusTest
class SdkContractTest extends SimTestBase {

    private static ApiClient sdk;
    private static ObjectMapper strict;

    @BeforeAll
    static void sdkMapper() {
        sdk = ApiClient.Builder.standard().build();
        strict = sdk.getObjectMapper().copy().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    @AfterAll
    static void close() throws Exception {
        sdk.close();
    }

    /** Reads {@code json} as {@code type} strictly, checks enums and the round trip; returns the model. */
    static <T> T judge(JsonNode json, Class<T> type) throws Exception {
        T model = strict.treeToValue(json, type);
        walk(model, type.getSimpleName(), new IdentityHashMap<>());
        JsonNode back = strict.readTree(strict.writeValueAsString(model));
        dropSdkDefaults(back, json);
        assertThat(back).as("%s round trip", type.getSimpleName()).isEqualTo(json);
        return model;
    }

    /**
     * The SDK's models start their lists as empty lists, so a field the sim left out comes back as {@code []};
     * that is the SDK's default, not a coerced value: drop such empty containers the original did not have.
     */
    private static void dropSdkDefaults(JsonNode back, JsonNode original) {
        if (back.isObject() && original.isObject()) {
            java.util.List<String> drop = new java.util.ArrayList<>();
            back.fields().forEachRemaining(f -> {
                if (!original.has(f.getKey())) {
                    if (f.getValue().isContainerNode() && f.getValue().isEmpty()) {
                        drop.add(f.getKey());
                    }
                } else {
                    dropSdkDefaults(f.getValue(), original.get(f.getKey()));
                }
            });
            ((com.fasterxml.jackson.databind.node.ObjectNode) back).remove(drop);
        } else if (back.isArray() && original.isArray() && back.size() == original.size()) {
            for (int i = 0; i < back.size(); i++) {
                dropSdkDefaults(back.get(i), original.get(i));
            }
        }
    }

    /** Fails on any enum the SDK read as OUTDATEDSDKVERSION, anywhere in the model. */
    private static void walk(Object value, String path, IdentityHashMap<Object, Boolean> seen) throws Exception {
        if (value == null) {
            return;
        }
        if (value instanceof Enum<?> e) {
            assertThat(e.name()).as("enum at %s", path).isNotEqualTo("OUTDATEDSDKVERSION");
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                walk(item, path + "[" + i++ + "]", seen);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                walk(entry.getValue(), path + "." + entry.getKey(), seen);
            }
            return;
        }
        if (!value.getClass().getName().startsWith("com.mypurecloud.sdk.v2.model.") || seen.put(value, true) != null) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getName().startsWith("get")
                    && getter.getParameterCount() == 0
                    && getter.getDeclaringClass() == value.getClass()) {
                walk(getter.invoke(value), path + "." + getter.getName().substring(3), seen);
            }
        }
    }

    /** The JSON property names of an SDK class. */
    private static Set<String> properties(Class<?> type) {
        return strict.getSerializationConfig().introspect(strict.constructType(type)).findProperties().stream()
                .map(BeanPropertyDefinition::getName)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static <T> T listing(JsonNode json, Class<T> type) throws Exception {
        assertThat(new TreeSet<>(iterable(json.fieldNames())))
                .as("fields of a middle page of %s", type.getSimpleName())
                .isEqualTo(properties(type));
        return judge(json, type);
    }

    private static Set<String> iterable(java.util.Iterator<String> names) {
        Set<String> out = new TreeSet<>();
        names.forEachRemaining(out::add);
        return out;
    }

    private JsonNode ok(String token, String pathAndQuery) {
        return json(
                api(token).get(pathAndQuery).then().statusCode(200).extract().response());
    }

    private static JsonNode seed() {
        return json(given().get("/sim/seed").then().statusCode(200).extract().response());
    }

    @Test
    void usersAndGroupMembersAreUserEntityListings() throws Exception {
        String token = token();
        UserEntityListing users = listing(ok(token, "/api/v2/users?pageSize=10&pageNumber=2"), UserEntityListing.class);
        assertThat(users.getTotal()).isEqualTo(120);
        User user = users.getEntities().get(0);
        assertThat(user.getState()).isEqualTo(User.StateEnum.ACTIVE);
        assertThat(user.getPrimaryContactInfo())
                .extracting(c -> c.getMediaType().toString())
                .containsExactly("EMAIL", "PHONE");
        judge(ok(token, "/api/v2/users/" + user.getId()), User.class);
        judge(ok(token, "/api/v2/users?state=inactive"), UserEntityListing.class);

        String group = seed().get("groups").get(0).get("id").asText();
        listing(ok(token, "/api/v2/groups/" + group + "/members?pageSize=10&pageNumber=2"), UserEntityListing.class);
        judge(ok(token, "/api/v2/groups/" + group + "/members?pageSize=100"), UserEntityListing.class);
    }

    @Test
    void queueMembersAreAQueueMemberEntityListingWithoutTotal() throws Exception {
        String token = token();
        String queue = seed().get("queues").get(0).get("id").asText();
        QueueMemberEntityListing members = listing(
                ok(token, "/api/v2/routing/queues/" + queue + "/members?pageSize=10&pageNumber=2"),
                QueueMemberEntityListing.class);
        assertThat(members.getEntities().get(0).getUser().getName()).startsWith("Agent ");
        judge(ok(token, "/api/v2/routing/queues/" + queue + "/members?pageSize=100"), QueueMemberEntityListing.class);
    }

    @Test
    void externalContactsAreAContactListingAndTheScanACursorContactListing() throws Exception {
        String token = token();
        ContactListing contacts =
                listing(ok(token, "/api/v2/externalcontacts/contacts?pageSize=10&pageNumber=2"), ContactListing.class);
        ExternalContact contact = contacts.getEntities().get(0);
        assertThat(contact.getAddress().getCity()).isNotBlank();
        assertThat(contact.getType()).isEqualTo(ExternalContact.TypeEnum.CURATED);
        judge(ok(token, "/api/v2/externalcontacts/contacts/" + contact.getId()), ExternalContact.class);

        JsonNode first = ok(token, "/api/v2/externalcontacts/scan/contacts?limit=10");
        judge(first, CursorContactListing.class);
        CursorContactListing middle = listing(ok(token, first.get("nextUri").asText()), CursorContactListing.class);
        assertThat(middle.getCursors().getAfter()).isNotBlank();
        assertThat(middle.getCursors().getBefore()).isNotBlank();
    }

    @Test
    void dataTableRowsAreADataTableRowEntityListing() throws Exception {
        String token = token();
        String table = seed().get("datatables").get(0).get("id").asText();
        DataTableRowEntityListing rows = listing(
                ok(token, "/api/v2/flows/datatables/" + table + "/rows?pageSize=10&pageNumber=2&showbrief=false"),
                DataTableRowEntityListing.class);
        assertThat(rows.getEntities().get(0)).containsKeys("key", "name", "region", "priority", "active");
        judge(ok(token, "/api/v2/flows/datatables/" + table + "/rows"), DataTableRowEntityListing.class);
    }

    @Test
    void mediaRetentionPoliciesArePoliciesInAPolicyEntityListing() throws Exception {
        String token = token();
        String path = "/api/v2/recording/mediaretentionpolicies";
        JsonNode created = null;
        for (int i = 0; i < 3; i++) {
            Map<String, Object> body = Map.of(
                    "name",
                    "policy " + i,
                    "enabled",
                    true,
                    "order",
                    i,
                    "description",
                    "d",
                    "mediaPolicies",
                    Map.of("callPolicy", Map.of("actions", Map.of("retainRecording", true, "deleteRecording", false))),
                    "conditions",
                    Map.of("forQueues", java.util.List.of(Map.of("id", "q1"))),
                    "actions",
                    Map.of("retainRecording", true, "deleteRecording", false));
            created = json(api(token)
                    .contentType(ContentType.JSON)
                    .body(body)
                    .post(path)
                    .then()
                    .statusCode(200)
                    .extract()
                    .response());
        }
        Policy policy = judge(created, Policy.class);
        assertThat(policy.getCreatedDate()).isNotNull();
        judge(ok(token, path + "/" + policy.getId()), Policy.class);
        listing(ok(token, path + "?pageSize=1&pageNumber=2"), PolicyEntityListing.class);
    }

    @Test
    void everyErrorIsAnErrorBodyWithTheCorrelationIdAsContextId() throws Exception {
        String token = token();
        assertErrorBody(api(token).get("/api/v2/users/00000000-0000-0000-0000-000000000000"), 404);
        assertErrorBody(api(token).get("/api/v2/users?pageSize=501"), 400);
        assertErrorBody(api(token).get("/api/v2/externalcontacts/contacts?pageSize=100&pageNumber=11"), 400);
        assertErrorBody(
                api(token)
                        .contentType(ContentType.JSON)
                        .body("{\"colour\":1}")
                        .post("/api/v2/recording/mediaretentionpolicies"),
                400);
        assertErrorBody(given().get("/api/v2/users"), 401);
        fault(Map.of("path", "/api/v2/flows/**", "status", 503, "count", 1));
        assertErrorBody(api(token).get("/api/v2/flows/datatables/x/rows"), 503);
        assertErrorBody(api(token).put("/api/v2/users"), 405);

        config(Map.of("rateLimitPerMinute", 1));
        String limited = token();
        api(limited).get("/api/v2/users").then().statusCode(200);
        Response throttled = api(limited).get("/api/v2/users");
        assertErrorBody(throttled, 429);
        assertThat(throttled.header("Retry-After")).isNotBlank();
        assertThat(throttled.header("inin-ratelimit-allowed")).isEqualTo("1");
        assertThat(throttled.header("inin-ratelimit-count")).isNotBlank();
        assertThat(throttled.header("inin-ratelimit-reset")).isNotBlank();
    }

    private static void assertErrorBody(Response response, int status) throws Exception {
        assertThat(response.statusCode()).isEqualTo(status);
        JsonNode body = json(response);
        assertThat(iterable(body.fieldNames()))
                .containsExactlyInAnyOrder(
                        "message", "code", "status", "messageParams", "contextId", "details", "errors");
        ErrorBody error = judge(body, ErrorBody.class);
        assertThat(error.getStatus()).isEqualTo(status);
        assertThat(error.getContextId()).isEqualTo(response.header("ININ-Correlation-Id"));
    }
}
