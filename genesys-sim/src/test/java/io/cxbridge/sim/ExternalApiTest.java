package io.cxbridge.sim;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ExternalApiTest extends SimTestBase {

    @Test
    void echoesItsBodyWithoutABearer() {
        given().contentType(ContentType.JSON)
                .body(Map.of("order", 7, "items", List.of("x")))
                .post("/external/api")
                .then()
                .statusCode(200)
                .body("echo.order", equalTo(7))
                .body("echo.items[0]", equalTo("x"));
        given().contentType(ContentType.JSON)
                .body("not json")
                .post("/external/api")
                .then()
                .statusCode(400);
        given().get("/external/api").then().statusCode(405);
        given().post("/external/other").then().statusCode(404);
        assertThat(stats().get("externalCalls").asLong()).isEqualTo(3);
    }

    @Test
    void latencyIsNonBlockingSoManyCallsAreInFlightAtOnce() {
        config(Map.of("externalLatencyMs", 500));
        int calls = 12;
        long start = System.nanoTime();
        List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            HttpRequest request = HttpRequest.newBuilder(uri("/external/api"))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"call\":" + i + "}"))
                    .build();
            futures.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
        }
        for (int i = 0; i < calls; i++) {
            HttpResponse<String> response = futures.get(i).join();
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("{\"echo\":{\"call\":" + i + "}}");
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(500));
        // one after the other would take 6 s
        assertThat(elapsed).isLessThan(Duration.ofMillis(3000));

        // all of them waited at the same time: a sleeping event loop could not even have taken them in
        JsonNode stats = stats();
        assertThat(stats.get("externalCalls").asLong()).isEqualTo(calls);
        assertThat(stats.get("externalMaxConcurrent").asInt()).isEqualTo(calls);
    }

    @Test
    void aLatencyFaultAddsToTheConfiguredLatencyAndCountsAsInFlight() {
        config(Map.of("externalLatencyMs", 100));
        fault(Map.of("path", "/external/api", "latencyMs", 300, "count", 1));
        long start = System.nanoTime();
        given().contentType(ContentType.JSON)
                .body("{}")
                .post("/external/api")
                .then()
                .statusCode(200);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        assertThat(stats().get("externalMaxConcurrent").asInt()).isEqualTo(1);
    }
}
