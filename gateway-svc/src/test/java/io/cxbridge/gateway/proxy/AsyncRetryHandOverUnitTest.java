package io.cxbridge.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxbridge.gateway.StepHarness;
import io.cxbridge.gateway.ingest.FailedRunPublisher;
import io.cxbridge.genesys.breaker.CircuitOpenException;
import io.cxbridge.genesys.http.UpstreamException;
import io.cxbridge.genesys.shaping.RateLimitedException;
import io.cxbridge.genesys.token.TokenException;
import io.cxbridge.model.Json;
import io.cxbridge.model.event.FailedRun;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The async-retry hand-over step: who opts in, which outcomes are handed over, and the answer when handed over. */
class AsyncRetryHandOverUnitTest {

    /** Keeps the runs instead of sending them to Kafka; refuses them when told to. */
    static final class CapturedRuns extends FailedRunPublisher {
        final List<FailedRun> runs = new CopyOnWriteArrayList<>();
        volatile boolean brokerDown;

        CapturedRuns() {
            super(null, null);
        }

        @Override
        public Uni<Void> send(FailedRun run) {
            if (brokerDown) {
                return Uni.createFrom().failure(new TimeoutException("no ack"));
            }
            runs.add(run);
            return Uni.createFrom().voidItem();
        }
    }

    private static final CapturedRuns published = new CapturedRuns();
    private static StepHarness harness;

    @BeforeAll
    static void start() throws Exception {
        AsyncRetryHandOver handOver = new AsyncRetryHandOver(published, Clock.systemUTC());
        harness = StepHarness.start(router -> {
            router.route("/opted/*")
                    .handler(rc -> rc.response()
                            .end(String.valueOf(AsyncRetryHandOver.optedIn(
                                    rc.request(), rc.request().path().substring(6)))));
            router.post("/hand-over")
                    .handler(rc -> rc.request()
                            .body()
                            .onSuccess(body -> handOver.handOver(rc, "echo", body, 503, "original-7")));
        });
    }

    @AfterAll
    static void stop() throws Exception {
        harness.close();
    }

    @Test
    void onlyAnExecuteWithTheHeaderOptsIn() throws Exception {
        String execute = "/opted/api/v2/integrations/actions/custom_-_abc/execute";
        assertThat(harness.send("POST", execute, "X-Cxbridge-Async-Retry", "true")
                        .body())
                .isEqualTo("custom_-_abc");
        assertThat(harness.send("POST", execute, "X-Cxbridge-Async-Retry", "TRUE")
                        .body())
                .isEqualTo("custom_-_abc");
        assertThat(harness.send("POST", execute).body()).isEqualTo("null");
        assertThat(harness.send("GET", execute, "X-Cxbridge-Async-Retry", "true")
                        .body())
                .isEqualTo("null");
        assertThat(harness.send("POST", "/opted/api/v2/integrations/actions/a/test", "X-Cxbridge-Async-Retry", "true")
                        .body())
                .isEqualTo("null");
    }

    @Test
    void transientOutcomesAreHandedOver() {
        assertThat(AsyncRetryHandOver.handsOver(429)).isTrue();
        assertThat(AsyncRetryHandOver.handsOver(500)).isTrue();
        assertThat(AsyncRetryHandOver.handsOver(503)).isTrue();
        assertThat(AsyncRetryHandOver.handsOver(400)).isFalse();
        assertThat(AsyncRetryHandOver.handsOver(404)).isFalse();
        assertThat(AsyncRetryHandOver.handsOver(new RateLimitedException(Duration.ofSeconds(3), 60)))
                .isEqualTo(429);
        assertThat(AsyncRetryHandOver.handsOver(new CircuitOpenException("actions", Duration.ofSeconds(3))))
                .isEqualTo(503);
        assertThat(AsyncRetryHandOver.handsOver(new UpstreamException("no answer", new TimeoutException(), 3)))
                .isEqualTo(503);
        assertThat(AsyncRetryHandOver.handsOver(new TokenException("no token"))).isEqualTo(-1);
    }

    @Test
    void aHandedOverRunIs202WithItsRequestId() throws Exception {
        var answer = harness.sendBody("POST", "/hand-over", "{\"n\":1}");
        assertThat(answer.statusCode()).isEqualTo(202);
        String requestId =
                Json.mapper().readTree(answer.body()).get("requestId").asText();
        FailedRun run = published.runs.stream()
                .filter(r -> r.requestId().equals(requestId))
                .findFirst()
                .orElseThrow();
        assertThat(run.actionId()).isEqualTo("echo");
        assertThat(run.originalRunId()).isEqualTo("original-7");
        assertThat(run.requestPayload().get("n").asInt()).isEqualTo(1);
        assertThat(answer.headers().firstValue("X-Request-Id")).hasValue("original-7");
    }

    @Test
    void aBodyThatIsNotAJsonObjectIs502() throws Exception {
        var answer = harness.sendBody("POST", "/hand-over", "[1,2]");
        assertThat(answer.statusCode()).isEqualTo(502);
        assertThat(answer.body()).contains("not a JSON object");
    }

    @Test
    void aBrokerThatDoesNotTakeTheRunIs503WithRetryAfter() throws Exception {
        published.brokerDown = true;
        try {
            var answer = harness.sendBody("POST", "/hand-over", "{\"n\":2}");
            assertThat(answer.statusCode()).isEqualTo(503);
            assertThat(answer.headers().firstValue("Retry-After")).hasValue("5");
        } finally {
            published.brokerDown = false;
        }
    }
}
