package io.cxbridge.directory.cache;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.ResponseType;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import org.jboss.logging.Logger;

/**
 * Wakes replicas waiting on another's load: the loader {@code PUBLISH}es the directory id on one channel when
 * its load ends (stored or failed), and every replica holds one subscribed connection. An explicit publish,
 * because keyspace notifications are not given reliably by clusters and managed Redis. A waiter that hears
 * nothing (no subscription, a loader that died) wakes at its own time limit and looks once.
 */
public final class LoadSignals implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LoadSignals.class);

    private final Redis client;
    private final RedisAPI redis;
    private final String channel;
    private final ConcurrentHashMap<String, Set<CompletableFuture<Void>>> waiters = new ConcurrentHashMap<>();
    private volatile RedisConnection subscription;

    public LoadSignals(Redis client, RedisAPI redis, String keyPrefix) {
        this.client = client;
        this.redis = redis;
        this.channel = keyPrefix + ":loaded";
    }

    /** Opens the subscribed connection; until it is there (or without Redis) waiters wake at their time limit. */
    public Uni<Void> start() {
        return client.connect()
                .onItem()
                .transformToUni(conn -> {
                    conn.handler(message -> {
                        // ["message", channel, id]
                        if (message.getDelegate().type() == ResponseType.PUSH || message.size() == 3) {
                            if ("message".equals(message.get(0).toString())
                                    && channel.equals(message.get(1).toString())) {
                                wake(message.get(2).toString());
                            }
                        }
                    });
                    conn.exceptionHandler(e -> {
                        LOG.warnf(
                                "directory load signals: the subscription failed (%s); waiters wake at their time limit",
                                e.getMessage());
                        subscription = null;
                    });
                    subscription = conn;
                    return conn.send(io.vertx.mutiny.redis.client.Request.newInstance(
                                    Request.cmd(Command.SUBSCRIBE).arg(channel)))
                            .replaceWithVoid();
                })
                .onFailure()
                .recoverWithUni(e -> {
                    LOG.warnf(
                            "directory load signals: no subscription (%s); waiters wake at their time limit",
                            e.getMessage());
                    return Uni.createFrom().voidItem();
                });
    }

    /** Registered before the waiter looks at Redis, so a publish between the look and the wait is not missed. */
    CompletableFuture<Void> register(String id) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        waiters.computeIfAbsent(id, k -> new CopyOnWriteArraySet<>()).add(f);
        return f;
    }

    /** Waits for the signal of {@code id}, at most {@code max}; never fails. */
    Uni<Void> await(String id, CompletableFuture<Void> signal, Duration max) {
        return Uni.createFrom()
                .completionStage(signal)
                .ifNoItem()
                .after(max)
                .recoverWithItem((Void) null)
                .eventually(() -> forget(id, signal));
    }

    void forget(String id, CompletableFuture<Void> signal) {
        waiters.computeIfPresent(id, (k, set) -> {
            set.remove(signal);
            return set.isEmpty() ? null : set;
        });
    }

    /** The load of {@code id} ended: wake the waiters of every replica. */
    Uni<Void> announce(String id) {
        wake(id);
        return redis.publish(channel, id)
                .replaceWithVoid()
                .ifNoItem()
                .after(Duration.ofSeconds(1))
                .recoverWithItem((Void) null)
                .onFailure()
                .recoverWithItem((Void) null);
    }

    private void wake(String id) {
        Set<CompletableFuture<Void>> set = waiters.remove(id);
        if (set != null) {
            set.forEach(f -> f.complete(null));
        }
    }

    @Override
    public void close() {
        RedisConnection c = subscription;
        subscription = null;
        if (c != null) {
            // Unsubscribed first: a pooled connection must not go back to the pool in subscriber mode.
            c.send(io.vertx.mutiny.redis.client.Request.newInstance(
                            Request.cmd(Command.UNSUBSCRIBE).arg(channel)))
                    .ifNoItem()
                    .after(Duration.ofSeconds(1))
                    .fail()
                    .onItemOrFailure()
                    .transformToUni((r, e) -> c.close())
                    .subscribe()
                    .with(x -> {}, e -> {});
        }
    }
}
