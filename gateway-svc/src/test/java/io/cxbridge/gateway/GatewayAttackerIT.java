package io.cxbridge.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxbridge.testkit.KafkaBroker;
import io.cxbridge.testkit.RedisServer;
import io.cxbridge.testkit.ServiceProcess;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue #15, black box: a packaged gateway whose Genesys base has no port ({@code http://genesys.test}, as the
 * production region URLs have none), with a Vert.x hosts file mapping the Genesys host and an attacker's hosts to
 * two loopback addresses, each with a capture server. A valid key must not be able to send the org's bearer
 * token anywhere but the Genesys capture server.
 */
class GatewayAttackerIT {

    private static final String GENESYS_TOKEN = "org-genesys-token-" + System.nanoTime();

    private static Vertx vertx;
    private static ServiceProcess gateway;
    private static final ConcurrentLinkedQueue<String> GENESYS_SAW = new ConcurrentLinkedQueue<>();
    private static final AtomicInteger ATTACKER_CONNECTIONS = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        // A random 127.x.y.0/24 so parallel runs on one machine never share the addresses.
        ThreadLocalRandom r = ThreadLocalRandom.current();
        String net = "127." + r.nextInt(10, 250) + "." + r.nextInt(1, 250) + ".";
        String genesysIp = net + "2";
        String attackerIp = net + "3";

        HttpServer genesys = vertx.createHttpServer()
                .requestHandler(req -> req.body().onSuccess(body -> {
                    GENESYS_SAW.add(req.method() + " " + req.uri() + " " + req.getHeader("Authorization"));
                    if (req.path().equals("/oauth/token")) {
                        req.response()
                                .putHeader("Content-Type", "application/json")
                                .end(new JsonObject()
                                        .put("access_token", GENESYS_TOKEN)
                                        .put("token_type", "bearer")
                                        .put("expires_in", 86400)
                                        .encode());
                    } else {
                        req.response()
                                .putHeader("Content-Type", "application/json")
                                .end("{\"entities\":[]}");
                    }
                }));
        await(genesys.listen(80, genesysIp).toCompletionStage().toCompletableFuture());
        for (int port : new int[] {80, 443}) {
            NetServer attacker = vertx.createNetServer().connectHandler(socket -> {
                ATTACKER_CONNECTIONS.incrementAndGet();
                socket.close();
            });
            await(attacker.listen(port, attackerIp).toCompletionStage().toCompletableFuture());
        }
        Path hosts = Files.createTempFile("gateway-attacker-hosts", ".txt");
        Files.writeString(hosts, genesysIp + " genesys.test\n" + attackerIp + " evil.test genesys.testx.evil a\n");

        Map<String, String> p = new HashMap<>();
        p.put("quarkus.profile", "local");
        p.put("kafka.bootstrap.servers", KafkaBroker.shared().bootstrapServers());
        p.put("quarkus.redis.hosts", RedisServer.shared().url());
        p.put("cxbridge.genesys.base-url", "http://genesys.test");
        p.put("%local.cxbridge.genesys.base-url", "http://genesys.test");
        p.put("cxbridge.genesys.token.key-prefix", "attacker-it-" + System.nanoTime());
        // Quarkus resolves with the JDK unless async DNS is on; only Vert.x's resolver reads the hosts file.
        p.put("quarkus.vertx.use-async-dns", "true");
        p.put("quarkus.vertx.resolver.hosts-path", hosts.toString());
        gateway = ServiceProcess.start(
                "gateway-svc", ServiceProcess.jarOf("gateway-svc"), "256m", p, Duration.ofSeconds(90));
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<T> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.stop();
        }
        if (vertx != null) {
            vertx.close();
        }
    }

    @Test
    void aValidKeyCannotSendTheOrgsTokenToAnyOtherHost() throws Exception {
        // Positive control: an ordinary call reaches the Genesys capture server with the org's token.
        String ok = RawHttp.exchange(
                "127.0.0.1",
                gateway.port(),
                "GET /api/v2/users HTTP/1.1\r\nHost: localhost\r\n"
                        + "X-API-Key: cxb_readonly_key\r\nConnection: close\r\n\r\n");
        assertThat(ok).startsWith("HTTP/1.1 200");
        assertThat(GENESYS_SAW).contains("GET /api/v2/users Bearer " + GENESYS_TOKEN);

        for (String line : List.of(
                "GET x.evil://a/api/v2/users",
                "GET http://evil.test/api/v2/users",
                "GET //evil.test/api/v2/users",
                "CONNECT evil.test:443",
                "GET /api/v2/users@evil.test",
                "GET http://genesys.testx.evil/api/v2/users")) {
            for (String key : List.of("cxb_readonly_key", "cxb_demo_key")) {
                String answer = RawHttp.exchange(
                        "127.0.0.1",
                        gateway.port(),
                        line + " HTTP/1.1\r\nHost: localhost\r\n" + "X-API-Key: " + key
                                + "\r\nConnection: close\r\n\r\n");
                assertThat(answer).as(line).startsWith("HTTP/1.1 400").contains("application/problem+json");
            }
        }
        assertThat(ATTACKER_CONNECTIONS.get())
                .as("the attacker's servers saw no connection at all")
                .isZero();
        assertThat(GENESYS_SAW)
                .as("Genesys saw only the token request and the control call")
                .allMatch(s ->
                        s.startsWith("POST /oauth/token") || s.equals("GET /api/v2/users Bearer " + GENESYS_TOKEN));
        assertThat(ServiceProcess.tail(gateway.logFile())).doesNotContain("evil");
    }
}
