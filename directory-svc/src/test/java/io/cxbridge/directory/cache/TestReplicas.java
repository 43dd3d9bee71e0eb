package io.cxbridge.directory.cache;

import io.cxbridge.directory.source.DirectorySource;
import io.cxbridge.directory.source.DirectorySources;
import io.cxbridge.directory.ttl.TtlMatrix;
import io.cxbridge.testkit.sim.GenesysSim;
import io.cxbridge.testkit.sim.SimControl;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** What the tests that build caches as "replicas" share: each replica's load signals, closed after the test. */
public final class TestReplicas {

    private final List<LoadSignals> opened = new CopyOnWriteArrayList<>();

    /** A replica's own subscribed connection. */
    public LoadSignals signals(Redis client, RedisAPI redis, String keyPrefix) {
        LoadSignals signals = new LoadSignals(client, redis, keyPrefix);
        signals.start().await().atMost(Duration.ofSeconds(30));
        opened.add(signals);
        return signals;
    }

    public void closeAll() {
        opened.forEach(LoadSignals::close);
        opened.clear();
    }

    public static final String SEED_PATH = "/api/v2/routing/directories/{id}/entries";

    /** Settings of a test: the seed endpoint, 250 a page, its own key prefix; sources and bounds added by {@code with...}. */
    public static CacheSettings settings(String keyPrefix, int ttlSeconds, int maxDirectories) {
        return new CacheSettings(
                TtlMatrix.of(Map.of("default", ttlSeconds)),
                1.0,
                10_000,
                maxDirectories,
                SEED_PATH,
                250,
                Duration.ofSeconds(20),
                keyPrefix,
                Duration.ofSeconds(30),
                Duration.ofMillis(20),
                Duration.ofSeconds(30));
    }

    /** The given sources by id (any other id reads the seed endpoint). */
    public static DirectorySources sources(DirectorySource... sources) {
        Map<String, DirectorySource> byId = new java.util.HashMap<>();
        for (DirectorySource s : sources) {
            byId.put(s.directoryId(), s);
        }
        return new DirectorySources(byId, SEED_PATH, 250);
    }

    /** The shared sim, reset, without its rate limit: where every test on the sim starts. */
    public static SimControl freshSim() {
        SimControl sim = GenesysSim.shared().control();
        sim.reset();
        sim.config(Map.of("rateLimitPerMinute", 0));
        return sim;
    }
}
