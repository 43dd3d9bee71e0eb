package io.cxbridge.genesys.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxbridge.genesys.retry.Backoff;
import io.cxbridge.model.Headers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.http.HttpServer;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.WebClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The one webhook sender against a real HTTP receiver: signature, timeout, bounded retries, metrics. */
class WebhookSenderTest {

    record Sample(String event, String eventId, int n) {}

    /** One received post: the signature header and the body. */
    record Post(String signature, String body) {}

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static Vertx vertx;
    private static HttpServer server;
    private static final List<Post> POSTS = new CopyOnWriteArrayList<>();
    /** The statuses the receiver answers, in order; 0 = never answer; the last one repeats. */
    private static volatile List<Integer> answers = List.of(204);

    private static final AtomicInteger SEEN = new AtomicInteger();

    private SimpleMeterRegistry registry;
    private WebhookSender sender;

    @BeforeAll
    static void receiver() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.getDelegate()
                .createHttpServer()
                .requestHandler(req -> req.body().onSuccess(b -> {
                    POSTS.add(new Post(req.getHeader(Headers.SIGNATURE), b.toString()));
                    int i = SEEN.getAndIncrement();
                    int status = answers.get(Math.min(i, answers.size() - 1));
                    if (status != 0) {
                        req.response().setStatusCode(status).end();
                    }
                }))
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void close() {
        vertx.closeAndAwait();
    }

    @BeforeEach
    void fresh() {
        POSTS.clear();
        SEEN.set(0);
        registry = new SimpleMeterRegistry();
        sender = new WebhookSender(
                WebClient.create(vertx),
                Clock.fixed(NOW, ZoneOffset.UTC),
                registry,
                new Backoff(Duration.ofMillis(10), 2, Duration.ofMillis(50), 0));
    }

    private static WebhookTarget target(String url, Duration timeout) {
        return WebhookTarget.of("test", "u", Optional.of(url), "s", Optional.of("s3cret"), timeout)
                .orElseThrow();
    }

    private static WebhookTarget target() {
        return target("http://127.0.0.1:" + server.actualPort() + "/hook?token=abc", Duration.ofSeconds(2));
    }

    private boolean deliver(WebhookTarget t) {
        return sender.deliver(t, new Sample("e", "id-1", 7)).await().atMost(Duration.ofSeconds(10));
    }

    private double deliveries(String outcome) {
        return registry.counter("cxbridge.webhook.deliveries", "webhook", "test", "outcome", outcome)
                .count();
    }

    @Test
    void postsTheEventAsJsonSignedThroughTheSignatureHeader() {
        answers = List.of(204);
        assertThat(deliver(target())).isTrue();
        assertThat(POSTS).hasSize(1);
        Post p = POSTS.get(0);
        assertThat(p.body()).isEqualTo("{\"event\":\"e\",\"eventId\":\"id-1\",\"n\":7}");
        assertThat(p.signature()).startsWith("t=" + NOW.getEpochSecond() + ",v1=");
        assertThat(WebhookSigner.verify("s3cret", p.signature(), p.body(), NOW, WebhookSigner.DEFAULT_TOLERANCE))
                .isTrue();
        assertThat(deliveries("delivered")).isEqualTo(1);
    }

    @Test
    void transientAnswersAreTriedAgainWithTheSameBodyUntilDelivered() {
        answers = List.of(503, 429, 200);
        assertThat(deliver(target())).isTrue();
        assertThat(POSTS).hasSize(3);
        assertThat(POSTS).extracting(Post::body).containsOnly(POSTS.get(0).body());
        assertThat(deliveries("delivered")).isEqualTo(1);
        assertThat(deliveries("failed")).isZero();
    }

    @Test
    void retriesStopAtTheBoundAndTheFailureIsCountedNotThrown() {
        answers = List.of(500);
        assertThat(deliver(target())).isFalse();
        assertThat(POSTS).hasSize(WebhookSender.ATTEMPTS);
        assertThat(deliveries("failed")).isEqualTo(1);
    }

    @Test
    void aFinalAnswerIsNotTriedAgain() {
        answers = List.of(400);
        assertThat(deliver(target())).isFalse();
        assertThat(POSTS).hasSize(1);
        assertThat(deliveries("failed")).isEqualTo(1);
    }

    @Test
    void aReceiverThatNeverAnswersTimesOutEachAttempt() {
        answers = List.of(0, 0, 204);
        long start = System.nanoTime();
        assertThat(deliver(target("http://127.0.0.1:" + server.actualPort() + "/hook", Duration.ofMillis(200))))
                .isTrue();
        assertThat(POSTS).hasSize(3);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
    }

    @Test
    void anUnreachableReceiverEndsFalseAfterTheAttempts() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        assertThat(deliver(target("http://127.0.0.1:" + closed + "/hook", Duration.ofSeconds(1))))
                .isFalse();
        assertThat(deliveries("failed")).isEqualTo(1);
    }

    @Test
    void sendReturnsAtOnceAndDeliversInTheBackground() {
        answers = List.of(0, 204);
        long start = System.nanoTime();
        sender.send(
                target("http://127.0.0.1:" + server.actualPort() + "/hook", Duration.ofMillis(300)),
                new Sample("e", "id-2", 1));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(250));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> deliveries("delivered") == 1);
    }
}
