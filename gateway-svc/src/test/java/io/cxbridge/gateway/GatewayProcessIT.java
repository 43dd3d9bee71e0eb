package io.cxbridge.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cxbridge.testkit.KafkaBroker;
import io.cxbridge.testkit.RedisServer;
import io.cxbridge.testkit.ServiceProcess;
import io.cxbridge.testkit.sim.GenesysSim;
import io.cxbridge.testkit.sim.SimControl;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The packaged gateway as a process, the way it runs in the stack: memory bounds and cross-process sharing. */
class GatewayProcessIT {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static Map<String, String> gatewayProperties(Map<String, String> extra) {
        GenesysSim sim = GenesysSim.shared();
        Map<String, String> p = new HashMap<>();
        p.put("quarkus.profile", "local");
        p.put("kafka.bootstrap.servers", KafkaBroker.shared().bootstrapServers());
        p.put("quarkus.redis.hosts", RedisServer.shared().url());
        p.put("cxbridge.genesys.base-url", sim.baseUrl());
        p.putAll(extra);
        return p;
    }

    @Test
    void aHundredMiBDownloadAndAFiftyMiBUploadStreamThroughA128MiBHeap() throws Exception {
        GenesysSim.shared().control().reset();
        ServiceProcess gateway = ServiceProcess.start(
                "gateway-svc",
                ServiceProcess.jarOf("gateway-svc"),
                "128m",
                gatewayProperties(Map.of("cxbridge.gateway.proxy.max-body-size", "64M")),
                Duration.ofSeconds(90));
        try {
            long size = 100L * 1024 * 1024;
            HttpResponse<InputStream> download = HTTP.send(
                    HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/api/v2/downloads/blob?size=" + size))
                            .header("X-API-Key", "cxb_demo_key")
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(download.statusCode()).isEqualTo(200);
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            long read = 0;
            try (InputStream in = download.body()) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) {
                    digest.update(buf, 0, n);
                    read += n;
                }
            }
            assertThat(read).isEqualTo(size);
            assertThat(HexFormat.of().formatHex(digest.digest()))
                    .isEqualTo(download.headers().firstValue("X-Content-SHA256").orElseThrow());

            long uploadSize = 50L * 1024 * 1024;
            MessageDigest expected = MessageDigest.getInstance("SHA-256");
            byte[] chunk = new byte[1 << 16];
            for (int i = 0; i < chunk.length; i++) {
                chunk[i] = (byte) (i * 13);
            }
            for (long sent = 0; sent < uploadSize; sent += chunk.length) {
                expected.update(chunk);
            }
            HttpResponse<String> upload = HTTP.send(
                    HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/api/v2/uploads/blob"))
                            .header("X-API-Key", "cxb_demo_key")
                            .header("Content-Type", "application/octet-stream")
                            .POST(HttpRequest.BodyPublishers.fromPublisher(
                                    HttpRequest.BodyPublishers.ofInputStream(
                                            () -> new RepeatingStream(chunk, uploadSize)),
                                    uploadSize))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(upload.statusCode()).as(upload.body()).isEqualTo(200);
            assertThat(upload.body())
                    .contains("\"size\":" + uploadSize)
                    .contains(HexFormat.of().formatHex(expected.digest()));
            assertThat(gateway.isAlive())
                    .as("no OutOfMemoryError took the gateway down")
                    .isTrue();
        } finally {
            gateway.stop();
        }
    }

