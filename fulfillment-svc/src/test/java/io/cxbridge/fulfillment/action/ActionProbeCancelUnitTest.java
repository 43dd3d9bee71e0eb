package io.cxbridge.fulfillment.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.cxbridge.testkit.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The half-open probe is released when its caller goes away: a probe call cancelled while out once left the breaker
 * refusing every call (503 CIRCUIT_OPEN) until a restart.
 */
class ActionProbeCancelUnitTest {

    private final CountDownLatch hold = new CountDownLatch(1);
    private final AtomicInteger requests = new AtomicInteger();
    private HttpServer stub;
    private Vertx vertx;

    @AfterEach
    void tearDown() {
        hold.countDown();
        if (stub != null) {
            stub.stop(0);
        }
        if (vertx != null) {
            vertx.closeAndAwait();
        }
    }

    @Test
    void aCancelledProbeIsReleased() throws Exception {
        // a stub that answers nothing until the test ends
        stub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        stub.setExecutor(Executors.newCachedThreadPool());
        stub.createContext("/", exchange -> {
            requests.incrementAndGet();
            try {
                hold.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        stub.start();
        String hostPort = "127.0.0.1:" + stub.getAddress().getPort();
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(ActionsConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(
                        Map.of(
                                "cxbridge.actions.slow.url", "http://" + hostPort + "/slow",
                                "cxbridge.actions.slow.url-policy.test-hosts", hostPort,
                                "cxbridge.actions.slow.attempts", "1",
                                "cxbridge.actions.slow.attempt-timeout", "30s",
                                "cxbridge.actions.slow.budget", "60s",
                                "cxbridge.actions.slow.breaker.failures", "1"),
                        "test",
                        500))
                .build();
        MutableClock clock = MutableClock.startingNow();
        ActionMetrics metrics = new ActionMetrics(new SimpleMeterRegistry());
        ActionRegistry registry =
                new ActionRegistry(config.getConfigMapping(ActionsConfig.class), clock, metrics, host -> {
                    throw new UnknownHostException(host);
                });
        vertx = Vertx.vertx();
        ActionCaller caller = new ActionCaller(vertx, registry, clock, metrics);
        ActionRegistry.Configured action = registry.find("slow").orElseThrow();
        ActionBreaker breaker = action.breaker();

        // open, then half-open
        assertThat(breaker.tryAcquire()).isTrue();
        breaker.onFailure();
        clock.advance(Duration.ofSeconds(16));
        assertThat(breaker.state()).isEqualTo(ActionBreaker.State.HALF_OPEN);

        // the probe call goes out and hangs; its caller goes away
        Cancellable call = caller.call(
                        action,
                        "http://" + hostPort + "/slow",
                        Buffer.buffer("{}"),
                        "req-1",
                        clock.instant().plusSeconds(50))
                .subscribe()
                .with(r -> {}, e -> {});
        await().atMost(Duration.ofSeconds(10)).until(() -> requests.get() == 1);
        assertThat(breaker.tryAcquire()).as("one probe at a time").isFalse();
        call.cancel();

        // the probe was released (tryAcquire takes the next probe once it is)
        await().atMost(Duration.ofSeconds(5)).until(breaker::tryAcquire);
        // and the call's slot freed: a cancelled call does not run on for nobody
        await().atMost(Duration.ofSeconds(5)).until(() -> action.limiter().inFlight() == 0);
    }
}
