package io.cxbridge.sim;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

@QuarkusTest
class OAuthTest extends SimTestBase {

    private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    @Test
    void issuesBearerTokenForClientCredentials() {
        given().auth()
                .preemptive()
                .basic(CLIENT_ID, CLIENT_SECRET)
                .contentType(ContentType.URLENC)
                .formParam("grant_type", "client_credentials")
                .post("/oauth/token")
                .then()
                .statusCode(200)
                .contentType(ContentType.JSON)
                .header("ININ-Correlation-Id", matchesPattern(UUID))
                .body("access_token", notNullValue())
                .body("token_type", equalTo("bearer"))
                .body("expires_in", equalTo(86400));
    }

    @Test
    void acceptsTheOfficialSdksFormWithTrailingAmpersand() {
        given().auth()
                .preemptive()
                .basic(CLIENT_ID, CLIENT_SECRET)
                .contentType("application/x-www-form-urlencoded")
                .body("grant_type=client_credentials&")
                .post("/oauth/token")
                .then()
                .statusCode(200)
                .body("access_token", notNullValue());
    }

    @Test
    void refusesBadOrMissingClientCredentialsWith401() {
        given().auth()
                .preemptive()
                .basic(CLIENT_ID, "wrong-secret")
                .contentType(ContentType.URLENC)
                .formParam("grant_type", "client_credentials")
                .post("/oauth/token")
                .then()
                .statusCode(401)
                .body("error", equalTo("invalid_client"));
        given().auth()
                .preemptive()
                .basic("someone-else", CLIENT_SECRET)
                .contentType(ContentType.URLENC)
                .formParam("grant_type", "client_credentials")
                .post("/oauth/token")
                .then()
                .statusCode(401)
                .body("error", equalTo("invalid_client"));
        given().contentType(ContentType.URLENC)
                .formParam("grant_type", "client_credentials")
                .post("/oauth/token")
                .then()
                .statusCode(401)
                .body("error", equalTo("invalid_client"));
        given().header("Authorization", "Basic %%%not-base64")
                .contentType(ContentType.URLENC)
                .formParam("grant_type", "client_credentials")
                .post("/oauth/token")
                .then()
                .statusCode(401)
                .body("error", equalTo("invalid_client"));
    }

    @Test
    void refusesMissingOrWrongGrantTypeWith400() {
        given().auth()
                .preemptive()
                .basic(CLIENT_ID, CLIENT_SECRET)
                .contentType(ContentType.URLENC)
                .formParam("scope", "all")
                .post("/oauth/token")
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_request"));
        given().auth()
                .preemptive()
                .basic(CLIENT_ID, CLIENT_SECRET)
                .contentType(ContentType.URLENC)
                .formParam("grant_type", "password")
                .post("/oauth/token")
                .then()
                .statusCode(400)
                .body("error", equalTo("unsupported_grant_type"));
    }

    @Test
    void countsEveryTokenRequestIncludingRefusedOnes() {
        token();
        token();
        given().contentType(ContentType.URLENC)
                .formParam("grant_type", "client_credentials")
                .post("/oauth/token")
                .then()
                .statusCode(401);
        assertThat(stats().get("tokenRequests").asLong()).isEqualTo(3);
        assertThat(requests("POST", "/oauth/token", 200)).isEqualTo(2);
        assertThat(requests("POST", "/oauth/token", 401)).isEqualTo(1);
    }

    @Test
    void apiNeedsALiveBearerToken() {
        given().get("/api/v2/routing/queues")
                .then()
                .statusCode(401)
                .header("ININ-Correlation-Id", matchesPattern(UUID))
                .body("code", equalTo("authentication.required"))
                .body("status", equalTo(401));
        given().header("Authorization", "Bearer not-a-token")
                .get("/api/v2/routing/queues")
                .then()
                .statusCode(401)
                .body("code", equalTo("bad.credentials"));
        given().header(
                        "Authorization",
                        "Basic "
                                + java.util.Base64.getEncoder()
                                        .encodeToString((CLIENT_ID + ":" + CLIENT_SECRET).getBytes()))
                .get("/api/v2/routing/queues")
                .then()
                .statusCode(401);
        api().get("/api/v2/routing/queues").then().statusCode(200);
    }

