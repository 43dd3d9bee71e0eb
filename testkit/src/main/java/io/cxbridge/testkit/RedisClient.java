package io.cxbridge.testkit;

import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A Redis client on the JVM's shared {@link RedisServer}, for a test class that drives one class against real Redis
 * without a Quarkus application: {@code @RegisterExtension static final RedisClient REDIS = new RedisClient();}, then
 * {@link #api()}. Opened before the class's tests, closed (with its Vert.x) after them.
 */
public final class RedisClient implements BeforeAllCallback, AfterAllCallback {

    private Vertx vertx;
    private RedisAPI api;

    @Override
    public void beforeAll(ExtensionContext context) {
        vertx = Vertx.vertx();
        api = RedisAPI.api(Redis.createClient(vertx, RedisServer.shared().url()));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        vertx.closeAndAwait(); // closes the client too
    }

    /** The client; only between the class's first and last test. */
    public RedisAPI api() {
        return api;
    }

    /** The Vert.x instance the client runs on. */
    public Vertx vertx() {
        return vertx;
    }
}
