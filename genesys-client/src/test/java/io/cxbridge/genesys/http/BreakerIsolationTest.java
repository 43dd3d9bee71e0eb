package io.cxbridge.genesys.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxbridge.genesys.Process;
import io.cxbridge.genesys.SimTestBase;
import io.cxbridge.genesys.breaker.CircuitBreaker;
import io.cxbridge.genesys.breaker.CircuitOpenException;
import io.cxbridge.testkit.MutableClock;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.streams.ReadStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The per-family breakers against the real sim: one family failing, 4xx answers, a probe that never ends. */
class BreakerIsolationTest extends SimTestBase {

    private static final String QUEUES = "/api/v2/routing/queues";
    private static final String USERS = "/api/v2/users";

    private Process process(MutableClock clock) {
        return process(clock, Map.of());
    }

    private Process process(MutableClock clock, Map<String, String> more) {
        Map<String, String> settings = new HashMap<>(Map.of(
                "cxbridge.genesys.retry.max-attempts",
                "1",
                "cxbridge.genesys.rate-limit.enabled",
                "false",
                "cxbridge.genesys.breaker.failure-threshold",
                "3",
                "cxbridge.genesys.breaker.delay",
                "15s"));
        settings.putAll(more);
        return process(config(settings), clock);
    }

    @Test
    void aCallersBodyThatBreaksOffIsNoVerdictOnGenesys() {
        Process p = process(MutableClock.startingNow(), Map.of("cxbridge.genesys.retry.max-attempts", "4"));
        for (int i = 0; i < 5; i++) {
            // announced 2 MB, one chunk, then the caller's stream fails (a client that left mid-upload)
            assertThatThrownBy(() -> upload(p, new CallersBody(true)))
                    .as("upload " + i)
                    .isInstanceOf(UpstreamException.class);
        }
        assertThat(p.breakers.state(QUEUES)).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(p.client
                        .send(GenesysRequest.get(QUEUES))
                        .await()
                        .atMost(Duration.ofSeconds(10))
                        .status())
                .as("the family still reaches Genesys")
                .isEqualTo(200);
        assertThat(p.counter("cxbridge.genesys.retries"))
                .as("a broken body is never re-sent")
                .isZero();
    }

    @Test
    void aCallersBodySlowerThanTheAttemptTimeoutIsNoVerdictOnGenesys() {
        Process p = process(MutableClock.startingNow(), Map.of("cxbridge.genesys.http.attempt-timeout", "500ms"));
        for (int i = 0; i < 5; i++) {
            // one chunk of the announced 2 MB, then nothing: the attempt times out waiting for the caller
            assertThatThrownBy(() -> upload(p, new CallersBody(false)))
                    .as("upload " + i)
                    .isInstanceOf(UpstreamException.class);
        }
        assertThat(p.breakers.state(QUEUES)).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(p.client
                        .send(GenesysRequest.get(QUEUES))
                        .await()
                        .atMost(Duration.ofSeconds(10))
                        .status())
                .isEqualTo(200);
    }

