package io.cxbridge.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxbridge.gateway.StepHarness;
import io.cxbridge.gateway.context.RequestContext;
import io.cxbridge.genesys.shaping.TokenBucket;
import io.cxbridge.testkit.RedisServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The client rate-limit step against a real Redis: the RateLimit headers, 429 with Retry-After, the body resumed. */
class ClientRateLimitUnitTest {

    private static StepHarness harness;
    private static StepHarness withoutRedis;
    private static StepHarness shared;
    private static Vertx redisVertx;
    private static final String CLIENT = "limited-" + UUID.randomUUID();
    private static final SimpleMeterRegistry REGISTRY = new SimpleMeterRegistry();

    @BeforeAll
    static void start() throws Exception {
        RedisServer redisServer = RedisServer.shared();
        redisVertx = Vertx.vertx();
        RedisAPI redis = RedisAPI.api(Redis.createClient(redisVertx, redisServer.url()));
        TokenBucket buckets = new TokenBucket(redis, Clock.systemUTC());
        GatewayClient limited = new GatewayClient(CLIENT, Set.of(), List.of(RouteGrant.parse("ANY /**")), 2);
        harness = harness(buckets, limited, REGISTRY);
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort(); // nothing listens there once closed
        }
        RedisAPI away = RedisAPI.api(Redis.createClient(redisVertx, "redis://127.0.0.1:" + closedPort));
        withoutRedis = harness(
                new TokenBucket(away, Clock.systemUTC()),
                new GatewayClient(CLIENT, Set.of(), List.of(RouteGrant.parse("ANY /**")), 3),
                new SimpleMeterRegistry());
        shared = sharedReservationHarness(
                buckets,
                new GatewayClient("busy-" + UUID.randomUUID(), Set.of(), List.of(RouteGrant.parse("ANY /**")), 1200));
    }

    /** Each request says whether the steps after the limit ran on the context the request arrived on. */
    private static StepHarness sharedReservationHarness(TokenBucket buckets, GatewayClient client) throws Exception {
        return StepHarness.start(router -> {
            router.route().handler(rc -> {
                rc.request().pause();
                rc.put(Authenticate.CLIENT, client);
                rc.put("arrived-on", io.vertx.core.Vertx.currentContext());
                rc.next();
            });
            router.route()
                    .handler(new ClientRateLimit(buckets, Clock.systemUTC(), new Refusals(new SimpleMeterRegistry())));
            router.get("/where")
                    .handler(rc -> rc.response()
                            .end(io.vertx.core.Vertx.currentContext() == rc.get("arrived-on") ? "own" : "other"));
        });
    }

    private static StepHarness harness(TokenBucket buckets, GatewayClient limited, SimpleMeterRegistry registry)
            throws Exception {
        return StepHarness.start(router -> {
            router.route().handler(rc -> {
                rc.request().pause(); // as the authenticate step leaves an admitted request
                if (rc.request().getHeader("X-Exempt") != null) {
                    rc.put(Authenticate.EXEMPT, Boolean.TRUE);
                } else {
                    rc.put(Authenticate.CLIENT, limited);
                }
                rc.next();
            });
            router.route().handler(new ClientRateLimit(buckets, Clock.systemUTC(), new Refusals(registry)));
            // The route reads the body: it only arrives when the step resumed the paused request.
            router.post("/streamed").handler(rc -> {
                rc.put(RequestContext.BODY_STREAMED, true);
                rc.request().body().onSuccess(b -> rc.response().end("read " + b.length()));
                rc.request().resume(); // a streaming route resumes the body itself
            });
            router.post("/read")
                    .handler(rc ->
                            rc.request().body().onSuccess(b -> rc.response().end("read " + b.length())));
        });
    }

    @AfterAll
    static void stop() throws Exception {
        harness.close();
        withoutRedis.close();
        shared.close();
        redisVertx.closeAndAwait();
    }

    @Test
    void withinTheLimitPassesWithHeadersThenOverItIs429() throws Exception {
        var first = harness.sendBody("POST", "/read", "hello");
        assertThat(first.body()).isEqualTo("read 5");
        assertThat(first.headers().firstValue("RateLimit-Limit")).hasValue("2");
        assertThat(first.headers().firstValue("RateLimit-Remaining")).hasValue("1");
        assertThat(harness.sendBody("POST", "/streamed", "abc").body()).isEqualTo("read 3");
        var over = harness.sendBody("POST", "/read", "hello");
        assertThat(over.statusCode()).isEqualTo(429);
        assertThat(over.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(Long.parseLong(over.headers().firstValue("Retry-After").orElseThrow()))
                .isBetween(1L, 60L);
        assertThat(over.body()).contains("over its limit of 2");
        assertThat(REGISTRY.counter("cxbridge.gateway.refused", "status", "429", "reason", "rate-limit")
                        .count())
                .isEqualTo(1.0);
        // Exempt requests take no token.
        assertThat(harness.send("GET", "/q/health", "X-Exempt", "1").body()).isEqualTo(StepHarness.PASSED);
    }

    @Test
    void withRedisAwayTheInstanceKeepsTheClientsLimitItself() throws Exception {
        for (int left = 2; left >= 0; left--) {
            var ok = withoutRedis.sendBody("POST", "/read", "hi");
            assertThat(ok.body()).isEqualTo("read 2");
            assertThat(ok.headers().firstValue("RateLimit-Remaining")).hasValue(String.valueOf(left));
        }
        var over = withoutRedis.sendBody("POST", "/read", "hi");
        assertThat(over.statusCode()).isEqualTo(429);
        assertThat(over.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void requestsWaitingForOneSharedReservationEachGoOnOnTheirOwnContext() throws Exception {
        // The first request of a fresh client reserves a batch from Redis (answered on the Redis client's context);
        // the requests that arrive meanwhile wait for that same reservation. Each must carry on where it arrived:
        // its CDI request scope lives there (RESTEasy Reactive fails the request otherwise).
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<String>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 16; i++) {
                answers.add(pool.submit(() -> shared.send("GET", "/where").body()));
            }
            for (java.util.concurrent.Future<String> a : answers) {
                assertThat(a.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("own");
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
