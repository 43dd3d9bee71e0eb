package io.cxbridge.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The counters of /sim/stats that tests of other modules rely on: uploads, downloads, external calls, pages. */
@QuarkusTest
class StreamingStatsTest extends SimTestBase {

    private static final int MIB = 1024 * 1024;

    @Test
    void anUploadWhoseConnectionClosesBeforeTheEndIsAbortedAndAFullOneCompleted() throws Exception {
        String token = token();
        api(token)
                .contentType("application/octet-stream")
                .body(new byte[1000])
                .post("/api/v2/uploads/blob")
                .then()
                .statusCode(200);
        try (Socket socket = socket()) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v2/uploads/blob HTTP/1.1\r\nHost: sim\r\nAuthorization: Bearer " + token
                            + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + 10 * MIB + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[64 * 1024]);
            out.flush();
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            JsonNode uploads = stats().get("uploads");
            assertThat(uploads.get("aborted").asLong()).isEqualTo(1);
            assertThat(uploads.get("completed").asLong()).isEqualTo(1);
        });
    }

    @Test
    void aDownloadWhoseClientGoesAwayIsCancelledAndAFullOneCompleted() throws Exception {
        String token = token();
        api(token)
                .queryParam("size", 100_000)
                .get("/api/v2/downloads/blob")
                .then()
                .statusCode(200);
        api(token).queryParam("size", 0).get("/api/v2/downloads/blob").then().statusCode(200);
        try (Socket socket = socket()) {
            socket.getOutputStream()
                    .write(("GET /api/v2/downloads/blob?size=" + 64 * MIB
                                    + " HTTP/1.1\r\nHost: sim\r\nAuthorization: Bearer " + token + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[64 * 1024];
            int read = 0;
            while (read < MIB) {
                int n = in.read(buffer);
                assertThat(n).isPositive();
                read += n;
            }
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            JsonNode downloads = stats().get("downloads");
            assertThat(downloads.get("cancelled").asLong()).isEqualTo(1);
            assertThat(downloads.get("completed").asLong()).isEqualTo(2);
        });
    }

    @Test
    void externalCallsAreCountedByIdempotencyKeyFaultedOrNot() {
        fault(Map.of("path", "/external/api", "status", 503, "count", 1));
        for (int i = 0; i < 2; i++) {
            io.restassured.RestAssured.given()
                    .contentType(ContentType.JSON)
                    .header("Idempotency-Key", "job-1")
                    .body("{}")
                    .post("/external/api");
        }
        io.restassured.RestAssured.given()
                .contentType(ContentType.JSON)
                .body("{}")
                .post("/external/api")
                .then()
                .statusCode(200);
        JsonNode byKey = stats().get("externalCallsByKey");
        assertThat(byKey.get("job-1").asLong()).isEqualTo(2);
        assertThat(byKey.get("(none)").asLong()).isEqualTo(1);
        assertThat(byKey.size()).isEqualTo(2);
        assertThat(stats().get("externalCalls").asLong()).isEqualTo(3);
    }

    @Test
    void everyListingPageServedIsCountedByPathAndQuery() {
        String token = token();
        for (int i = 0; i < 3; i++) {
            api(token)
                    .contentType(ContentType.JSON)
                    .body(Map.of("name", "q" + i))
                    .post("/api/v2/routing/queues")
                    .then()
                    .statusCode(200);
        }
        api(token).get("/api/v2/routing/queues?pageSize=2&pageNumber=1").then().statusCode(200);
        api(token).get("/api/v2/routing/queues?pageSize=2&pageNumber=2").then().statusCode(200);
        api(token).get("/api/v2/routing/queues?pageSize=2&pageNumber=2").then().statusCode(200);
        api(token).get("/api/v2/routing/queues").then().statusCode(200);
        // an item and a refused listing are not pages
        api(token).get("/api/v2/routing/queues?pageSize=x").then().statusCode(400);

        JsonNode pages = stats().get("pages");
        assertThat(pages).hasSize(3);
        assertThat(pages.get(0).toString())
                .isEqualTo("{\"path\":\"/api/v2/routing/queues\",\"query\":\"\",\"count\":1}");
        assertThat(pages.get(1).toString())
                .isEqualTo("{\"path\":\"/api/v2/routing/queues\",\"query\":\"pageSize=2&pageNumber=1\",\"count\":1}");
        assertThat(pages.get(2).toString())
                .isEqualTo("{\"path\":\"/api/v2/routing/queues\",\"query\":\"pageSize=2&pageNumber=2\",\"count\":2}");
    }

    private Socket socket() throws Exception {
        Socket socket = new Socket(root.getHost(), root.getPort());
        socket.setSoTimeout(10_000);
        return socket;
    }
}
