package io.cxbridge.gateway.proxy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.notNullValue;

import com.fasterxml.jackson.databind.JsonNode;
import com.mypurecloud.sdk.v2.ApiClient;
import com.mypurecloud.sdk.v2.api.RoutingApi;
import com.mypurecloud.sdk.v2.model.CreateQueueRequest;
import com.mypurecloud.sdk.v2.model.Queue;
import com.mypurecloud.sdk.v2.model.QueueEntityListing;
import io.cxbridge.gateway.RawHttp;
import io.cxbridge.gateway.routes.EchoBackendResource;
import io.cxbridge.model.Json;
import io.cxbridge.model.Topics;
import io.cxbridge.model.problem.Problem;
import io.cxbridge.testkit.KafkaBroker;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.TopicReader;
import io.cxbridge.testkit.sim.GenesysSim;
import io.cxbridge.testkit.sim.GenesysSimResource;
import io.cxbridge.testkit.sim.SimControl;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
@QuarkusTestResource(EchoBackendResource.class)
class ProxyTest {

    @TestHTTPResource("/")
    URL gateway;

    private final SimControl sim = GenesysSim.shared().control();

    /** Requests the sim had seen before the test ran (the warm-up). */
    private long baseline;

    @BeforeEach
    void reset() {
        sim.reset();
        // A reset forgets the sim's tokens: one warm-up call lets the gateway replace its token (401, re-auth),
        // so the test itself sees first attempts.
        demo().get("/api/v2/warmup").then().statusCode(200);
        baseline = sim.stats().requestsTotal();
    }

    private static RequestSpecification demo() {
        return given().header("X-API-Key", "cxb_demo_key");
    }

    @Test
    void noKeyIs401AndAKeyWithoutTheRouteIs403AndTheSimSeesNeither() {
        given().get("/api/v2/routing/queues").then().statusCode(401).contentType(Problem.MEDIA_TYPE);
        given().header("X-API-Key", "cxb_readonly_key")
                .contentType(ContentType.JSON)
                .body("{\"name\":\"x\"}")
                .post("/api/v2/routing/queues")
                .then()
                .statusCode(403);
        assertThat(sim.stats().requestsTotal()).isEqualTo(baseline);
    }

    @Test
    void theOfficialSdkListsCreatesAndFetchesQueuesThroughTheGateway() throws Exception {
        ApiClient client = ApiClient.Builder.standard()
                .withBasePath(gateway.toString().replaceAll("/$", ""))
                .withAccessToken("cxb_demo_key")
                .build();
        RoutingApi routing = new RoutingApi(client);

        Queue created = routing.postRoutingQueues(new CreateQueueRequest().name("Support " + System.nanoTime()));
        assertThat(created.getId()).isNotBlank();
        QueueEntityListing listing = routing.getRoutingQueues(1, 25, null, null, null, null, null, null);
        assertThat(listing.getEntities()).extracting(Queue::getId).contains(created.getId());
        assertThat(routing.getRoutingQueue(created.getId()).getName()).isEqualTo(created.getName());
        assertThat(sim.stats().requests("POST", "/api/v2/routing/queues", 200)).isEqualTo(1);
    }

    @Test
    void theClientKeyNeverReachesGenesys() {
        // The sim accepts only bearer tokens it issued: a forwarded client key would be its 401.
        given().header("Authorization", "Bearer cxb_demo_key")
                .contentType(ContentType.JSON)
                .body("{\"status\":\"complete\"}")
                .post("/api/v2/dataactions/fulfillments/ff-key-check")
                .then()
                .statusCode(200);
        assertThat(sim.fulfillment("ff-key-check")
                        .orElseThrow()
                        .get("callbacks")
                        .asInt())
                .isEqualTo(1);
        given().header("X-API-Key", "cxb_demo_key")
                .get("/api/v2/routing/queues")
                .then()
                .statusCode(200);
        assertThat(sim.stats().requests("POST", "/api/v2/dataactions/fulfillments/ff-key-check", 401))
                .isZero();
        assertThat(sim.stats().requests("GET", "/api/v2/routing/queues", 401)).isZero();
    }

