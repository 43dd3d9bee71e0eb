package io.cxbridge.directory.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxbridge.common.service.ServiceConfig;
import io.cxbridge.directory.AuditFaults;
import io.cxbridge.directory.cache.DirectoryCache.Source;
import io.cxbridge.directory.config.DirectoryConfig;
import io.cxbridge.directory.updates.DirectoryUpdates;
import io.cxbridge.directory.updates.DirectoryWebhook;
import io.cxbridge.genesys.http.GenesysClient;
import io.cxbridge.model.Topics;
import io.cxbridge.model.audit.AuditTypes;
import io.cxbridge.testkit.KafkaBroker;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.MutableClock;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.TopicReader;
import io.cxbridge.testkit.sim.GenesysSimResource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.vertx.mutiny.redis.client.RedisAPI;
import jakarta.inject.Inject;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The audit event of a load ({@code populated}, {@code refreshed}) goes before the load is kept: when the real broker
 * acknowledged it (and it is readable on the audit topic), neither Redis nor L1 holds the new copy yet. Without the
 * broker taking it the load is kept and served all the same, and the failure is counted.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
class LoadAuditOrderTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    GenesysClient genesys;

    @Inject
    RedisAPI redis;

    @Inject
    io.cxbridge.genesys.redaction.Redactor redactor;

    @Inject
    io.vertx.mutiny.redis.client.Redis redisClient;

    @Inject
    DirectoryUpdates updates;

    @Inject
    DirectoryConfig config;

    @Inject
    ServiceConfig service;

    @Inject
    DirectoryWebhook webhook;

    final TestReplicas replicas = new TestReplicas();
    MutableClock clock;
    String prefix;

    @BeforeEach
    void setUp() {
        TestReplicas.freshSim();
        clock = MutableClock.startingNow();
        prefix = "test-" + UUID.randomUUID();
    }

    @AfterEach
    void tearDown() {
        replicas.closeAll();
    }

    private static String newId() {
        return "dir_" + UUID.randomUUID().toString().substring(0, 8);
    }

    private DirectoryCache replica(CacheSettings settings, CacheListener listener) {
        return new DirectoryCache(
                settings,
                redis,
                new DirectoryFetcher(genesys, settings, redactor),
                clock,
                listener,
                new SimpleMeterRegistry(),
                replicas.signals(redisClient, redis, settings.keyPrefix()));
    }

    private boolean stored(String id) {
        return redis.get(prefix + ":entries:{" + id + "}").await().atMost(WAIT) != null;
    }

    /** Whether Redis holds the copy of this very load (an older one does not count). */
    private boolean stored(CachedDirectory d) {
        var r = redis.get(prefix + ":entries:{" + d.directoryId() + "}").await().atMost(WAIT);
        return r != null
                && DirectoryCache.storedLoadedAtMs(r.toBuffer()) == d.loadedAt().toEpochMilli();
    }

    private static boolean onTheAuditTopic(String id, String type) {
        TopicReader.await(
                KafkaBroker.shared().bootstrapServers(),
                Topics.AUDIT,
                1,
                TopicReader.header("ce_type", type).and(r -> id.equals(r.key())),
                Duration.ofSeconds(20));
        return true;
    }

    /** What was true of both levels when the audit event of each load had been acknowledged. */
    record Seen(String type, boolean onTopic, boolean inL1, boolean inRedis) {}

    @Test
    void theAuditEventOfAPopulateAndOfARefreshIsOnTheAuditTopicBeforeEitherLevelHoldsTheNewCopy() {
        String id = newId();
        List<Seen> seen = new CopyOnWriteArrayList<>();
        AtomicReference<DirectoryCache> replica = new AtomicReference<>();
        CacheListener listener = new CacheListener() {
            @Override
            public Uni<Void> loading(CachedDirectory previous, CachedDirectory loading) {
                String type = previous == null ? AuditTypes.DIRECTORY_POPULATED : AuditTypes.DIRECTORY_REFRESHED;
                // the service's own audit event, then a look at both levels (off the event loop: it blocks)
                return updates.loading(previous, loading)
                        .chain(() -> Uni.createFrom()
                                .item(() -> {
                                    CachedDirectory held = replica.get().peek(id);
                                    return new Seen(
                                            type,
                                            onTheAuditTopic(id, type),
                                            held != null && held.loadedAt().equals(loading.loadedAt()),
                                            stored(loading));
                                })
                                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool()))
                        .invoke(seen::add)
                        .replaceWithVoid();
            }

            @Override
            public void loaded(CachedDirectory previous, CachedDirectory loaded) {}
        };
        replica.set(replica(TestReplicas.settings(prefix, 60, 100), listener));

        assertThat(replica.get().read(id).await().atMost(WAIT).source()).isEqualTo(Source.MISS);
        clock.advance(Duration.ofSeconds(61));
        assertThat(replica.get().read(id).await().atMost(WAIT).source()).isEqualTo(Source.STALE);
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> seen.size() == 2);

        assertThat(seen)
                .containsExactly(
                        new Seen(AuditTypes.DIRECTORY_POPULATED, true, false, false),
                        new Seen(AuditTypes.DIRECTORY_REFRESHED, true, false, false));
        org.awaitility.Awaitility.await()
                .atMost(WAIT)
                .until(() -> replica.get().read(id).await().atMost(WAIT).source() == Source.HIT_L1);
        assertThat(stored(id)).isTrue();
    }

    @Test
    void aLoadWhoseAuditEventTheBrokerRefusesIsKeptOnBothLevelsAndServedTheFailureCounted() {
        String id = newId();
        AuditFaults broker = AuditFaults.refusing(service);
        DirectoryUpdates refused =
                new DirectoryUpdates(updatesTopic(), broker.audit, webhook, config, redis, new SimpleMeterRegistry());
        DirectoryCache cache = replica(TestReplicas.settings(prefix, 60, 100), refused);

        assertThat(cache.read(id).await().atMost(WAIT).source()).isEqualTo(Source.MISS);

        assertThat(broker.failed()).as("counted by the audit emitter").isEqualTo(1);
        assertThat(cache.peek(id)).isNotNull();
        assertThat(stored(id)).isTrue();
        assertThat(cache.read(id).await().atMost(WAIT).source()).isEqualTo(Source.HIT_L1);
    }

    /** The updates topic: takes every record. */
    @SuppressWarnings("unchecked")
    private MutinyEmitter<String> updatesTopic() {
        return (MutinyEmitter<String>) Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {MutinyEmitter.class},
                (proxy, method, args) -> Uni.createFrom().voidItem());
    }
}