    private static void upload(Process p, CallersBody body) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                .add("Content-Type", "application/json")
                .add("Content-Length", "2000000");
        p.client.stream(HttpMethod.PUT, QUEUES + "/q-1", headers, null, body, Duration.ofSeconds(5))
                .await()
                .atMost(Duration.ofSeconds(10));
    }

    /** A caller's body: one chunk, then it fails ({@code fails}) or never goes on. */
    private static final class CallersBody implements ReadStream<Buffer> {
        private final boolean fails;
        private Handler<Buffer> handler;
        private Handler<Throwable> exceptionHandler;
        private boolean paused = true;
        private boolean emitted;

        CallersBody(boolean fails) {
            this.fails = fails;
        }

        @Override
        public ReadStream<Buffer> exceptionHandler(Handler<Throwable> h) {
            exceptionHandler = h;
            return this;
        }

        @Override
        public ReadStream<Buffer> handler(Handler<Buffer> h) {
            handler = h;
            emit();
            return this;
        }

        @Override
        public ReadStream<Buffer> pause() {
            paused = true;
            return this;
        }

        @Override
        public ReadStream<Buffer> resume() {
            paused = false;
            emit();
            return this;
        }

        @Override
        public ReadStream<Buffer> fetch(long amount) {
            return resume();
        }

        @Override
        public ReadStream<Buffer> endHandler(Handler<Void> h) {
            return this;
        }

        private void emit() {
            if (emitted || paused || handler == null) {
                return;
            }
            emitted = true;
            handler.handle(Buffer.buffer("{\"name\":\"" + "x".repeat(100) + "\""));
            if (fails && exceptionHandler != null) {
                exceptionHandler.handle(new IllegalStateException("the caller went away"));
            }
        }
    }

    @Test
    void aClientHammeringAFailingFamilyDoesNotOpenTheBreakerOfAnother() {
        Process p = process(MutableClock.startingNow());
        control.fault(Map.of("method", "GET", "path", QUEUES + "/**", "status", 500));
        control.fault(Map.of("method", "GET", "path", QUEUES, "status", 500));
        for (int i = 0; i < 10; i++) {
            try {
                p.client
                        .send(GenesysRequest.get(QUEUES + "/q-" + i + "/members"))
                        .await()
                        .atMost(Duration.ofSeconds(10));
            } catch (CircuitOpenException expected) {
                // the attacker's family is open: exactly what should happen to it
            }
        }
        assertThat(p.breakers.state(QUEUES)).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(p.registry.get("cxbridge.genesys.breaker.open").gauge().value())
                .isEqualTo(1.0);

        for (int i = 0; i < 5; i++) {
            assertThat(p.client
                            .send(GenesysRequest.get(USERS))
                            .await()
                            .atMost(Duration.ofSeconds(10))
                            .status())
                    .as("another family still reaches Genesys")
                    .isEqualTo(200);
        }
        assertThat(p.breakers.state(USERS)).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @Test
    void fourHundredsNeverOpenABreaker() {
        Process p = process(MutableClock.startingNow());
        control.fault(Map.of("method", "GET", "path", USERS, "status", 404));
        for (int i = 0; i < 10; i++) {
            assertThat(p.client
                            .send(GenesysRequest.get(USERS))
                            .await()
                            .atMost(Duration.ofSeconds(10))
                            .status())
                    .isEqualTo(404);
        }
        assertThat(p.breakers.state(USERS)).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(requests("GET", USERS, 404)).isEqualTo(10);
    }

    @Test
    void aProbeThatIsAbandonedFreesItsSlot() {
        MutableClock clock = MutableClock.startingNow();
        Process p = process(clock);
        control.fault(Map.of("method", "GET", "path", USERS, "status", 500, "count", 3));
        for (int i = 0; i < 3; i++) {
            p.client.send(GenesysRequest.get(USERS)).await().atMost(Duration.ofSeconds(10));
        }
        assertThat(p.breakers.state(USERS)).isEqualTo(CircuitBreaker.State.OPEN);
        clock.advance(Duration.ofSeconds(15));
        control.fault(Map.of("method", "GET", "path", USERS, "latencyMs", 3000, "count", 1));

        // the probe's caller gives up (cancels) before any answer: no outcome, but the slot must come back
        assertThatThrownBy(
                        () -> p.client.send(GenesysRequest.get(USERS)).await().atMost(Duration.ofMillis(300)))
                .isInstanceOf(io.smallrye.mutiny.TimeoutException.class);
        assertThat(p.client
                        .send(GenesysRequest.get(USERS))
                        .await()
                        .atMost(Duration.ofSeconds(10))
                        .status())
                .isEqualTo(200);
        assertThat(p.breakers.state(USERS)).isEqualTo(CircuitBreaker.State.CLOSED);
    }
}
