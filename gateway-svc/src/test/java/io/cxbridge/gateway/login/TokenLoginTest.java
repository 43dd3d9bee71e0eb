package io.cxbridge.gateway.login;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import io.cxbridge.gateway.RawHttp;
import io.cxbridge.gateway.audit.LogCapture;
import io.cxbridge.gateway.routes.EchoBackendResource;
import io.cxbridge.model.problem.Problem;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.RedisServer;
import io.cxbridge.testkit.sim.GenesysSim;
import io.cxbridge.testkit.sim.GenesysSimResource;
import io.cxbridge.testkit.sim.SimControl;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.net.URL;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The SDKs' client-credentials login at the gateway, and the tokens it issues used like keys. */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
@QuarkusTestResource(EchoBackendResource.class)
class TokenLoginTest {

    private static final String TOKEN_PATH = "/login/oauth/token";
    private static final String QUEUES = "/api/v2/routing/queues";

    private final SimControl sim = GenesysSim.shared().control();

    @TestHTTPResource("/")
    URL gateway;

    @BeforeEach
    void reset() {
        sim.reset();
    }

    static String basic(String id, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes());
    }

    static RequestSpecification form() {
        return given().contentType(ContentType.URLENC.withCharset("UTF-8"));
    }

    static String login(String id, String key) {
        return form().header("Authorization", basic(id, key))
                .formParam("grant_type", "client_credentials")
                .post(TOKEN_PATH)
                .then()
                .statusCode(200)
                .extract()
                .path("access_token");
    }

    @Test
    void aClientLogsInWithItsIdAndKeyAndItsTokenWorksLikeTheKey() {
        // The reset sim no longer knows the gateway's org token: one call with a key lets it refresh first.
        given().header("X-API-Key", "cxb_demo_key").get(QUEUES).then().statusCode(200);
        long refusedBySim = refusedBySim();
        String token = form().header("Authorization", basic("demo", "cxb_demo_key"))
                .formParam("grant_type", "client_credentials")
                .post(TOKEN_PATH)
                .then()
                .statusCode(200)
                .contentType(ContentType.JSON)
                .header("Cache-Control", "no-store")
                .body("token_type", equalTo("bearer"))
                .body("expires_in", equalTo(86400))
                .body("access_token", startsWith(AccessTokens.PREFIX))
                .extract()
                .path("access_token");

        given().header("Authorization", "Bearer " + token)
                .get(QUEUES)
                .then()
                .statusCode(200)
                .header("RateLimit-Limit", "1200");
        given().header("Authorization", "Bearer " + token)
                .contentType(ContentType.JSON)
                .body("{\"name\":\"Via token\"}")
                .post(QUEUES)
                .then()
                .statusCode(200);
        // The configured API prefix (an SDK's path_params_api) is one more alias.
        given().header("Authorization", "Bearer " + token)
                .get("/genesys" + QUEUES)
                .then()
                .statusCode(200);

        // The sim rejects any bearer it did not issue: every call reaching it with 200 means it saw only its own token.
        assertThat(sim.stats().requests("GET", QUEUES, 200)).isEqualTo(3);
        assertThat(sim.stats().requests("POST", QUEUES, 200)).isEqualTo(1);
        assertThat(refusedBySim()).isEqualTo(refusedBySim);
    }

    private long refusedBySim() {
        return sim.stats().requests().stream()
                .filter(r -> r.status() == 401)
                .mapToLong(r -> r.count())
                .sum();
    }

    @Test
    void theCredentialsMayAlsoComeAsFormFields() {
        form().formParam("grant_type", "client_credentials")
                .formParam("client_id", "readonly")
                .formParam("client_secret", "cxb_readonly_key")
                .post(TOKEN_PATH)
                .then()
                .statusCode(200)
                .body("token_type", equalTo("bearer"));
        form().header("Authorization", basic("demo", "cxb_demo_key"))
                .formParam("grant_type", "client_credentials")
                .formParam("client_id", "demo")
                .post(TOKEN_PATH)
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_request"));
    }

    @Test
    void aWrongSecretOrAnotherClientsKeyIsInvalidClient() {
        form().header("Authorization", basic("demo", "wrong"))
                .formParam("grant_type", "client_credentials")
                .post(TOKEN_PATH)
                .then()
                .statusCode(401)
                .contentType(ContentType.JSON)
                .header("WWW-Authenticate", startsWith("Basic"))
                .body("error", equalTo("invalid_client"))
                .body("error_description", notNullValue());
        form().header("Authorization", basic("demo", "cxb_readonly_key"))
                .formParam("grant_type", "client_credentials")
                .post(TOKEN_PATH)
                .then()
                .statusCode(401)
                .body("error", equalTo("invalid_client"));
        form().formParam("grant_type", "client_credentials")
                .post(TOKEN_PATH)
                .then()
                .statusCode(401)
                .body("error", equalTo("invalid_client"));
        assertThat(sim.stats().requestsTotal()).as("nothing reached Genesys").isZero();
    }

    @Test
    void anotherGrantIsUnsupportedAndAMissingOneInvalid() {
        form().header("Authorization", basic("demo", "cxb_demo_key"))
                .formParam("grant_type", "password")
                .formParam("username", "u")
                .formParam("password", "p")
                .post(TOKEN_PATH)
                .then()
                .statusCode(400)
                .body("error", equalTo("unsupported_grant_type"));
        form().header("Authorization", basic("demo", "cxb_demo_key"))
                .formParam("scope", "x")
                .post(TOKEN_PATH)
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_request"));
    }

    @Test
    void aFormBodyOverEightKiBIsRefusedHoweverItIsSentAndNeverReadWhole() throws Exception {
        // Announced: refused before a byte of the body is read, leading zeros or not.
        for (String length : List.of("8193", "0000009000000", "99999999999999999999")) {
            String answer = RawHttp.exchange(
                    gateway.getHost(),
                    gateway.getPort(),
                    "POST " + TOKEN_PATH + " HTTP/1.1\r\nHost: localhost\r\n"
                            + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + length
                            + "\r\n\r\n");
            assertThat(answer).as("Content-Length " + length).startsWith("HTTP/1.1 400");
            if (!length.startsWith("9999")) { // past a long: Vert.x's decoder refuses the head itself
                assertThat(RawHttp.body(answer)).contains("invalid_request").contains("larger than 8192 bytes");
            }
        }
        // Chunked, 20 MiB and no Content-Length: cut at the limit, answered while the client is still sending.
        String answer = RawHttp.chunkedUpload(
                gateway,
                "POST " + TOKEN_PATH,
                "Authorization: " + basic("demo", "cxb_demo_key")
                        + "\r\nContent-Type: application/x-www-form-urlencoded\r\n",
                20L * 1024 * 1024);
        assertThat(answer)
                .startsWith("HTTP/1.1 400")
                .contains("invalid_request")
                .contains("larger than 8192 bytes");
        // A small chunked form is still read whole.
        String small = RawHttp.exchange(
                gateway.getHost(),
                gateway.getPort(),
                "POST " + TOKEN_PATH + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                        + "Authorization: " + basic("demo", "cxb_demo_key") + "\r\n"
                        + "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "a\r\ngrant_type\r\n13\r\n=client_credentials\r\n0\r\n\r\n");
        assertThat(small).startsWith("HTTP/1.1 200").contains(AccessTokens.PREFIX);
    }

    @Test
    void aFormWithABadEscapeIsInvalidRequestAndItsSecretReachesNoLogLine() throws Exception {
        LogCapture capture = LogCapture.start();
        List<String> lines = capture.lines();
        String answer;
        try {
            String form = "grant_type=client_credentials&client_id=demo&client_secret=cxb_demo_key&x=%zz";
            // RawHttp's socket times out after 5 s: an answer that never comes fails here.
            answer = RawHttp.exchange(
                    gateway.getHost(),
                    gateway.getPort(),
                    "POST " + TOKEN_PATH + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                            + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + form.length()
                            + "\r\n\r\n" + form);
            Awaitility.await()
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> lines.stream().anyMatch(l -> l.contains("POST " + TOKEN_PATH)));
        } finally {
            capture.close();
        }
        assertThat(answer).startsWith("HTTP/1.1 400");
        assertThat(RawHttp.body(answer)).contains("\"error\":\"invalid_request\"");
        assertThat(lines).noneMatch(l -> l.contains("cxb_demo_key") || l.contains("%zz"));
    }

    @Test
    void aTokenHasItsClientsGrants() {
        String token = login("readonly", "cxb_readonly_key");
        given().header("Authorization", "Bearer " + token)
                .contentType(ContentType.JSON)
                .body("{\"name\":\"No\"}")
                .post(QUEUES)
                .then()
                .statusCode(403)
                .contentType(Problem.MEDIA_TYPE);
        given().header("Authorization", "Bearer " + token).get(QUEUES).then().statusCode(200);
        assertThat(sim.stats().requests("POST", QUEUES)).isZero();
    }

    @Test
    void anExpiredTokenGetsThePlatforms401AndLoggingInAgainWorks() {
        String token = form().header("Authorization", basic("shortlived", "cxb_short_key"))
                .formParam("grant_type", "client_credentials")
                .post(TOKEN_PATH)
                .then()
                .statusCode(200)
                .body("expires_in", equalTo(1))
                .extract()
                .path("access_token");
        given().header("Authorization", "Bearer " + token).get(QUEUES).then().statusCode(200);

        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> given().header("Authorization", "Bearer " + token)
                        .get(QUEUES)
                        .then()
                        .statusCode(401)
                        .contentType(ContentType.JSON)
                        .body("status", equalTo(401))
                        .body("code", equalTo("bad.credentials"))
                        .body("message", notNullValue())
                        .body("messageWithParams", notNullValue())
                        .body("contextId", notNullValue())
                        .body("errors.size()", equalTo(0)));

        String again = login("shortlived", "cxb_short_key");
        given().header("Authorization", "Bearer " + again).get(QUEUES).then().statusCode(200);
    }

    @Test
    void anUnknownTokenIs401AndARevokedOneToo() {
        given().header("Authorization", "Bearer " + AccessTokens.PREFIX + "not-issued")
                .get(QUEUES)
                .then()
                .statusCode(401)
                .body("code", equalTo("bad.credentials"));

        String token = login("demo", "cxb_demo_key");
        given().header("Authorization", "Bearer " + token).get(QUEUES).then().statusCode(200);
        given().header("Authorization", "Bearer " + token)
                .delete(TOKEN_PATH)
                .then()
                .statusCode(204);
        given().header("Authorization", "Bearer " + token)
                .get(QUEUES)
                .then()
                .statusCode(401)
                .body("code", equalTo("bad.credentials"));
        // A key cannot be revoked here (it lives in the keys file).
        given().header("Authorization", "Bearer cxb_demo_key")
                .delete(TOKEN_PATH)
                .then()
                .statusCode(400)
                .body("error", equalTo("invalid_request"));
        given().header("X-API-Key", "cxb_demo_key").get(QUEUES).then().statusCode(200);
    }

    @Test
    void whileRedisIsAwayTheTokenEndpointIs503TokensCannotBeCheckedAndKeysStillWork() {
        String token = login("demo", "cxb_demo_key");
        RedisServer redis = RedisServer.shared();
        redis.stop();
        try {
            form().header("Authorization", basic("demo", "cxb_demo_key"))
                    .formParam("grant_type", "client_credentials")
                    .post(TOKEN_PATH)
                    .then()
                    .statusCode(503)
                    .header("Retry-After", "5")
                    .body("error", equalTo("temporarily_unavailable"));
            given().header("Authorization", "Bearer " + token)
                    .get(QUEUES)
                    .then()
                    .statusCode(503)
                    .contentType(Problem.MEDIA_TYPE);
            assertThat(sim.stats().requests("GET", QUEUES))
                    .as("an unchecked token never reaches Genesys")
                    .isZero();
        } finally {
            redis.wipe(); // it comes back empty (it runs with AOF, so a plain restart would keep the token)
            redis.start();
        }
        // This Redis came back empty: the token is gone with it (401, so an SDK logs in again), and a login works.
        given().header("Authorization", "Bearer " + token)
                .get(QUEUES)
                .then()
                .statusCode(401)
                .body("code", equalTo("bad.credentials"));
        given().header("Authorization", "Bearer " + login("demo", "cxb_demo_key"))
                .get(QUEUES)
                .then()
                .statusCode(200);
    }

    @Test
    void neitherKeyNorTokenNorAuthorizationReachesALogLine() {
        LogCapture capture = LogCapture.start();
        List<String> lines = capture.lines();
        String token;
        try {
            token = login("demo", "cxb_demo_key");
            given().header("Authorization", "Bearer " + token)
                    .get(QUEUES + "?pageSize=2")
                    .then()
                    .statusCode(200);
            given().header("Authorization", "Bearer " + token)
                    .get("/genesys" + QUEUES)
                    .then()
                    .statusCode(200);
            form().formParam("grant_type", "client_credentials")
                    .formParam("client_id", "demo")
                    .formParam("client_secret", "cxb_demo_key")
                    .post(TOKEN_PATH)
                    .then()
                    .statusCode(200);
            form().header("Authorization", basic("demo", "cxb_demo_key-wrong"))
                    .formParam("grant_type", "client_credentials")
                    .post(TOKEN_PATH)
                    .then()
                    .statusCode(401);
            given().header("Authorization", "Bearer " + token)
                    .delete(TOKEN_PATH)
                    .then()
                    .statusCode(204);
            given().header("Authorization", "Bearer " + token)
                    .get(QUEUES)
                    .then()
                    .statusCode(401);
            // the request lines are written when each exchange ends
            Awaitility.await()
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> lines.stream().filter(l -> l.contains(QUEUES)).count() >= 3);
        } finally {
            capture.close();
        }
        assertThat(lines).isNotEmpty();
        String basicValue = basic("demo", "cxb_demo_key").substring(6);
        assertThat(lines)
                .noneMatch(l -> l.contains("cxb_demo_key")
                        || l.contains(token)
                        || l.contains(token.substring(AccessTokens.PREFIX.length()))
                        || l.contains(basicValue)
                        || l.contains("Bearer")
                        || l.contains("Basic "));
    }
}
