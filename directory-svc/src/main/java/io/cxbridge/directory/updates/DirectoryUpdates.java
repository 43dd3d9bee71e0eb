package io.cxbridge.directory.updates;

import io.cxbridge.common.audit.AuditEmitter;
import io.cxbridge.common.trace.TraceIds;
import io.cxbridge.directory.cache.CacheListener;
import io.cxbridge.directory.cache.CachedDirectory;
import io.cxbridge.directory.cache.LruCache;
import io.cxbridge.directory.config.DirectoryConfig;
import io.cxbridge.model.Channels;
import io.cxbridge.model.Json;
import io.cxbridge.model.audit.AuditTypes;
import io.cxbridge.model.event.DirectoryUpdated;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.mutiny.redis.client.RedisAPI;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * Before every load this replica made is kept: its audit event ({@code populated} or {@code refreshed}), which the
 * cache waits for (see {@link #loading}). After it is kept, when the content hash differs from the last one
 * published for the directory (kept in Redis, so replicas agree; in memory while Redis is away), a
 * {@code DirectoryUpdated} on {@code cxbridge.directory.updates.v1} (the CDN sync hook) and the optional webhook.
 * The new hash is recorded only once the broker took the event, so a failed send is retried by the next load, never
 * lost. When the broker took it but the hash could not be recorded, this replica remembers what it published over
 * which recorded hash: its next load of the same content records the hash instead of publishing twice. None of it
 * fails a read (outcomes are counted and logged); only the audit event is waited for, at most {@code ack-timeout}.
 */
@ApplicationScoped
public class DirectoryUpdates implements CacheListener {

    private static final Logger LOG = Logger.getLogger(DirectoryUpdates.class);

    private final MutinyEmitter<String> emitter;
    private final AuditEmitter audit;
    private final DirectoryWebhook webhook;
    private final DirectoryConfig config;
    private final RedisAPI redis;
    /**
     * Per directory, what this replica last published and the recorded hash it replaced: the most recently published
     * {@link #publishedBound} directories (any id a client names can be loaded, so it must not grow with them). An
     * entry is needed only until the next load of its directory records the hash (or while Redis is away); losing one
     * costs at most one duplicate {@code DirectoryUpdated} of unchanged content, which the contract allows (delivery
     * is at least once; consumers dedupe by {@code directoryId} + {@code contentHash}).
     */
    private final LruCache<Published> lastPublished;

    private final Counter published;
    private final Counter failed;

    public DirectoryUpdates(
            @Channel(Channels.DIRECTORY_UPDATES_OUT) @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 1024)
                    MutinyEmitter<String> emitter,
            AuditEmitter audit,
            DirectoryWebhook webhook,
            DirectoryConfig config,
            RedisAPI redis,
            MeterRegistry registry) {
        this.emitter = emitter;
        this.audit = audit;
        this.webhook = webhook;
        this.config = config;
        this.redis = redis;
        this.lastPublished = new LruCache<>(publishedBound(config));
        this.published = Counter.builder("cxbridge.directory.updates")
                .tag("outcome", "published")
                .description("DirectoryUpdated events")
                .register(registry);
        this.failed = Counter.builder("cxbridge.directory.updates")
                .tag("outcome", "failed")
                .register(registry);
    }

    /**
     * The audit event of a load, before the cache keeps it (the brief: sent before the work it describes is
     * committed); completes when the broker acknowledged it, fails when it refused it or did not answer within
     * {@code ack-timeout}. The cache then keeps the load all the same (logged; the emitter counts the failure).
     */
    @Override
    public Uni<Void> loading(CachedDirectory previous, CachedDirectory loading) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("directoryId", loading.directoryId());
        data.put("entryCount", loading.entries().size());
        data.put("lastModified", loading.lastModified().toString());
        data.put("contentHash", loading.contentHash());
        data.put("previousContentHash", previous == null ? null : previous.contentHash());
        data.put("ttlSeconds", loading.ttlSeconds());
        return audit.emit(
                        previous == null ? AuditTypes.DIRECTORY_POPULATED : AuditTypes.DIRECTORY_REFRESHED,
                        loading.directoryId(),
                        TraceIds.current(),
                        data)
                .ifNoItem()
                .after(config.ackTimeout())
                .fail();
    }

    @Override
    public void loaded(CachedDirectory previous, CachedDirectory loaded) {
        String traceId = TraceIds.current();
        publishedHash(loaded)
                .onItem()
                .transformToUni(old -> {
                    if (loaded.contentHash().equals(old)) {
                        return Uni.createFrom().voidItem();
                    }
                    Published mine = lastPublished.get(loaded.directoryId());
                    if (mine != null && mine.hash().equals(loaded.contentHash()) && Objects.equals(mine.over(), old)) {
                        // Published by this replica, but its hash was not recorded: record it, no second event.
                        return recordHash(loaded, old);
                    }
                    return publish(new DirectoryUpdated(
                                    loaded.directoryId(),
                                    loaded.entries().size(),
                                    loaded.lastModified(),
                                    loaded.contentHash(),
                                    loaded.ttlSeconds(),
                                    traceId))
                            .call(() -> recordHash(loaded, old));
                })
                .subscribe()
                .with(
                        x -> {},
                        e -> LOG.warnf(
                                "directory %s: DirectoryUpdated not published (the next " + "load tries again): %s",
                                loaded.directoryId(), e.getMessage()));
    }

    /** The hash last published for the directory (Redis; this replica's memory while Redis is away). */
    private Uni<String> publishedHash(CachedDirectory d) {
        Published local = lastPublished.get(d.directoryId());
        return redis.get(hashKey(d))
                .ifNoItem()
                .after(Duration.ofSeconds(1))
                .fail()
                .map(r -> r == null ? null : r.toString())
                .onFailure()
                .recoverWithItem(e -> local == null ? null : local.hash());
    }

    /** Recorded after the broker took the event; {@code over} is the recorded hash it replaces. */
    private Uni<Void> recordHash(CachedDirectory d, String over) {
        lastPublished.put(d.directoryId(), new Published(d.contentHash(), over));
        return redis.set(List.of(
                        hashKey(d),
                        d.contentHash(),
                        "EX",
                        String.valueOf(Duration.ofDays(7).toSeconds())))
                .ifNoItem()
                .after(Duration.ofSeconds(1))
                .fail()
                .replaceWithVoid()
                .onFailure()
                .recoverWithUni(e -> Uni.createFrom().voidItem());
    }

    /** As many as the statuses of ids kept: twice the in-process bound, at least 64, plus the configured sources. */
    static int publishedBound(DirectoryConfig config) {
        return Math.max(64, 2 * config.maxDirectories()) + config.sources().size();
    }

    /** How many directories' last publish this replica remembers. */
    int publishedCount() {
        return lastPublished.size();
    }

    /** A hash this replica published, and the recorded hash (null: none) it was published over. */
    private record Published(String hash, String over) {}

    private String hashKey(CachedDirectory d) {
        return config.redis().keyPrefix() + ":hash:" + d.directoryId();
    }

    private Uni<Void> publish(DirectoryUpdated event) {
        String json;
        try {
            json = Json.mapper().writeValueAsString(event);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        Message<String> record = Message.of(json)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                        .withKey(event.directoryId())
                        .build());
        // The webhook follows the broker's ack: a failed publish is tried again on the next load, and a webhook sent
        // before it would then be sent twice for one update.
        return Uni.createFrom()
                .deferred(() -> emitter.sendMessage(record))
                .onItem()
                .invoke(x -> {
                    published.increment();
                    webhook.notify(event);
                })
                .onFailure()
                .invoke(e -> failed.increment());
    }
}