    @Test
    void twoGatewaysOnOneRedisFetchOneTokenFor300CallsAfterExpiry() throws Exception {
        SimControl sim = GenesysSim.shared().control();
        sim.reset();
        sim.config(Map.of("tokenExpiresIn", 2, "rateLimitPerMinute", 0));
        Map<String, String> props = gatewayProperties(Map.of(
                "cxbridge.genesys.rate-limit.per-minute",
                "100000",
                "cxbridge.genesys.token.key-prefix",
                "it-" + System.nanoTime()));
        ServiceProcess a = ServiceProcess.start(
                "gateway-svc", ServiceProcess.jarOf("gateway-svc"), "256m", props, Duration.ofSeconds(90));
        ServiceProcess b = ServiceProcess.start(
                "gateway-svc", ServiceProcess.jarOf("gateway-svc"), "256m", props, Duration.ofSeconds(90));
        try {
            assertThat(get(a).statusCode()).isEqualTo(200);
            assertThat(get(b).statusCode()).isEqualTo(200);
            assertThat(sim.stats().tokenRequests()).isEqualTo(1);
            long issued = System.nanoTime();
            // The next token lives long, so the burst needs exactly one refresh however long it takes here.
            sim.config(Map.of("tokenExpiresIn", 3600));
            // Two processes share no clock to move: this one waits out the sim's real 2 s token.
            await().pollDelay(Duration.ofMillis(2100))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> System.nanoTime() - issued >= 2_000_000_000L);

            List<CompletableFuture<HttpResponse<Void>>> calls = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                ServiceProcess gw = i % 2 == 0 ? a : b;
                calls.add(HTTP.sendAsync(request(gw), HttpResponse.BodyHandlers.discarding()));
            }
            for (CompletableFuture<HttpResponse<Void>> call : calls) {
                assertThat(call.get().statusCode()).isEqualTo(200);
            }
            assertThat(sim.stats().tokenRequests())
                    .as("exactly one new token request")
                    .isEqualTo(2);
        } finally {
            a.stop();
            b.stop();
            sim.reset();
        }
    }

    @Test
    void onSigtermAnInFlightRequestStillCompletesAndTheProcessExits() throws Exception {
        SimControl sim = GenesysSim.shared().control();
        sim.reset();
        ServiceProcess gateway = ServiceProcess.start(
                "gateway-svc",
                ServiceProcess.jarOf("gateway-svc"),
                "256m",
                gatewayProperties(Map.of()),
                Duration.ofSeconds(90));
        try {
            assertThat(get(gateway).statusCode()).isEqualTo(200);
            sim.fault(Map.of("method", "GET", "path", "/api/v2/routing/queues", "latencyMs", 2000, "count", 1));
            CompletableFuture<HttpResponse<Void>> inFlight =
                    HTTP.sendAsync(request(gateway), HttpResponse.BodyHandlers.discarding());
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> sim.faults().findValues("hits").stream().anyMatch(h -> h.asLong() > 0));
            gateway.terminate();
            assertThat(inFlight.get().statusCode())
                    .as("the request in flight at SIGTERM is finished")
                    .isEqualTo(200);
            assertThat(gateway.awaitExit(Duration.ofSeconds(25)))
                    .as("exits within the 20 s grace period")
                    .isTrue();
            assertThat(ServiceProcess.tail(gateway.logFile())).contains("stopped in");
            // The request lines are logged on an event loop and flushed once per loop pass: the one finished after
            // SIGTERM is on the output too.
            String log = Files.readString(gateway.logFile());
            assertThat(log).contains("lines logged on an event loop are flushed once per loop pass");
            assertThat(log.lines().filter(l -> l.contains("\"loggerName\":\"io.cxbridge.gateway.requests\"")))
                    .as("a request line for each of the two requests")
                    .hasSize(2);
        } finally {
            gateway.stop();
            sim.reset();
        }
    }

    private static HttpRequest request(ServiceProcess gateway) {
        return HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/api/v2/routing/queues"))
                .header("X-API-Key", "cxb_demo_key")
                .build();
    }

    private static HttpResponse<Void> get(ServiceProcess gateway) throws Exception {
        return HTTP.send(request(gateway), HttpResponse.BodyHandlers.discarding());
    }

    /** {@code total} bytes of a repeated chunk, generated as read (never held whole). */
    static final class RepeatingStream extends InputStream {
        private final byte[] chunk;
        private final long total;
        private long position;

        RepeatingStream(byte[] chunk, long total) {
            this.chunk = chunk;
            this.total = total;
        }

        @Override
        public int read() {
            return position >= total ? -1 : chunk[(int) (position++ % chunk.length)] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position >= total) {
                return -1;
            }
            int n = (int) Math.min(len, total - position);
            for (int i = 0; i < n; i++) {
                b[off + i] = chunk[(int) ((position + i) % chunk.length)];
            }
            position += n;
            return n;
        }
    }
}
