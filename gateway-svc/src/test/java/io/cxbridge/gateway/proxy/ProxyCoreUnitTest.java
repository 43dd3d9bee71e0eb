package io.cxbridge.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxbridge.gateway.StepHarness;
import io.cxbridge.gateway.TestConfig;
import io.cxbridge.genesys.breaker.CircuitOpenException;
import io.cxbridge.genesys.http.UpstreamException;
import io.cxbridge.genesys.shaping.RateLimitedException;
import io.cxbridge.genesys.token.TokenException;
import io.cxbridge.genesys.url.UnsafeTargetException;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The proxy core both forwarding routes share: request headers, the announced body limit, the relay of an answer
 * (hop-by-hop stripped, streamed), and the mapping of failed calls.
 */
class ProxyCoreUnitTest {

    private static StepHarness harness;

    @BeforeAll
    static void start() throws Exception {
        ProxyCore core = new ProxyCore(TestConfig.gateway(Map.of("cxbridge.gateway.proxy.max-body-size", "16")));
        harness = StepHarness.start(router -> {
            // the upstream: an answer with connection-scoped headers and a chunked body
            router.get("/upstream")
                    .handler(rc -> rc.response()
                            .setChunked(true)
                            .putHeader("Connection", "X-Private")
                            .putHeader("X-Private", "hop")
                            .putHeader("Keep-Alive", "timeout=5")
                            .putHeader("Set-Cookie", "session=1")
                            .putHeader("X-Kept", "yes")
                            .putHeader("X-Request-Id", "upstream-id")
                            .write("hello ")
                            .compose(v -> rc.response().end("world")));
            router.get("/relay").handler(rc -> {
                HttpClient http = rc.vertx().createHttpClient();
                http.request(new RequestOptions()
                                .setMethod(HttpMethod.GET)
                                .setHost("127.0.0.1")
                                .setPort(harness.port())
                                .setURI("/upstream"))
                        .compose(out -> out.send())
                        .onSuccess(answer -> core.relay(rc, answer.statusCode(), answer.headers(), answer, 2, "rid-1"))
                        .onFailure(rc::fail);
            });
            router.route("/headers").handler(rc -> {
                Map<String, String> sorted = new TreeMap<>();
                ProxyCore.requestHeaders(rc.request(), "rid-2")
                        .forEach(h -> sorted.put(h.getKey().toLowerCase(), h.getValue()));
                rc.response().end(sorted.toString());
            });
            router.post("/limited").handler(rc -> {
                if (!core.refusedAsTooLarge(rc)) {
                    rc.request().body().onSuccess(b -> rc.response().end("took " + b.length()));
                }
            });
            router.get("/fail/:kind").handler(rc -> {
                Throwable failure = switch (rc.pathParam("kind")) {
                    case "rate" -> new RateLimitedException(Duration.ofSeconds(7), 60);
                    case "breaker" -> new CircuitOpenException("users", Duration.ofSeconds(9));
                    case "timeout" -> new UpstreamException("no answer in 10 s", new TimeoutException(), 3);
                    case "reset" -> new UpstreamException("connection reset", new IOException("reset"), 2);
                    case "unsafe" -> new UnsafeTargetException("not under /api/v2/");
                    case "token" -> new TokenException("login refused");
                    default -> new ConnectException("Connection refused");
                };
                ProxyCore.fail(
                        rc, failure, "rid-3", rc.queryParams().contains("service") ? "retry-svc" : ProxyCore.GENESYS);
            });
        });
    }

    @AfterAll
    static void stop() throws Exception {
        harness.close();
    }

    @Test
    void theAnswerIsRelayedWithoutConnectionScopedHeaders() throws Exception {
        var answer = harness.send("GET", "/relay");
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("hello world");
        assertThat(answer.headers().firstValue("X-Kept")).hasValue("yes");
        assertThat(answer.headers().firstValue("X-Private")).isEmpty();
        assertThat(answer.headers().firstValue("Keep-Alive")).isEmpty();
        assertThat(answer.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(answer.headers().firstValue("X-Upstream-Attempts")).hasValue("2");
        assertThat(answer.headers().allValues("X-Request-Id")).containsExactly("rid-1");
    }

    @Test
    void theCallersCredentialsAndHopByHopHeadersNeverGoUpstream() throws Exception {
        String sent = harness.send(
                        "GET",
                        "/headers",
                        "Authorization",
                        "Bearer cxb_key",
                        "X-API-Key",
                        "cxb_key",
                        "Cookie",
                        "a=b",
                        "X-Request-Id",
                        "client-given",
                        "X-Custom",
                        "kept",
                        "Proxy-Foo",
                        "x")
                .body();
        assertThat(sent)
                .contains("x-custom=kept", "x-request-id=rid-2")
                .doesNotContain("authorization", "x-api-key", "cookie", "proxy-foo", "client-given");
    }

    @Test
    void anAnnouncedBodyOverTheLimitIs413BeforeAnythingIsRead() throws Exception {
        assertThat(harness.sendBody("POST", "/limited", "x".repeat(16)).body()).isEqualTo("took 16");
        var over = harness.sendBody("POST", "/limited", "x".repeat(17));
        assertThat(over.statusCode()).isEqualTo(413);
        assertThat(over.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }

    @Test
    void failedCallsMapToOneAnswerEach() throws Exception {
        var rate = harness.send("GET", "/fail/rate");
        assertThat(rate.statusCode()).isEqualTo(429);
        assertThat(rate.headers().firstValue("Retry-After")).hasValue("7");
        var breaker = harness.send("GET", "/fail/breaker");
        assertThat(breaker.statusCode()).isEqualTo(503);
        assertThat(breaker.headers().firstValue("Retry-After")).hasValue("9");
        var timeout = harness.send("GET", "/fail/timeout");
        assertThat(timeout.statusCode()).isEqualTo(504);
        assertThat(timeout.headers().firstValue("X-Upstream-Attempts")).hasValue("3");
        assertThat(harness.send("GET", "/fail/reset").statusCode()).isEqualTo(502);
        assertThat(harness.send("GET", "/fail/unsafe").statusCode()).isEqualTo(400);
        assertThat(harness.send("GET", "/fail/token").body()).contains("could not authenticate with Genesys");
        assertThat(harness.send("GET", "/fail/other").statusCode()).isEqualTo(502);
        var service = harness.send("GET", "/fail/other?service");
        assertThat(service.statusCode()).isEqualTo(503);
        assertThat(service.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(service.body()).contains("retry-svc is not reachable");
        assertThat(service.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }
}
