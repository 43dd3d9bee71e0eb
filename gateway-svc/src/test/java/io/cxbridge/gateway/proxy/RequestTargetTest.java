package io.cxbridge.gateway.proxy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.mypurecloud.sdk.v2.ApiClient;
import com.mypurecloud.sdk.v2.ApiException;
import com.mypurecloud.sdk.v2.api.RoutingApi;
import com.mypurecloud.sdk.v2.model.CreateQueueRequest;
import com.mypurecloud.sdk.v2.model.ErrorBody;
import io.cxbridge.gateway.RawHttp;
import io.cxbridge.gateway.routes.EchoBackendResource;
import io.cxbridge.model.Json;
import io.cxbridge.model.problem.Problem;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.Management;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.sim.GenesysSim;
import io.cxbridge.testkit.sim.GenesysSimResource;
import io.cxbridge.testkit.sim.SimControl;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Issue #15: request targets that could mean another host or another path are 400 before anything else looks. */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
@QuarkusTestResource(EchoBackendResource.class)
class RequestTargetTest {

    /** One valid path of every route family: the corpus is applied to each. */
    private static final List<String> ROUTES = List.of(
            "/api/v2/users",
            "/genesys-api/users",
            "/v1/retention/policies",
            "/v1/directories/internal_agents/entries",
            "/v1/fulfillment/jobs/j-1",
            "/v1/data-actions/dlq");

    /** The corpus of the README's security section, around a valid path {@code p}. */
    private static final List<Function<String, String>> CORPUS = List.of(
            p -> "x.evil://a" + p,
            p -> "http://evil.test" + p,
            p -> "//evil.test" + p,
            p -> "*",
            p -> p + "@evil.test",
            p -> p + "/../../sim/stats",
            p -> p + "/./x",
            p -> p + "/%2e%2e/x",
            p -> p + "/%2E%2e/x",
            p -> p + "/%252e%252e/x",
            p -> p + "/%c0%ae%c0%ae/x",
            p -> p + "/%e0%80%ae%e0%80%ae/x",
            p -> p + "/..;/x",
            p -> p + ";jsessionid=1",
            p -> p + "%2fx",
            p -> p + "%2Fx",
            p -> p + "%5cx",
            p -> p + "\\x",
            p -> p + "/%00x",
            p -> p + "/%0ax",
            p -> p + "/%0dx",
            p -> p + "/%C2%85x",
            p -> p + "/%40x",
            p -> p + "#frag",
            p -> p + "//x",
            p -> p + "/%ff",
            p -> p.replaceFirst("/(.)", "/%61$1"),
            p -> p.replaceFirst("^(/[^/]+)/", "$1%2F"),
            p -> p.contains("-") ? p.replaceFirst("-", "%2D") : p.replaceFirst("v", "%76"),
            p -> p + "/" + "a".repeat(2100));

    @TestHTTPResource("/")
    URL gateway;

    private final SimControl sim = GenesysSim.shared().control();

    @BeforeEach
    void reset() {
        sim.reset();
    }

    @Test
    void theWholeCorpusIs400ProblemOnEveryRouteForEveryKeyAndNothingIsForwarded() throws Exception {
        long simBefore = sim.stats().requestsTotal();
        long echoBefore = EchoBackendResource.HITS.get();
        List<String> wrong = new ArrayList<>();
        for (String key : new String[] {"cxb_readonly_key", "cxb_demo_key", null}) {
            for (String route : ROUTES) {
                for (Function<String, String> attack : CORPUS) {
                    String target = attack.apply(route);
                    for (String method : List.of("GET", "POST")) {
                        String answer = RawHttp.send(
                                gateway, method + " " + target + " HTTP/1.1\r\n", key, "Content-Length: 0\r\n");
                        // A raw backslash is refused by Vert.x's request decoder itself (a bare 400, before any route).
                        boolean decoders = target.contains("\\");
                        if (!answer.startsWith("HTTP/1.1 400")
                                || !(decoders || answer.contains("application/problem+json"))) {
                            wrong.add(key + " " + method + " " + target + " -> "
                                    + answer.substring(0, Math.min(answer.length(), 400)));
                        }
                    }
                }
            }
        }
        assertThat(wrong)
                .as("every entry, keyed or not (the guard runs before authentication)")
                .isEmpty();
        assertThat(sim.stats().requestsTotal()).as("the sim saw none").isEqualTo(simBefore);
        assertThat(EchoBackendResource.HITS.get()).as("no service saw any").isEqualTo(echoBefore);
    }

