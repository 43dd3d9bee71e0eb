package io.cxbridge.sim;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.model.Json;
import io.quarkus.test.common.http.TestHTTPResource;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;

/** Shared helpers: every test starts from a reset sim. */
public abstract class SimTestBase {

    public static final String CLIENT_ID = "cxbridge-local";
    public static final String CLIENT_SECRET = "cxbridge-local-secret";

    @TestHTTPResource("/")
    URL root;

    protected final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void resetSim() {
        given().post("/sim/reset").then().statusCode(204);
    }

    protected String baseUrl() {
        String s = root.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    protected URI uri(String path) {
        return URI.create(baseUrl() + path);
    }

    protected static String token() {
        return given().auth()
                .preemptive()
                .basic(CLIENT_ID, CLIENT_SECRET)
                .contentType(ContentType.URLENC)
                .formParam("grant_type", "client_credentials")
                .post("/oauth/token")
                .then()
                .statusCode(200)
                .extract()
                .path("access_token");
    }

    /** A request with a fresh live bearer token. */
    protected static RequestSpecification api() {
        return api(token());
    }

    protected static RequestSpecification api(String token) {
        return given().header("Authorization", "Bearer " + token);
    }

    protected static JsonNode json(Response response) {
        try {
            return Json.mapper().readTree(response.asByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    protected static JsonNode stats() {
        return json(given().get("/sim/stats").then().statusCode(200).extract().response());
    }

    protected static void config(Map<String, ?> changes) {
        given().contentType(ContentType.JSON)
                .body(changes)
                .post("/sim/config")
                .then()
                .statusCode(200);
    }

    protected static String fault(Map<String, ?> spec) {
        return given().contentType(ContentType.JSON)
                .body(spec)
                .post("/sim/faults")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }

    /** How many requests the stats counted for method, path and status. */
    protected static long requests(String method, String path, int status) {
        long n = 0;
        for (JsonNode r : stats().get("requests")) {
            if (r.get("method").asText().equals(method)
                    && r.get("path").asText().equals(path)
                    && r.get("status").asInt() == status) {
                n += r.get("count").asLong();
            }
        }
        return n;
    }
}
