package io.cxbridge.genesys.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxbridge.genesys.FakeGenesys;
import io.cxbridge.genesys.Process;
import io.cxbridge.genesys.SimTestBase;
import io.cxbridge.genesys.breaker.CircuitBreaker;
import io.cxbridge.genesys.breaker.CircuitOpenException;
import io.cxbridge.testkit.MutableClock;
import io.vertx.core.http.HttpMethod;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GenesysClientRetryTest extends SimTestBase {

    private static final String QUEUES = "/api/v2/routing/queues";

    private Process fast() {
        return process(
                config(Map.of(
                        "cxbridge.genesys.retry.base-delay", "50ms", "cxbridge.genesys.retry.max-delay", "200ms")),
                Clock.systemUTC());
    }

    @Test
    void a429WithRetryAfterOneIsWaitedAtLeastOneSecond() {
        Process p = fast();
        control.fault(Map.of("method", "GET", "path", QUEUES, "status", 429, "retryAfter", 1, "count", 1));

        long start = System.nanoTime();
        GenesysResponse r = p.client.send(GenesysRequest.get(QUEUES)).await().atMost(Duration.ofSeconds(20));
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.attempts()).isEqualTo(2);
        assertThat(elapsedMs).isGreaterThanOrEqualTo(1000);
    }

    @Test
    void a429IsRetriedForPostToo() {
        Process p = fast();
        control.fault(Map.of("method", "POST", "path", QUEUES, "status", 429, "retryAfter", 0, "count", 1));
        GenesysResponse r = p.client
                .send(GenesysRequest.json(HttpMethod.POST, QUEUES, "{\"name\":\"q1\"}"))
                .await()
                .atMost(Duration.ofSeconds(20));
        assertThat(r.status()).isEqualTo(200);
        assertThat(requests("POST", QUEUES)).isEqualTo(2);
    }

    @Test
    void a503OnGetIsRetried() {
        Process p = fast();
        control.fault(Map.of("method", "GET", "path", QUEUES, "status", 503, "count", 2));
        GenesysResponse r = p.client.send(GenesysRequest.get(QUEUES)).await().atMost(Duration.ofSeconds(20));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.attempts()).isEqualTo(3);
        assertThat(requests("GET", QUEUES, 503)).isEqualTo(2);
    }

    @Test
    void a503OnPostIsNotRetried() {
        Process p = fast();
        control.fault(Map.of("method", "POST", "path", QUEUES, "status", 503, "count", 1));
        GenesysResponse r = p.client
                .send(GenesysRequest.json(HttpMethod.POST, QUEUES, "{\"name\":\"q1\"}"))
                .await()
                .atMost(Duration.ofSeconds(20));
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.attempts()).isEqualTo(1);
        assertThat(requests("POST", QUEUES)).isEqualTo(1);
    }

    @Test
    void everyAnswerIsCountedByStatusAndTheBreakerIsAGauge() {
        Process p = process(config(Map.of("cxbridge.genesys.breaker.failure-threshold", "1")), Clock.systemUTC());
        control.fault(Map.of("method", "POST", "path", QUEUES, "status", 503, "count", 1));
        assertThat(p.registry.get("cxbridge.genesys.breaker.open").gauge().value())
                .isEqualTo(0.0);
        GenesysResponse r = p.client
                .send(GenesysRequest.json(HttpMethod.POST, QUEUES, "{\"name\":\"q1\"}"))
                .await()
                .atMost(Duration.ofSeconds(20));
        assertThat(r.status()).isEqualTo(503);
        assertThat(p.counter("cxbridge.genesys.responses", "status", "503")).isEqualTo(1.0);
        assertThat(p.registry.get("cxbridge.genesys.breaker.open").gauge().value())
                .isEqualTo(1.0);
    }

    @Test
    void aRetryAfterBeyondTheDeadlineComesBackAs429WithItsRetryAfter() {
        Process p = fast();
        control.fault(Map.of("method", "GET", "path", QUEUES, "status", 429, "retryAfter", 120));
        long start = System.nanoTime();
        GenesysResponse r = p.client.send(GenesysRequest.get(QUEUES)).await().atMost(Duration.ofSeconds(20));
        assertThat(r.status()).isEqualTo(429);
        assertThat(r.headers().get("Retry-After")).isEqualTo("120");
        assertThat(r.attempts()).isEqualTo(1);
        assertThat((System.nanoTime() - start) / 1_000_000).as("nothing waited").isLessThan(2000);
    }

    @Test
    void anAbsurdRetryAfterComesBackAsTheUpstreamAnswerForBufferedAndStreamedCalls() throws Exception {
        try (FakeGenesys upstream = new FakeGenesys()) {
            upstream.api = req -> req.response()
                    .setStatusCode(req.method() == HttpMethod.GET ? 429 : 503)
                    .putHeader("Retry-After", "99999999999999999")
                    .putHeader("Content-Type", "application/json")
                    .end("{\"message\":\"slow down\"}");
            Process p = process(
                    config(Map.of(
                            "cxbridge.genesys.base-url",
                            upstream.baseUrl(),
                            "cxbridge.genesys.retry.base-delay",
                            "50ms")),
                    Clock.systemUTC());

            GenesysResponse r =
                    p.client.send(GenesysRequest.get(QUEUES)).await().atMost(Duration.ofSeconds(20));
            assertThat(r.status()).isEqualTo(429);
            assertThat(r.headers().get("Retry-After")).isEqualTo("99999999999999999");
            assertThat(r.attempts()).isEqualTo(1);
            assertThat(r.bodyAsString()).contains("slow down");

            StreamedResponse streamed = p.client.stream(
                            HttpMethod.PUT,
                            QUEUES + "/q-1",
                            io.vertx.core.MultiMap.caseInsensitiveMultiMap(),
                            io.vertx.core.buffer.Buffer.buffer("{}"),
                            null,
                            Duration.ofSeconds(10))
                    .await()
                    .atMost(Duration.ofSeconds(20));
            assertThat(streamed.status()).isEqualTo(503);
            assertThat(streamed.headers().get("Retry-After")).isEqualTo("99999999999999999");
            assertThat(streamed.attempts()).isEqualTo(1);
            java.util.concurrent.CompletableFuture<String> body = new java.util.concurrent.CompletableFuture<>();
            streamed.body().body().onSuccess(b -> body.complete(b.toString())).onFailure(body::completeExceptionally);
            streamed.body().resume();
            assertThat(body).succeedsWithin(Duration.ofSeconds(10)).asString().contains("slow down");
            assertThat(upstream.apiRequests).hasValue(2);
        }
    }

    @Test
    void retriesNeverRunPastTheDeadline() {
        Process p = process(
                config(Map.of(
                        "cxbridge.genesys.retry.max-attempts",
                        "50",
                        "cxbridge.genesys.retry.base-delay",
                        "300ms",
                        "cxbridge.genesys.retry.factor",
                        "1.0",
                        "cxbridge.genesys.retry.jitter",
                        "0")),
                Clock.systemUTC());
        control.fault(Map.of("method", "GET", "path", QUEUES, "status", 503));

        long start = System.nanoTime();
        GenesysResponse r = p.client
                .send(GenesysRequest.get(QUEUES).withDeadline(Duration.ofMillis(1500)))
                .await()
                .atMost(Duration.ofSeconds(20));
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(r.status()).isEqualTo(503);
        assertThat(elapsedMs).as("the deadline, plus scheduling noise").isLessThanOrEqualTo(1600);
        assertThat(r.attempts()).isBetween(2, 6);
    }

    @Test
    void aSlowAttemptIsCutAtTheDeadline() {
        Process p = fast();
        p.tokens.token().await().indefinitely();
        control.fault(Map.of("method", "GET", "path", QUEUES, "latencyMs", 5000));

        long start = System.nanoTime();
        assertThatThrownBy(() -> p.client
                        .send(GenesysRequest.get(QUEUES).withDeadline(Duration.ofMillis(800)))
                        .await()
                        .atMost(Duration.ofSeconds(20)))
                .isInstanceOf(UpstreamException.class)
                .hasMessageContaining("no answer");
        assertThat((System.nanoTime() - start) / 1_000_000).isBetween(700L, 1500L);
    }

    @Test
    void aDroppedConnectionIsRetriedForGetButNotForPost() {
        Process p = fast();
        p.tokens.token().await().indefinitely();
        control.fault(Map.of("method", "GET", "path", QUEUES, "drop", true, "count", 1));
        assertThat(p.client
                        .send(GenesysRequest.get(QUEUES))
                        .await()
                        .atMost(Duration.ofSeconds(20))
                        .status())
                .isEqualTo(200);

        control.fault(Map.of("method", "POST", "path", QUEUES, "drop", true, "count", 1));
        assertThatThrownBy(() -> p.client
                        .send(GenesysRequest.json(HttpMethod.POST, QUEUES, "{\"name\":\"q\"}"))
                        .await()
                        .atMost(Duration.ofSeconds(20)))
                .isInstanceOf(UpstreamException.class)
                .hasMessageContaining("not retried");
        assertThat(requests("POST", QUEUES, 200)).isZero();
    }

    @Test
    void theBreakerOpensAfterTheConfiguredFailuresAndLetsOneProbeThroughAfterItsDelay() {
        MutableClock clock = MutableClock.startingNow();
        Process p = process(
                config(Map.of(
                        "cxbridge.genesys.retry.max-attempts",
                        "1",
                        "cxbridge.genesys.breaker.failure-threshold",
                        "3",
                        "cxbridge.genesys.breaker.delay",
                        "15s")),
                clock);
        control.fault(Map.of("method", "GET", "path", QUEUES, "status", 500));

        for (int i = 0; i < 3; i++) {
            assertThat(p.client
                            .send(GenesysRequest.get(QUEUES))
                            .await()
                            .atMost(Duration.ofSeconds(10))
                            .status())
                    .isEqualTo(500);
        }
        assertThat(p.breakers.state(QUEUES)).isEqualTo(CircuitBreaker.State.OPEN);
        assertThatThrownBy(
                        () -> p.client.send(GenesysRequest.get(QUEUES)).await().atMost(Duration.ofSeconds(10)))
                .isInstanceOf(CircuitOpenException.class);
        assertThat(requests("GET", QUEUES)).as("the open breaker sent nothing").isEqualTo(3);

        control.clearFaults();
        clock.advance(Duration.ofSeconds(15));
        assertThat(p.client
                        .send(GenesysRequest.get(QUEUES))
                        .await()
                        .atMost(Duration.ofSeconds(10))
                        .status())
                .isEqualTo(200);
        assertThat(p.breakers.state(QUEUES)).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(requests("GET", QUEUES)).isEqualTo(4);
    }

    @Test
    void theCallersAuthorizationNeverReachesGenesys() {
        Process p = fast();
        GenesysResponse r = p.client
                .send(GenesysRequest.get(QUEUES).withHeader("Authorization", "Bearer cxb_demo_key"))
                .await()
                .atMost(Duration.ofSeconds(10));
        assertThat(r.status())
                .as("the sim accepted the client's own token, not the caller's")
                .isEqualTo(200);
    }
}