    @Test
    void absoluteAuthorityAndAsteriskFormsAre400WithAReason() throws Exception {
        for (String line : List.of(
                "GET x.evil://a/api/v2/users",
                "GET http://evil.test/api/v2/users",
                "GET //evil.test/api/v2/users",
                "CONNECT evil.test:443",
                "OPTIONS *",
                "GET /api/v2/users@evil.test")) {
            String answer = RawHttp.send(gateway, line + " HTTP/1.1\r\n", "cxb_demo_key", "");
            assertThat(answer).as(line).startsWith("HTTP/1.1 400").contains("X-Request-Id: ");
            JsonNode body = Json.mapper().readTree(RawHttp.body(answer));
            assertThat(body.get("type").asText()).isEqualTo(Problem.MALFORMED);
            assertThat(body.get("detail").asText()).as(line).startsWith("the ");
        }
        assertThat(sim.stats().requestsTotal()).isZero();
    }

    @Test
    void aPathAtTheBoundIsServedAndTheLogShowsTheNormalisedPath() throws Exception {
        String atBound = "/api/v2/users/" + "a".repeat(2048 - 14);
        String answer = RawHttp.send(gateway, "GET " + atBound + " HTTP/1.1\r\n", "cxb_demo_key", "");
        assertThat(answer)
                .as("the guard lets it through: the sim answers (404 for an unknown user)")
                .doesNotStartWith("HTTP/1.1 400");
        assertThat(sim.stats().requestsTotal()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aPathNoRouteServesIs404Problem() {
        // Inside the demo client's grants (outside them a path is the grant's 403 first).
        for (String path : List.of("/api/v2", "/v1/unknown", "/v1/data-actions/other", "/genesys-api")) {
            given().header("X-API-Key", "cxb_demo_key")
                    .get(path)
                    .then()
                    .statusCode(404)
                    .contentType(Problem.MEDIA_TYPE)
                    .header("X-Request-Id", org.hamcrest.Matchers.notNullValue());
        }
        assertThat(sim.stats().requestsTotal()).isZero();
    }

    @Test
    void theOfficialSdkReadsTheGatewaysOwnErrorsAsApiExceptions() throws Exception {
        ApiClient client = ApiClient.Builder.standard()
                .withBasePath(gateway.toString().replaceAll("/$", ""))
                .withAccessToken("cxb_readonly_key")
                .withShouldRefreshAccessToken(false)
                .build();
        ApiException refused = catchThrowableOfType(
                ApiException.class, () -> new RoutingApi(client).postRoutingQueues(new CreateQueueRequest().name("q")));
        assertThat(refused.getStatusCode()).isEqualTo(403);
        ErrorBody body = client.getObjectMapper()
                .copy()
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .readValue(refused.getRawBody(), ErrorBody.class);
        assertThat(body.getStatus()).isEqualTo(403);
        assertThat(body.getMessage()).isEqualTo("client 'readonly' may not POST /api/v2/routing/queues");
        assertThat(body.getCode()).isEqualTo("forbidden");
        assertThat(body.getContextId())
                .isEqualTo(refused.getHeader("X-Request-Id"))
                .isNotBlank();

        ApiClient unknown = ApiClient.Builder.standard()
                .withBasePath(gateway.toString().replaceAll("/$", ""))
                .withAccessToken("not-a-key")
                .withShouldRefreshAccessToken(false)
                .build();
        ApiException unauthorized =
                catchThrowableOfType(ApiException.class, () -> new RoutingApi(unknown).getRoutingQueue("q-1"));
        assertThat(unauthorized.getStatusCode()).isEqualTo(401);
        assertThat(unknown.getObjectMapper()
                        .copy()
                        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                        .readValue(unauthorized.getRawBody(), ErrorBody.class)
                        .getMessage())
                .isEqualTo("the client key is not known");
    }

    @Test
    void malformedRequestIdsAndTraceparentsAreReplacedCountedAndNeverForwarded() {
        String tooLong = "r".repeat(200);
        Response answer = given().header("X-API-Key", "cxb_demo_key")
                .header("X-Request-Id", tooLong)
                .header("traceparent", "00-zz-bad")
                .get("/v1/retention/policies");
        assertThat(answer.statusCode()).isEqualTo(200);
        String replaced = answer.jsonPath().getString("headers.x-request-id");
        assertThat(replaced).matches("[0-9a-f]{32}");
        assertThat(answer.asString()).doesNotContain(tooLong).doesNotContain("00-zz-bad");
        String metrics = Management.given().get("/q/metrics").asString();
        assertThat(metrics)
                .containsPattern("cxbridge_gateway_trace_headers_replaced_total\\{header=\"X-Request-Id\"[^}]*} [1-9]")
                .containsPattern("cxbridge_gateway_trace_headers_replaced_total\\{header=\"traceparent\"[^}]*} [1-9]");
    }
}
