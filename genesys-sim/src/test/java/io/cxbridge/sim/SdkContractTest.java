package io.cxbridge.sim;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.mypurecloud.sdk.v2.ApiClient;
import com.mypurecloud.sdk.v2.ApiException;
import com.mypurecloud.sdk.v2.api.ArchitectApi;
import com.mypurecloud.sdk.v2.api.ExternalContactsApi;
import com.mypurecloud.sdk.v2.api.GroupsApi;
import com.mypurecloud.sdk.v2.api.IntegrationsApi;
import com.mypurecloud.sdk.v2.api.RecordingApi;
import com.mypurecloud.sdk.v2.api.RoutingApi;
import com.mypurecloud.sdk.v2.api.UsersApi;
import com.mypurecloud.sdk.v2.extensions.AuthResponse;
import com.mypurecloud.sdk.v2.model.CallMediaPolicy;
import com.mypurecloud.sdk.v2.model.ContactListing;
import com.mypurecloud.sdk.v2.model.CursorContactListing;
import com.mypurecloud.sdk.v2.model.DataTableRowEntityListing;
import com.mypurecloud.sdk.v2.model.ErrorBody;
import com.mypurecloud.sdk.v2.model.ExternalContact;
import com.mypurecloud.sdk.v2.model.MediaPolicies;
import com.mypurecloud.sdk.v2.model.Policy;
import com.mypurecloud.sdk.v2.model.PolicyActions;
import com.mypurecloud.sdk.v2.model.PolicyCreate;
import com.mypurecloud.sdk.v2.model.PolicyEntityListing;
import com.mypurecloud.sdk.v2.model.PolicyUpdate;
import com.mypurecloud.sdk.v2.model.QueueMember;
import com.mypurecloud.sdk.v2.model.QueueMemberEntityListing;
import com.mypurecloud.sdk.v2.model.User;
import com.mypurecloud.sdk.v2.model.UserEntityListing;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
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
 * them all). The listings, the media retention policies and the execute are also called through the SDK's API
 * classes, so the query parameters and bodies the SDK really sends are what the sim is checked with.
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
        assertErrorBody(api(token).get("/api/v2/externalcontacts/scan/contacts?limit=5"), 400);
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

    private ApiClient client(String token) {
        return ApiClient.Builder.standard()
                .withBasePath(baseUrl())
                .withAccessToken(token)
                .build();
    }

    @Test
    void theTokenIsAnAuthResponseTheSdkCanUse() throws Exception {
        Response answer = given().auth()
                .preemptive()
                .basic(CLIENT_ID, CLIENT_SECRET)
                .contentType(ContentType.URLENC)
                .formParam("grant_type", "client_credentials")
                .post("/oauth/token");
        assertThat(answer.statusCode()).isEqualTo(200);
        AuthResponse auth = judge(json(answer), AuthResponse.class);
        assertThat(auth.getAccess_token()).isNotBlank();
        assertThat(auth.getToken_type()).isEqualTo("bearer");
        assertThat(auth.getExpires_in()).isPositive();
        assertThat(auth.getError()).isNull();
        try (ApiClient client = client(auth.getAccess_token())) {
            assertThat(new UsersApi(client)
                            .getUsers(1, 1, null, null, null, null, null, null)
                            .getTotal())
                    .isEqualTo(120);
        }
    }

    @Test
    void usersAndMembersThroughTheSdksApiClasses() throws Exception {
        try (ApiClient client = client(token())) {
            UsersApi users = new UsersApi(client);
            // the SDK sends pageSize, pageNumber, sortOrder, expand, integrationPresenceSource and state
            UserEntityListing page = users.getUsers(10, 2, null, null, "ASC", List.of("presence"), "x", "active");
            assertThat(page.getPageSize()).isEqualTo(10);
            assertThat(page.getPageNumber()).isEqualTo(2);
            assertThat(page.getTotal()).isEqualTo(120);
            assertThat(page.getEntities()).hasSize(10);
            assertThat(page.getEntities().get(0).getName()).isEqualTo("Agent 00011");
            assertThat(users.getUsers(null, null, null, null, null, null, null, null)
                            .getPageSize())
                    .as("the SDK's documented default")
                    .isEqualTo(25);
            UserEntityListing inactive = users.getUsers(25, 1, null, null, null, null, null, "inactive");
            assertThat(inactive.getEntities())
                    .singleElement()
                    .extracting(User::getState)
                    .isEqualTo(User.StateEnum.INACTIVE);
            // ids as the SDK sends a list: id=a&id=b
            List<String> ids = List.of(
                    page.getEntities().get(3).getId(), page.getEntities().get(7).getId());
            assertThat(users.getUsers(null, null, ids, null, null, null, null, null)
                            .getEntities())
                    .extracting(User::getId)
                    .containsExactlyInAnyOrderElementsOf(ids);

            String group = seed().get("groups").get(0).get("id").asText();
            UserEntityListing members = new GroupsApi(client).getGroupMembers(group, 10, 2, "ASC", List.of("presence"));
            assertThat(members.getPageNumber()).isEqualTo(2);
            assertThat(members.getEntities()).hasSize(10);
            assertThat(members.getTotal()).isEqualTo(40);

            // queue members: no total, read until nextUri runs out
            String queue = seed().get("queues").get(0).get("id").asText();
            RoutingApi routing = new RoutingApi(client);
            List<String> queueMembers = new ArrayList<>();
            QueueMemberEntityListing queuePage;
            int pageNumber = 0;
            do {
                queuePage = routing.getRoutingQueueMembers(
                        queue,
                        ++pageNumber,
                        15,
                        "asc",
                        List.of("routingStatus"),
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        "user",
                        true);
                assertThat(queuePage.getPageSize()).isEqualTo(15);
                queuePage.getEntities().stream().map(QueueMember::getId).forEach(queueMembers::add);
            } while (queuePage.getNextUri() != null);
            assertThat(pageNumber).isEqualTo(3);
            assertThat(queueMembers).hasSize(40).doesNotHaveDuplicates();
        }
    }

    @Test
    void contactsAndRowsThroughTheSdksApiClasses() throws Exception {
        try (ApiClient client = client(token())) {
            ExternalContactsApi contacts = new ExternalContactsApi(client);
            // the scan: limit and cursor, until a page has no after cursor
            List<String> scanned = new ArrayList<>();
            String cursor = null;
            int pages = 0;
            do {
                CursorContactListing page = contacts.getExternalcontactsScanContacts(10, cursor);
                pages++;
                assertThat(page.getEntities()).hasSizeLessThanOrEqualTo(10);
                page.getEntities().stream().map(ExternalContact::getId).forEach(scanned::add);
                cursor = page.getCursors().getAfter();
            } while (cursor != null);
            assertThat(pages).isEqualTo(4);
            assertThat(scanned).hasSize(40).doesNotHaveDuplicates();
            assertThat(contacts.getExternalcontactsScanContacts(null, null).getEntities())
                    .as("limit 100 by default: all 40 at once")
                    .hasSize(40);
            ApiException tooSmall =
                    catchThrowableOfType(ApiException.class, () -> contacts.getExternalcontactsScanContacts(5, null));
            assertThat(tooSmall.getStatusCode()).isEqualTo(400);
            assertThat(tooSmall.getRawBody()).contains("minimum allowed of [10]");

            // the search: pageSize 20 by default; q, sortOrder and expand sent
            ContactListing search =
                    contacts.getExternalcontactsContacts(null, null, null, "asc", List.of("externalOrganization"));
            assertThat(search.getPageSize()).isEqualTo(20);
            assertThat(search.getEntities()).hasSize(20);
            String email = search.getEntities().get(2).getWorkEmail();
            assertThat(contacts.getExternalcontactsContacts(10, 1, email, null, null)
                            .getEntities())
                    .extracting(ExternalContact::getWorkEmail)
                    .containsExactly(email);

            String table = seed().get("datatables").get(0).get("id").asText();
            ArchitectApi architect = new ArchitectApi(client);
            DataTableRowEntityListing rows = architect.getFlowsDatatableRows(table, 2, 10, false, "ascending");
            assertThat(rows.getPageNumber()).isEqualTo(2);
            assertThat(rows.getEntities()).hasSize(10);
            assertThat(rows.getEntities().get(0))
                    .containsEntry("key", "row-00011")
                    .containsKeys("name", "region", "priority", "active");
            DataTableRowEntityListing brief = architect.getFlowsDatatableRows(table, null, null, null, null);
            assertThat(brief.getPageSize()).isEqualTo(25);
            assertThat(brief.getEntities().get(0)).containsOnlyKeys("key");
        }
    }

    @Test
    void mediaRetentionPoliciesThroughTheSdksRecordingApi() throws Exception {
        String token = token();
        String path = "/api/v2/recording/mediaretentionpolicies";
        try (ApiClient client = client(token)) {
            RecordingApi recording = new RecordingApi(client);
            Policy created = recording.postRecordingMediaretentionpolicies(new PolicyCreate()
                    .name("keep calls")
                    .description("d")
                    .enabled(true)
                    .order(1)
                    .mediaPolicies(new MediaPolicies()
                            .callPolicy(new CallMediaPolicy()
                                    .actions(new PolicyActions()
                                            .retainRecording(true)
                                            .deleteRecording(false)))));
            String id = created.getId();
            assertThat(created.getEnabled()).isTrue();
            PolicyEntityListing listed = recording.getRecordingMediaretentionpolicies(
                    10, 1, "name", null, null, null, "keep", true, false, null, null);
            assertThat(listed.getEntities()).extracting(Policy::getId).containsExactly(id);

            // PUT: what a GET returned, changed, goes back (the read-only fields with it)
            Policy fetched = recording.getRecordingMediaretentionpolicy(id);
            fetched.setDescription("changed");
            Policy replaced = recording.putRecordingMediaretentionpolicy(id, fetched);
            assertThat(replaced.getDescription()).isEqualTo("changed");
            assertThat(replaced.getCreatedDate()).isEqualTo(created.getCreatedDate());
            judge(ok(token, path + "/" + id), Policy.class);

            // PATCH: a PolicyUpdate, enabled only; any other field is refused and changes nothing
            JsonNode before = ok(token, path + "/" + id);
            assertErrorBody(
                    api(token)
                            .contentType(ContentType.JSON)
                            .body("{\"name\":\"x\"}")
                            .patch(path + "/" + id),
                    400);
            assertThat(ok(token, path + "/" + id)).isEqualTo(before);
            Policy patched = recording.patchRecordingMediaretentionpolicy(id, new PolicyUpdate().enabled(false));
            assertThat(patched.getEnabled()).isFalse();
            assertThat(patched.getName()).isEqualTo("keep calls");
            assertThat(patched.getDescription()).isEqualTo("changed");
            Policy readBack = judge(ok(token, path + "/" + id), Policy.class);
            assertThat(readBack.getEnabled()).isFalse();
            assertThat(recording.getRecordingMediaretentionpolicy(id).getEnabled())
                    .isFalse();

            recording.deleteRecordingMediaretentionpolicy(id);
            ApiException gone =
                    catchThrowableOfType(ApiException.class, () -> recording.getRecordingMediaretentionpolicy(id));
            assertThat(gone.getStatusCode()).isEqualTo(404);
        }
    }

    @Test
    void anExecuteAnswersTheActionsOutputAsTheSdkReadsIt() throws Exception {
        try (ApiClient client = client(token())) {
            Object output = new IntegrationsApi(client)
                    .postIntegrationsActionExecute("custom_-_echo", Map.of("customerId", "42", "amount", 17));
            assertThat(output).isEqualTo(Map.of("customerId", "42", "amount", 17));
        }
    }

    /** What the platform's error bodies always carry (the SDK's ErrorBody has more: entityId, entityName, limit). */
    private static final Set<String> ALWAYS_IN_AN_ERROR_BODY =
            Set.of("message", "code", "status", "messageParams", "contextId", "details", "errors");

    private static void assertErrorBody(Response response, int status) throws Exception {
        assertThat(response.statusCode()).isEqualTo(status);
        JsonNode body = json(response);
        assertThat(iterable(body.fieldNames()))
                .containsAll(ALWAYS_IN_AN_ERROR_BODY)
                .contains("messageWithParams")
                .isSubsetOf(properties(ErrorBody.class));
        ErrorBody error = judge(body, ErrorBody.class);
        assertThat(error.getStatus()).isEqualTo(status);
        assertThat(error.getMessage()).isNotBlank();
        assertThat(error.getMessageWithParams())
                .as("the message with its (no) params filled in")
                .isEqualTo(error.getMessage());
        assertThat(error.getContextId()).isEqualTo(response.header("ININ-Correlation-Id"));
    }
}
