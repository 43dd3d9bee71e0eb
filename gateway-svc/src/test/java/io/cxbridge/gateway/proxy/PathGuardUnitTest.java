package io.cxbridge.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxbridge.gateway.RawHttp;
import io.cxbridge.gateway.StepHarness;
import io.cxbridge.gateway.TestConfig;
import io.cxbridge.gateway.context.RequestContext;
import io.cxbridge.genesys.url.RequestTarget;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The guard step: one normalised target kept for everything after it; unsafe targets 400 before anything else. */
class PathGuardUnitTest {

    private static final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private static StepHarness harness;

    @BeforeAll
    static void start() throws Exception {
        PathGuard guard =
                new PathGuard(TestConfig.gateway(Map.of("cxbridge.gateway.requests.max-path-length", "100")), registry);
        harness = StepHarness.start(router -> {
            router.route().handler(guard);
            router.route().handler(rc -> {
                RequestTarget target = rc.get(RequestContext.TARGET);
                rc.response().end(target.pathAndQuery());
            });
        });
    }

    @AfterAll
    static void stop() throws Exception {
        harness.close();
    }

    private static String raw(String target, String headers) throws Exception {
        return RawHttp.exchange(
                "127.0.0.1",
                harness.port(),
                "GET " + target + " HTTP/1.1\r\nHost: localhost\r\n" + "Connection: close\r\n" + headers + "\r\n");
    }

    @Test
    void aSafeTargetIsKeptNormalised() throws Exception {
        var answer = harness.send("GET", "/api/v2/users/%c3%a9t%c3%a9?q=a+b&pageSize=25");
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).startsWith("/api/v2/users/%C3%A9t%C3%A9?");
    }

    @Test
    void aMethodOutsideHttpsOwnIs405WithAllow() throws Exception {
        for (String method : List.of("TRACE", "post", "Get", "PROPFIND", "FOO")) {
            String answer = RawHttp.exchange(
                    "127.0.0.1",
                    harness.port(),
                    method + " /api/v2/users HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            assertThat(answer).as(method).startsWith("HTTP/1.1 405").contains("application/problem+json");
            assertThat(answer.toLowerCase()).contains("allow: get, head, post, put, patch, delete, options");
        }
        for (String method : List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")) {
            assertThat(harness.send(method, "/api/v2/users").statusCode())
                    .as(method)
                    .isEqualTo(200);
        }
    }

    @Test
    void everyUnsafeFormIs400ProblemJsonWithConnectionClose() throws Exception {
        List<String> wrong = new ArrayList<>();
        String p = "/api/v2/users";
        for (String target : List.of(
                p + "/%2e%2e/x",
                p + "/%252e%252e/x",
                p + "/%c0%ae%c0%ae/x",
                p + "/..;/x",
                p + ";jsessionid=1",
                p + "%2fx",
                p + "%5cx",
                p + "/%00x",
                p + "/%0ax",
                p + "/%C2%85x",
                p + "/%40x",
                p + "//x",
                p + "/%ff",
                "/%61pi/v2/users",
                p + "#frag",
                p + "@evil.test",
                p + "/" + "a".repeat(101))) {
            String answer = raw(target, "");
            if (!answer.startsWith("HTTP/1.1 400")
                    || !answer.contains("application/problem+json")
                    || !answer.toLowerCase().contains("connection: close")) {
                wrong.add(target + " -> " + answer.substring(0, Math.min(200, answer.length())));
            }
        }
        assertThat(wrong).isEmpty();
        assertThat(registry.counter("cxbridge.gateway.refused", "status", "400", "reason", "request-target")
                        .count())
                .isGreaterThanOrEqualTo(17);
    }

    @Test
    void aChunkedRequestClosesItsConnectionAfterTheAnswer() throws Exception {
        String answer = RawHttp.exchange(
                "127.0.0.1",
                harness.port(),
                "POST /api/v2/users HTTP/1.1\r\nHost: localhost\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
                        // a second request smuggled after the terminator is never served
                        + "GET /api/v2/smuggled HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertThat(answer)
                .startsWith("HTTP/1.1 200")
                .containsIgnoringCase("connection: close")
                .doesNotContain("/api/v2/smuggled");
    }
}
