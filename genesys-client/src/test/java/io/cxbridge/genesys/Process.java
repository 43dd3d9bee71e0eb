package io.cxbridge.genesys;

import io.cxbridge.genesys.breaker.Breakers;
import io.cxbridge.genesys.config.Endpoints;
import io.cxbridge.genesys.config.GenesysConfig;
import io.cxbridge.genesys.http.GenesysClient;
import io.cxbridge.genesys.shaping.RateShaper;
import io.cxbridge.genesys.token.TokenProvider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.WebClient;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import java.time.Clock;
import java.util.function.UnaryOperator;

/**
 * One simulated cxbridge process: its own Redis connection, HTTP pool, token provider, shaper and
 * breaker, as a separate JVM would have. Several of these on one Redis behave like several processes.
 */
public final class Process implements AutoCloseable {

    public final GenesysConfig config;
    public final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    public final Redis redisClient;
    public final WebClient web;
    public final io.cxbridge.genesys.http.LoopLocalHttpClients streamingHttp;
    public final TokenProvider tokens;
    public final RateShaper shaper;
    public final Breakers breakers;
    public final GenesysClient client;

    public Process(Vertx vertx, String redisUrl, GenesysConfig config, Clock clock) {
        this(vertx, redisUrl, config, clock, UnaryOperator.identity());
    }

    /**
     * A process whose token provider talks to Redis through {@code tokenRedis} (a test's hook that delays or changes
     * a command, to put two processes' steps in a chosen order without sleeping).
     */
    public Process(
            Vertx vertx,
            String redisUrl,
            GenesysConfig config,
            Clock clock,
            UnaryOperator<io.vertx.redis.client.RedisAPI> tokenRedis) {
        this.config = config;
        Endpoints endpoints = Endpoints.of(config);
        // The same pool limits service-common sets for Quarkus's client: a burst must queue, not fail.
        this.redisClient = Redis.createClient(
                vertx,
                new RedisOptions()
                        .setConnectionString(redisUrl)
                        .setMaxPoolSize(16)
                        .setMaxPoolWaiting(4096));
        RedisAPI redis = RedisAPI.api(redisClient);
        this.web = GenesysProducers.webClient(vertx, config);
        this.tokens = new TokenProvider(
                config, endpoints, web, RedisAPI.newInstance(tokenRedis.apply(redis.getDelegate())), clock, registry);
        this.shaper = new RateShaper(config, redis, clock, registry);
        this.breakers = new Breakers(
                config.breaker().failureThreshold(),
                config.breaker().delay(),
                config.breaker().maxFamilies(),
                clock);
        this.streamingHttp = GenesysProducers.streamingClient(vertx, config);
        this.client =
                new GenesysClient(config, endpoints, web, streamingHttp, tokens, shaper, breakers, clock, registry);
    }

    public double counter(String name, String... tags) {
        var c = registry.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    @Override
    public void close() {
        web.close();
        streamingHttp.close();
        redisClient.close();
    }
}