    @Test
    void theAliasReachesTheSamePathAndDuplicateSlashesAreRefused() throws Exception {
        assertThat(raw("GET /genesys-api/routing/queues HTTP/1.1\r\n", "")).startsWith("HTTP/1.1 200");
        assertThat(sim.stats().requests("GET", "/api/v2/routing/queues", 200)).isEqualTo(1);
        assertThat(raw("GET /genesys-api/routing//queues HTTP/1.1\r\n", "")).startsWith("HTTP/1.1 400");
        assertThat(sim.stats().requests("GET", "/api/v2/routing/queues")).isEqualTo(1);
    }

    @Test
    void contentLengthPlusTransferEncodingIsChunkedAndTheHiddenRequestNeverReachesTheSim() throws Exception {
        String hidden = "GET /api/v2/hidden-request HTTP/1.1\r\nHost: localhost\r\nX-API-Key: cxb_demo_key\r\n\r\n";
        String answer = RawHttp.exchange(
                gateway.getHost(),
                gateway.getPort(),
                "POST /api/v2/uploads/blob HTTP/1.1\r\n"
                        + "Host: localhost\r\nX-API-Key: cxb_demo_key\r\nContent-Type: application/octet-stream\r\n"
                        + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n" + hidden);
        assertThat(answer)
                .startsWith("HTTP/1.1 200")
                .containsIgnoringCase("connection: close")
                .contains("\"size\":5");
        String afterFirst = answer.substring(answer.indexOf("\"size\":5"));
        assertThat(afterFirst)
                .as("anything after the first answer is a refusal")
                .doesNotContain("HTTP/1.1 200");
        assertThat(sim.stats().requests("GET", "/api/v2/hidden-request")).isZero();
        assertThat(sim.stats().requests("POST", "/api/v2/uploads/blob")).isEqualTo(1);
    }

    @Test
    void expectContinueIsAnsweredByTheGateway() throws Exception {
        try (java.net.Socket socket = new java.net.Socket(gateway.getHost(), gateway.getPort())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream()
                    .write(("POST /api/v2/uploads/blob HTTP/1.1\r\nHost: localhost\r\n"
                                    + "X-API-Key: cxb_demo_key\r\nContent-Type: application/octet-stream\r\nContent-Length: 5\r\n"
                                    + "Expect: 100-continue\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
            byte[] interim = new byte[25];
            int n = socket.getInputStream().read(interim);
            assertThat(new String(interim, 0, n, StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 100 Continue");
            socket.getOutputStream().write("hello".getBytes(StandardCharsets.ISO_8859_1));
            String rest = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(rest).contains("HTTP/1.1 200").contains("\"size\":5");
        }
    }

    @Test
    void requestIdGoesUpstreamAndComesBack() {
        demo().header("X-Request-Id", "req-12345")
                .get("/api/v2/routing/queues")
                .then()
                .statusCode(200)
                .header("X-Request-Id", "req-12345")
                .header("X-Upstream-Attempts", "1")
                .header("ININ-Correlation-Id", notNullValue());
    }

    @Test
    void aDownloadAndAnUploadStreamThroughWithTheirChecksums() throws Exception {
        int size = 8 * 1024 * 1024;
        Response download = demo().get("/api/v2/downloads/blob?size=" + size);
        assertThat(download.statusCode()).isEqualTo(200);
        byte[] bytes = download.asByteArray();
        assertThat(bytes).hasSize(size);
        assertThat(sha256(bytes)).isEqualTo(download.header("X-Content-SHA256"));

        byte[] upload = new byte[4 * 1024 * 1024 + 17];
        for (int i = 0; i < upload.length; i++) {
            upload[i] = (byte) (i * 7);
        }
        demo().contentType("application/octet-stream")
                .body(upload)
                .post("/api/v2/uploads/blob")
                .then()
                .statusCode(200)
                .body("size", equalTo(upload.length))
                .body("sha256", equalTo(sha256(upload)));
    }

    @Test
    void aBodyOverTheLimitIs413AndNeverReachesTheSim() throws Exception {
        // Only the headers go out: the gateway must refuse on the announced length, before reading a byte.
        String answer = raw(
                "POST /api/v2/uploads/blob HTTP/1.1\r\n",
                "Content-Type: application/octet-stream\r\nContent-Length: " + (20 * 1024 * 1024) + "\r\n");
        assertThat(answer).startsWith("HTTP/1.1 413");
        assertThat(sim.stats().requests("POST", "/api/v2/uploads/blob")).isZero();
    }

    @Test
    void aRetryAfterOfOneSecondOnAGetIsWaitedAndCounted() {
        sim.fault(
                Map.of("method", "GET", "path", "/api/v2/routing/queues", "status", 429, "retryAfter", 1, "count", 1));
        long start = System.nanoTime();
        demo().get("/api/v2/routing/queues").then().statusCode(200).header("X-Upstream-Attempts", "2");
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(1000);
    }

    @Test
    void aRetryAfterBeyondTheDeadlineComesBackAs429WithRetryAfter() {
        sim.fault(Map.of("method", "GET", "path", "/api/v2/routing/queues", "status", 429, "retryAfter", 120));
        demo().get("/api/v2/routing/queues")
                .then()
                .statusCode(429)
                .header("Retry-After", "120")
                .header("X-Upstream-Attempts", "1");
    }

    @Test
    void a503OnAPostIsNotRetried() {
        sim.fault(Map.of("method", "POST", "path", "/api/v2/routing/queues", "status", 503, "count", 1));
        demo().contentType(ContentType.JSON)
                .body("{\"name\":\"q\"}")
                .post("/api/v2/routing/queues")
                .then()
                .statusCode(503)
                .header("X-Upstream-Attempts", "1");
        assertThat(sim.stats().requests("POST", "/api/v2/routing/queues")).isEqualTo(1);
    }

    @Test
    void aBurstOfSixHundredNeverMeetsTheSimsLimitTheGatewayAnswers429Itself() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            List<Callable<Integer>> calls = java.util.stream.IntStream.range(0, 600)
                    .<Callable<Integer>>mapToObj(
                            i -> () -> demo().get("/api/v2/routing/queues").statusCode())
                    .toList();
            List<Integer> statuses = new java.util.ArrayList<>();
            for (Future<Integer> f : pool.invokeAll(calls)) {
                statuses.add(f.get());
            }
            assertThat(statuses).containsOnly(200, 429);
            assertThat(statuses).contains(429);
            assertThat(sim.stats().requests("GET", "/api/v2/routing/queues", 429))
                    .isZero();
        } finally {
            pool.shutdownNow();
        }
    }

    /** A request line and headers sent as they are (no client library normalises the path), as the demo client. */
    @Test
    void anExecuteWithAsyncRetryThatKeepsFailingIs202AndTheRunIsOnTheFailedRunsTopic() throws Exception {
        String actionId = "custom_-_" + UUID.randomUUID();
        String path = "/api/v2/integrations/actions/" + actionId + "/execute";
        sim.fault(Map.of("method", "POST", "path", path, "status", 503));
        String requestId = demo().header("X-Cxbridge-Async-Retry", "true")
                .header("X-Request-Id", "run-77")
                .contentType(ContentType.JSON)
                .body("{\"customerId\":\"c-9\"}")
                .post(path)
                .then()
                .statusCode(202)
                .body("requestId", matchesPattern("[0-9a-f-]{36}"))
                .extract()
                .path("requestId");

        ConsumerRecord<String, byte[]> record = TopicReader.await(
                        KafkaBroker.shared().bootstrapServers(),
                        Topics.FAILED_RUNS,
                        1,
                        r -> new String(r.value(), StandardCharsets.UTF_8).contains(requestId),
                        Duration.ofSeconds(10))
                .get(0);
        assertThat(record.key()).isEqualTo(actionId);
        JsonNode run = Json.mapper().readTree(record.value());
        assertThat(run.get("originalRunId").asText()).isEqualTo("run-77");
        assertThat(run.get("lastStatus").asInt()).isEqualTo(503);
        assertThat(run.get("requestPayload").get("customerId").asText()).isEqualTo("c-9");
        assertThat(sim.stats().requests("POST", path))
                .as("a POST 503 is not retried by the gateway")
                .isEqualTo(1);
        // the call sent again with the same X-Request-Id and handed over again is the same run to retry-svc
        for (String[] again : new String[][] {{"run-77", requestId}, {"run-78", null}}) {
            String handedOver = demo().header("X-Cxbridge-Async-Retry", "true")
                    .header("X-Request-Id", again[0])
                    .contentType(ContentType.JSON)
                    .body("{\"customerId\":\"c-9\"}")
                    .post(path)
                    .then()
                    .statusCode(202)
                    .extract()
                    .path("requestId");
            if (again[1] != null) {
                assertThat(handedOver).isEqualTo(again[1]);
            } else {
                assertThat(handedOver).isNotEqualTo(requestId);
            }
        }
    }

    @Test
    void withoutTheHeaderThe503GoesBackAndNothingIsPublished() {
        String actionId = "custom_-_" + UUID.randomUUID();
        String path = "/api/v2/integrations/actions/" + actionId + "/execute";
        sim.fault(Map.of("method", "POST", "path", path, "status", 503));
        demo().contentType(ContentType.JSON)
                .body("{\"customerId\":\"c-9\"}")
                .post(path)
                .then()
                .statusCode(503);
        assertThat(TopicReader.readAll(
                        KafkaBroker.shared().bootstrapServers(), Topics.FAILED_RUNS, Duration.ofSeconds(10)))
                .noneMatch(r -> actionId.equals(r.key()));
    }

    @Test
    void aTwentyMiBChunkedUploadIs413AndTheSimNeverGetsAWholeBody() throws Exception {
        String answer = chunkedUpload("/api/v2/uploads/blob", 20L * 1024 * 1024);
        assertThat(answer)
                .startsWith("HTTP/1.1 413")
                .contains("application/problem+json")
                .contains("larger than 10485760 bytes");
        assertThat(sim.stats().requests("POST", "/api/v2/uploads/blob", 200))
                .as("no completed upload")
                .isZero();
        theSimRecordsOneAbortedUploadAndNoCompletedOne();
    }

    @Test
    void aClientThatLeavesAfterFiveMiBOfAFiftyMiBUploadLeavesAnAbortedUploadAtTheSim() throws Exception {
        try (Socket socket = new Socket(gateway.getHost(), gateway.getPort())) {
            OutputStream out = socket.getOutputStream();
            // Chunked (a 50 MiB Content-Length is refused up front by the 10 MiB limit); cut after 5 MiB.
            out.write(("POST /api/v2/uploads/blob HTTP/1.1\r\nHost: localhost\r\nX-API-Key: cxb_demo_key\r\n"
                            + "Content-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            byte[] chunk = new byte[64 * 1024];
            for (int sent = 0; sent < 5 * 1024 * 1024; sent += chunk.length) {
                out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(chunk);
                out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            // Written through back-pressure: the gateway reads only what it passes on, so the sim is mid-body now.
            out.flush();
        }
        theSimRecordsOneAbortedUploadAndNoCompletedOne();
    }

    @Test
    void aClientThatLeavesAfterFiveMiBOfAHundredMiBDownloadCancelsItAtTheSim() throws Exception {
        try (Socket socket = new Socket(gateway.getHost(), gateway.getPort())) {
            socket.getOutputStream()
                    .write(("GET /api/v2/downloads/blob?size=" + (100L * 1024 * 1024)
                                    + " HTTP/1.1\r\nHost: localhost\r\nX-API-Key: cxb_demo_key\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[64 * 1024];
            long read = 0;
            for (int n; read < 5L * 1024 * 1024 && (n = in.read(buf)) > 0; ) {
                read += n;
            }
        }
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(5))
                .until(() -> sim.stats().downloads().cancelled() == 1);
        assertThat(sim.stats().downloads().completed()).isZero();
    }

    @Test
    void theSameThroughTheRetentionRoute() throws Exception {
        long before = EchoBackendResource.HITS.get();
        String answer = chunkedUpload("/v1/retention/apply", 20L * 1024 * 1024);
        assertThat(answer).startsWith("HTTP/1.1 413").contains("application/problem+json");
        assertThat(EchoBackendResource.HITS.get())
                .as("retention never read a whole body")
                .isEqualTo(before);
    }

    private String chunkedUpload(String path, long size) throws Exception {
        return RawHttp.chunkedUpload(
                gateway, "POST " + path, "X-API-Key: cxb_demo_key\r\nContent-Type: application/octet-stream\r\n", size);
    }

    private void theSimRecordsOneAbortedUploadAndNoCompletedOne() {
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(5))
                .until(() -> sim.stats().uploads().aborted() == 1);
        assertThat(sim.stats().uploads().completed()).isZero();
    }

    private String raw(String requestLine, String headers) throws Exception {
        return RawHttp.send(gateway, requestLine, "cxb_demo_key", headers);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
