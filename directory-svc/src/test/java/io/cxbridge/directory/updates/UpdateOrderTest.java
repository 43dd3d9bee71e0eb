package io.cxbridge.directory.updates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cxbridge.common.audit.AuditEmitter;
import io.cxbridge.directory.cache.CachedDirectory;
import io.cxbridge.directory.config.DirectoryConfig;
import io.cxbridge.directory.entry.DirectoryEntry;
import io.cxbridge.model.Json;
import io.cxbridge.model.event.DirectoryUpdated;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.sim.GenesysSimResource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.vertx.core.Future;
import io.vertx.mutiny.redis.client.RedisAPI;
import jakarta.inject.Inject;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The order of "publish DirectoryUpdated" and "record the content hash" (issue #17): publish first, record after
 * the broker took the event. A failure on either side of that line neither loses an update (a failed send leaves
 * the old hash, so the next load publishes) nor doubles it (a send whose hash could not be recorded is not sent
 * again by the same replica; the next load records the hash). Real Redis; the broker's answer and the hash write
 * are the injected failures.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
class UpdateOrderTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    AuditEmitter audit;

    @Inject
    io.cxbridge.genesys.webhook.WebhookSender sender;

    /** What the webhook was given: it follows the broker's ack. */
    final List<DirectoryUpdated> notified = new CopyOnWriteArrayList<>();

    @Inject
    DirectoryConfig config;

    @Inject
    RedisAPI redis;

    /** What "the broker" took, and whether it refuses the next sends. */
    final List<DirectoryUpdated> sent = new CopyOnWriteArrayList<>();

    final AtomicInteger sendAttempts = new AtomicInteger();
    final AtomicBoolean brokerDown = new AtomicBoolean();
    /** Whether writing a content hash fails, and how often it was tried. */
    final AtomicBoolean hashWriteFails = new AtomicBoolean();

    final AtomicInteger hashWrites = new AtomicInteger();
    String directoryId;

    @BeforeEach
    void setUp() {
        sent.clear();
        notified.clear();
        sendAttempts.set(0);
        brokerDown.set(false);
        hashWriteFails.set(false);
        hashWrites.set(0);
        directoryId = "order-" + UUID.randomUUID();
    }

    @Test
    void aSendTheBrokerRefusedIsSentByTheNextLoadNotLost() {
        DirectoryUpdates updates = replica();
        brokerDown.set(true);
        updates.loaded(null, directory("A"));
        await().atMost(WAIT).until(() -> sendAttempts.get() == 1);
        assertThat(recordedHash())
                .as("nothing recorded for an event the broker did not take")
                .isNull();

        brokerDown.set(false);
        updates.loaded(directory("A"), directory("A"));

        await().atMost(WAIT).until(() -> "A".equals(recordedHash()));
        assertThat(sent).extracting(DirectoryUpdated::contentHash).containsExactly("A");
        assertThat(notified)
                .as("the webhook had the update once, after the broker took it")
                .extracting(DirectoryUpdated::contentHash)
                .containsExactly("A");
    }

    @Test
    void aSendWhoseHashWasNotRecordedIsNotSentTwiceTheNextLoadRecordsIt() {
        DirectoryUpdates updates = replica();
        hashWriteFails.set(true);
        updates.loaded(null, directory("A"));
        await().atMost(WAIT).until(() -> hashWrites.get() == 1);
        assertThat(sent).extracting(DirectoryUpdated::contentHash).containsExactly("A");
        assertThat(recordedHash()).isNull();

        hashWriteFails.set(false);
        updates.loaded(directory("A"), directory("A"));

        await().atMost(WAIT).until(() -> "A".equals(recordedHash()));
        assertThat(sent).as("the same content, published once").hasSize(1);
        assertThat(sendAttempts.get()).isEqualTo(1);
    }

    @Test
    void aReplicaWhoseRecordFailedStillPublishesItsContentAgainAfterAnotherReplicaPublishedAChange() {
        DirectoryUpdates first = replica();
        DirectoryUpdates second = replica();
        hashWriteFails.set(true);
        first.loaded(null, directory("A"));
        await().atMost(WAIT).until(() -> hashWrites.get() == 1);
        hashWriteFails.set(false);
        second.loaded(directory("A"), directory("B"));
        await().atMost(WAIT).until(() -> "B".equals(recordedHash()));

        // A -> B -> A: the change back is an update of its own, not the unrecorded send of earlier.
        first.loaded(directory("B"), directory("A"));

        await().atMost(WAIT).until(() -> "A".equals(recordedHash()));
        assertThat(sent).extracting(DirectoryUpdated::contentHash).containsExactly("A", "B", "A");
    }

    /** What a replica remembers of its publishes stays bounded however many directories it loads. */
    @Test
    void theMemoryOfWhatWasPublishedKeepsTheMostRecentDirectoriesWithinItsBound() {
        DirectoryUpdates updates = replica();
        int bound = DirectoryUpdates.publishedBound(config);
        String run = directoryId;
        int n = bound + 50;
        for (int i = 0; i < n; i++) {
            directoryId = run + "-" + i;
            updates.loaded(null, directory("A" + i));
        }
        await().atMost(WAIT).until(() -> hashWrites.get() == n);
        assertThat(sent).hasSize(n);
        assertThat(updates.publishedCount()).isEqualTo(bound);
    }

    private DirectoryUpdates replica() {
        DirectoryWebhook webhooks = new DirectoryWebhook(config, sender) {
            @Override
            public void notify(DirectoryUpdated event) {
                notified.add(event);
            }
        };
        return new DirectoryUpdates(emitter(), audit, webhooks, config, failingHashWrites(), new SimpleMeterRegistry());
    }

    private CachedDirectory directory(String hash) {
        Instant now = Instant.now();
        return new CachedDirectory(
                directoryId,
                List.of(new DirectoryEntry("e1", "Entry " + hash, null, null, null, null)),
                now,
                hash,
                now,
                300);
    }

    private String recordedHash() {
        var r = redis.get(config.redis().keyPrefix() + ":hash:" + directoryId)
                .await()
                .atMost(WAIT);
        return r == null ? null : r.toString();
    }

    /** The broker's side of the channel: takes the record, or refuses it while {@link #brokerDown}. */
    @SuppressWarnings("unchecked")
    private MutinyEmitter<String> emitter() {
        return (MutinyEmitter<String>) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {MutinyEmitter.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("sendMessage")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    sendAttempts.incrementAndGet();
                    if (brokerDown.get()) {
                        return Uni.createFrom().failure(new IllegalStateException("broker away (injected)"));
                    }
                    String json = ((Message<String>) args[0]).getPayload();
                    sent.add(Json.mapper().readValue(json, DirectoryUpdated.class));
                    return Uni.createFrom().voidItem();
                });
    }

    /** The real Redis, except that writing a content hash fails while {@link #hashWriteFails}. */
    private RedisAPI failingHashWrites() {
        io.vertx.redis.client.RedisAPI real = redis.getDelegate();
        return new RedisAPI((io.vertx.redis.client.RedisAPI) Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {io.vertx.redis.client.RedisAPI.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("set")
                            && args[0] instanceof List<?> a
                            && String.valueOf(a.get(0)).contains(":hash:")) {
                        hashWrites.incrementAndGet();
                        if (hashWriteFails.get()) {
                            return Future.failedFuture(new IllegalStateException("hash write lost (injected)"));
                        }
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                }));
    }
}
