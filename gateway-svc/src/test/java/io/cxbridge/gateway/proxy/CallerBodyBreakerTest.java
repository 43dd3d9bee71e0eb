package io.cxbridge.gateway.proxy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.cxbridge.gateway.routes.EchoBackendResource;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.sim.GenesysSim;
import io.cxbridge.testkit.sim.GenesysSimResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A caller's body that breaks off or stalls is the caller's failure: it never counts against the Genesys path
 * family's breaker, which every client shares.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
@QuarkusTestResource(EchoBackendResource.class)
class CallerBodyBreakerTest {

    /** The sim reads an upload whole before it answers, so a stalled body leaves the attempt without an answer. */
    private static final String UPLOAD = "/api/v2/uploads/blob";

    @TestHTTPResource("/")
    URL gateway;

    @Test
    void uploadsThatBreakOffOrStallDoNotOpenTheFamilysBreakerForEveryone() throws Exception {
        GenesysSim.shared().control().reset();
        given().header("X-API-Key", "cxb_demo_key").get("/api/v2/warmup").then().statusCode(200);
        // Seven callers announce 2 MB (past the 1 MiB held for retries: streamed upstream) and send 100 bytes: two
        // close the socket, five (the breaker's threshold) stall until the gateway gives up on them.
        List<CompletableFuture<String>> callers = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            boolean leave = i < 2;
            callers.add(CompletableFuture.supplyAsync(() -> brokenUpload(leave)));
        }
        for (int i = 0; i < callers.size(); i++) {
            String answer = callers.get(i).get(60, TimeUnit.SECONDS);
            if (i >= 2) {
                assertThat(answer).as("a stalled upload").startsWith("HTTP/1.1 504");
            }
        }
        String answer = given().header("X-API-Key", "cxb_demo_key")
                .contentType("application/octet-stream")
                .body(new byte[] {1, 2, 3})
                .post(UPLOAD)
                .then()
                .extract()
                .asString();
        assertThat(answer).as("the family's breaker did not open").doesNotContain("circuit");
        given().header("X-API-Key", "cxb_demo_key")
                .contentType("application/octet-stream")
                .body(new byte[] {1, 2, 3})
                .post(UPLOAD)
                .then()
                .statusCode(200);
    }

    /** An upload announcing 2 MB, 100 bytes of it, then a close ({@code leave}) or a wait for the answer. */
    private String brokenUpload(boolean leave) {
        try (Socket socket = new Socket(gateway.getHost(), gateway.getPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            byte[] part = new byte[100];
            Arrays.fill(part, (byte) ' ');
            out.write(("POST " + UPLOAD + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                            + "X-API-Key: cxb_demo_key\r\n"
                            + "Content-Type: application/octet-stream\r\nContent-Length: 2000000\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.write(part);
            out.flush();
            if (leave) {
                return "";
            }
            // the head of the answer (504: no answer within the deadline); the connection may stay open after it
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            for (int b; !head.toString().endsWith("\r\n\r\n") && (b = in.read()) >= 0; ) {
                head.append((char) b);
            }
            return head.toString();
        } catch (IOException e) {
            return e.toString(); // a reset after the answer
        }
    }
}
