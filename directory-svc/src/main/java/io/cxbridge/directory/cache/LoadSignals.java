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
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Wakes replicas waiting on another's load: the loader {@code PUBLISH}es the directory id on one channel when
 * its load ends (stored or failed), and every replica holds one subscribed connection. An explicit publish,
 * because keyspace notifications are not given reliably by clusters and managed Redis. When the subscribed
 * connection cannot be opened or dies (Redis restarted, or away at start-up), it is opened again with a growing
 * delay (from {@link #FIRST_RETRY} to {@link #MAX_RETRY}), and at once when the cache sees Redis answer again
 * ({@link #redisBack()}); until then waiters poll ({@link #subscribed()}). A waiter that hears nothing (a loader
 * that died) wakes at its own time limit and looks once.
 */
public final class LoadSignals implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LoadSignals.class);
    static final Duration FIRST_RETRY = Duration.ofMillis(250);
    static final Duration MAX_RETRY = Duration.ofSeconds(30);

    private final Redis client;
    private final RedisAPI redis;
    private final String channel;
    private final ConcurrentHashMap<String, Set<CompletableFuture<Void>>> waiters = new ConcurrentHashMap<>();
    private final AtomicBoolean connecting = new AtomicBoolean();
    private final AtomicBoolean retryScheduled = new AtomicBoolean();
    private volatile RedisConnection subscription;
    private volatile Duration nextRetry = FIRST_RETRY;
    private volatile boolean lost;
    private volatile boolean closed;

    public LoadSignals(Redis client, RedisAPI redis, String keyPrefix) {
        this.client = client;
        this.redis = redis;
        this.channel = keyPrefix + ":loaded";
    }

    /**
     * Opens the subscribed connection; until it is there (or without Redis) waiters poll, and it is tried again
     * with a growing delay. Never fails.
     */
    public Uni<Void> start() {
        return subscribe();
    }

    /** True while the subscribed connection is open: a waiter can rely on the publish. */
    boolean subscribed() {
        return subscription != null;
    }

    /** Redis answers again: subscribe now (unless subscribed, or an attempt is under way). */
    void redisBack() {
        if (subscription == null && !closed) {
            subscribe().subscribe().with(x -> {}, e -> {});
        }
    }

    private Uni<Void> subscribe() {
        if (closed || subscription != null || !connecting.compareAndSet(false, true)) {
            return Uni.createFrom().voidItem();
        }
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
                    conn.exceptionHandler(e -> lostSubscription(conn, "failed (" + e.getMessage() + ")"));
                    conn.endHandler(() -> lostSubscription(conn, "was closed"));
                    return conn.send(io.vertx.mutiny.redis.client.Request.newInstance(
                                    Request.cmd(Command.SUBSCRIBE).arg(channel)))
                            .ifNoItem()
                            .after(Duration.ofSeconds(5))
                            .fail()
                            .onFailure()
                            .call(e -> conn.close().onFailure().recoverWithNull())
                            .invoke(x -> subscribed(conn))
                            .replaceWithVoid();
                })
                .onFailure()
                .recoverWithUni(e -> {
                    connecting.set(false);
                    if (!lost) {
                        lost = true;
                        LOG.warnf(
                                "directory load signals: no subscription (%s); waiters poll until it is back",
                                e.getMessage());
                    } else {
                        LOG.debugf("directory load signals: subscribing again failed: %s", e.getMessage());
                    }
                    retryLater();
                    return Uni.createFrom().voidItem();
                });
    }

    private void subscribed(RedisConnection conn) {
        subscription = conn;
        connecting.set(false);
        nextRetry = FIRST_RETRY;
        if (closed) {
            close();
            return;
        }
        if (lost) {
            lost = false;
            LOG.info("directory load signals: subscribed again; waiters wake on the publish");
        }
    }

    private void lostSubscription(RedisConnection conn, String how) {
        if (subscription != conn) {
            return;
        }
        subscription = null;
        conn.close().subscribe().with(x -> {}, e -> {});
        if (closed) {
            return;
        }
        lost = true;
        LOG.warnf("directory load signals: the subscription %s; waiters poll until it is back", how);
        retryLater();
    }

    /** One retry at a time, each delay twice the last up to {@link #MAX_RETRY}. */
    private void retryLater() {
        if (closed || !retryScheduled.compareAndSet(false, true)) {
            return;
        }
        Duration delay = nextRetry;
        nextRetry = delay.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : delay.multipliedBy(2);
        Uni.createFrom()
                .voidItem()
                .onItem()
                .delayIt()
                .by(delay)
                .invoke(x -> retryScheduled.set(false))
                .chain(this::subscribe)
                .subscribe()
                .with(x -> {}, e -> {});
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
        closed = true;
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