    @Test
    void everyGenesysResponseCarriesItsOwnCorrelationIdButTheControlApiDoesNot() {
        String first = api().get("/api/v2/routing/queues")
                .then()
                .statusCode(200)
                .extract()
                .header("ININ-Correlation-Id");
        String second = api().get("/api/v2/routing/queues")
                .then()
                .statusCode(200)
                .extract()
                .header("ININ-Correlation-Id");
        assertThat(first).matches(UUID).isNotEqualTo(second);
        given().contentType(ContentType.JSON)
                .body("{}")
                .post("/external/api")
                .then()
                .header("ININ-Correlation-Id", matchesPattern(UUID));
        given().get("/sim/stats").then().header("ININ-Correlation-Id", nullValue());
        given().get("/q/health/live").then().header("ININ-Correlation-Id", nullValue());
    }

    @Test
    void tokensExpireAfterTokenExpiresInSeconds() {
        config(Map.of("tokenExpiresIn", 1));
        String body = given().auth()
                .preemptive()
                .basic(CLIENT_ID, CLIENT_SECRET)
                .contentType(ContentType.URLENC)
                .formParam("grant_type", "client_credentials")
                .post("/oauth/token")
                .then()
                .statusCode(200)
                .body("expires_in", equalTo(1))
                .extract()
                .asString();
        String token = io.restassured.path.json.JsonPath.from(body).getString("access_token");
        api(token).get("/api/v2/routing/queues").then().statusCode(200);
        Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> api(token).get("/api/v2/routing/queues").statusCode() == 401);
        api(token).get("/api/v2/routing/queues").then().body("code", equalTo("bad.credentials"));
    }

    @Test
    void revokeOnRefreshKillsTheClientsEarlierTokens() {
        String a = token();
        String b = token();
        api(a).get("/api/v2/routing/queues").then().statusCode(200);
        api(b).get("/api/v2/routing/queues").then().statusCode(200);

        config(Map.of("revokeOnRefresh", true));
        String c = token();
        api(a).get("/api/v2/routing/queues").then().statusCode(401);
        api(b).get("/api/v2/routing/queues").then().statusCode(401);
        api(c).get("/api/v2/routing/queues").then().statusCode(200);
        String d = token();
        api(c).get("/api/v2/routing/queues").then().statusCode(401);
        api(d).get("/api/v2/routing/queues").then().statusCode(200);
    }

    @Test
    void revokingTokensKillsEveryIssuedTokenAndKeepsTheRest() {
        String a = token();
        String b = token();
        long before = stats().get("tokenRequests").asLong();
        given().post("/sim/tokens/revoke").then().statusCode(200).body("revoked", greaterThanOrEqualTo(2));
        api(a).get("/api/v2/routing/queues").then().statusCode(401).body("code", equalTo("bad.credentials"));
        api(b).get("/api/v2/routing/queues").then().statusCode(401);
        // counts, faults and configuration are untouched (unlike /sim/reset)
        assertThat(stats().get("tokenRequests").asLong()).isEqualTo(before);
        api(token()).get("/api/v2/routing/queues").then().statusCode(200);
        given().get("/sim/tokens/revoke").then().statusCode(405);
    }

    @Test
    void resetForgetsTokens() {
        String token = token();
        given().post("/sim/reset").then().statusCode(204);
        api(token).get("/api/v2/routing/queues").then().statusCode(401);
        JsonNode stats = stats();
        assertThat(stats.get("tokenRequests").asLong()).isZero();
        assertThat(stats.get("requestsTotal").asLong()).isEqualTo(1);
    }
}
