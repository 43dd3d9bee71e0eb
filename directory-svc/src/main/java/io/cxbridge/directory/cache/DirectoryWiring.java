package io.cxbridge.directory.cache;

import io.cxbridge.directory.config.DirectoryConfig;
import io.cxbridge.genesys.http.GenesysClient;
import io.cxbridge.genesys.redaction.Redactor;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import org.jboss.logging.Logger;

/** Wires the service's one cache from {@code cxbridge.directory.*}; a bad setting (a TTL out of range) stops start-up. */
@Singleton
public class DirectoryWiring {

    private static final Logger LOG = Logger.getLogger(DirectoryWiring.class);

    @Produces
    @Singleton
    CacheSettings settings(DirectoryConfig config) {
        return CacheSettings.from(config);
    }

    @Produces
    @Singleton
    DirectoryFetcher fetcher(GenesysClient genesys, CacheSettings settings, Redactor redactor) {
        return new DirectoryFetcher(genesys, settings, redactor);
    }

    @Produces
    @Singleton
    LoadSignals signals(Redis client, RedisAPI redis, CacheSettings settings) {
        return new LoadSignals(client, redis, settings.keyPrefix());
    }

    void closeSignals(@Disposes LoadSignals signals) {
        signals.close();
    }

    @Produces
    @Singleton
    DirectoryCache cache(
            CacheSettings settings,
            RedisAPI redis,
            DirectoryFetcher fetcher,
            Clock clock,
            CacheListener listener,
            MeterRegistry registry,
            LoadSignals signals) {
        return new DirectoryCache(settings, redis, fetcher, clock, listener, registry, signals);
    }

    /** Builds the cache at start-up, so an invalid configuration fails here with its message, not on a first read. */
    void onStart(@Observes StartupEvent event, DirectoryCache cache, LoadSignals signals) {
        signals.start().await().atMost(java.time.Duration.ofSeconds(5));
        LOG.infof(
                "directory cache: TTLs %s s, stale factor %s, up to %d directories of %d entries and %d bytes "
                        + "in-process; sources %s; other ids read the seed endpoint when they match %s",
                cache.settings().ttl().asMap(),
                cache.settings().staleFactor(),
                cache.settings().maxDirectories(),
                cache.settings().maxEntries(),
                cache.settings().maxBytes(),
                cache.settings().sources().configured().keySet(),
                cache.settings().sources().allowedSeedIds());
    }
}
