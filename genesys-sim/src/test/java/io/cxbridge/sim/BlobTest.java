package io.cxbridge.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

@QuarkusTest
class BlobTest extends SimTestBase {

    private static final int MIB = 1024 * 1024;

    @Test
    void downloadsStreamNDeterministicBytesMatchingTheirChecksum() throws Exception {
        long size = 20L * MIB + 12_345;
        String token = token();
        HttpRequest request = HttpRequest.newBuilder(uri("/api/v2/downloads/blob?size=" + size))
                .header("Authorization", "Bearer " + token)
                .GET()
                .build();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValueAsLong("Content-Length")).hasValue(size);
        String announced = response.headers().firstValue("X-Content-SHA256").orElseThrow();

        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        long read = 0;
        try (InputStream in = new DigestInputStream(response.body(), digest)) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                read += n;
            }
        }
        assertThat(read).isEqualTo(size);
        assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(announced);

        // the same size gives the same bytes; another size another checksum
        api(token).queryParam("size", size).head("/api/v2/downloads/blob");
        String again = api(token)
                .queryParam("size", 1000)
                .get("/api/v2/downloads/blob")
                .header("X-Content-SHA256");
        assertThat(again).isNotEqualTo(announced);
        assertThat(api(token)
                        .queryParam("size", 1000)
                        .get("/api/v2/downloads/blob")
                        .header("X-Content-SHA256"))
                .isEqualTo(again);
        assertThat(api(token)
                        .queryParam("size", 0)
                        .get("/api/v2/downloads/blob")
                        .asByteArray())
                .isEmpty();
    }

    @Test
    void uploadsAreHashedAsTheyStreamIn() throws Exception {
        byte[] data = new byte[20 * MIB + 7];
        new SplittableRandom(7).nextBytes(data);
        String expected =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        String token = token();

        // chunked (no Content-Length)
        HttpRequest chunked = HttpRequest.newBuilder(uri("/api/v2/uploads/blob"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(data)))
                .build();
        HttpResponse<String> response = http.send(chunked, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"size\":" + data.length + ",\"sha256\":\"" + expected + "\"}");

        // with Content-Length
        assertThat(upload(token, HttpRequest.BodyPublishers.ofByteArray(data)))
                .isEqualTo("{\"size\":" + data.length + ",\"sha256\":\"" + expected + "\"}");

        // empty
        api(token)
                .contentType("application/octet-stream")
                .post("/api/v2/uploads/blob")
                .then()
                .statusCode(200)
                .body("size", equalTo(0))
                .body("sha256", equalTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    }

    @Test
    void aDownloadUploadedBackKeepsItsChecksum() throws Exception {
        String token = token();
        HttpRequest download = HttpRequest.newBuilder(uri("/api/v2/downloads/blob?size=" + 3 * MIB))
                .header("Authorization", "Bearer " + token)
                .GET()
                .build();
        HttpResponse<byte[]> bytes = http.send(download, HttpResponse.BodyHandlers.ofByteArray());
        assertThat(upload(token, HttpRequest.BodyPublishers.ofByteArray(bytes.body())))
                .contains(bytes.headers().firstValue("X-Content-SHA256").orElseThrow());
    }

    private String upload(String token, HttpRequest.BodyPublisher body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri("/api/v2/uploads/blob"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/octet-stream")
                .POST(body)
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    @Test
    void refusesAMissingOrBadSize() {
        String token = token();
        api(token).get("/api/v2/downloads/blob").then().statusCode(400).body("code", equalTo("bad.request"));
        api(token).queryParam("size", -1).get("/api/v2/downloads/blob").then().statusCode(400);
        api(token)
                .queryParam("size", "big")
                .get("/api/v2/downloads/blob")
                .then()
                .statusCode(400);
        api(token)
                .queryParam("size", Long.MAX_VALUE)
                .get("/api/v2/downloads/blob")
                .then()
                .statusCode(400);
        io.restassured.RestAssured.given()
                .get("/api/v2/downloads/blob?size=10")
                .then()
                .statusCode(401);
    }
}
