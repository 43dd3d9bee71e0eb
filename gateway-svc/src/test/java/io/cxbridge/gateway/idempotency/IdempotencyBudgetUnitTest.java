package io.cxbridge.gateway.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxbridge.common.messaging.InfrastructureRetry;
import io.cxbridge.common.redis.StoredJson;
import io.cxbridge.gateway.TestConfig;
import io.cxbridge.gateway.audit.LogCapture;
import io.cxbridge.gateway.config.GatewayConfig;
import io.cxbridge.testkit.MutableClock;
import io.cxbridge.testkit.RedisServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Response;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A client's idempotency storage budget against a real redis-server: records counted as they are written, the window
 * summed at claim time, a new key refused (and not left claimed) once the budget is used up, repeats unaffected.
 */
class IdempotencyBudgetUnitTest {

    private static final String FP = "fp-of-the-call";
    private static final Duration CLAIM = Duration.ofSeconds(15);
    private static final long HOUR = Duration.ofHours(1).toMillis();

    private static Vertx vertx;
    private static Redis client;
    private static RedisAPI redis;

    /** Five minutes into an hour: the default window's buckets are the hours. */
    private final MutableClock clock =
            new MutableClock(Instant.ofEpochMilli(Math.floorDiv(System.currentTimeMillis(), HOUR) * HOUR)
                    .plus(Duration.ofMinutes(5)));

    private final String clientId = "budget-" + UUID.randomUUID();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @BeforeAll
    static void connect() {
        vertx = Vertx.vertx();
        client = Redis.createClient(vertx, RedisServer.shared().url());
        redis = RedisAPI.api(client);
    }

    @AfterAll
    static void close() {
        client.close();
        vertx.closeAndAwait();
    }

    private static GatewayConfig config(Map<String, String> overrides) {
        return TestConfig.gateway(overrides);
    }

    private IdempotencyBudget budget(RedisAPI api, GatewayConfig config) {
        return new IdempotencyBudget(api, config, clock, registry);
    }

    private IdempotencyStore store(GatewayConfig config, IdempotencyBudget budget) {
        return new IdempotencyStore(redis, config, new InfrastructureRetry(), clock, budget);
    }

    private static <T> T await5s(Uni<T> u) {
        return u.await().atMost(Duration.ofSeconds(5));
    }

    private static IdempotencyRecord done(String body) {
        return new IdempotencyRecord(IdempotencyRecord.DONE, FP, 200, Map.of(), body);
    }

    private static int size(IdempotencyRecord record) {
        return StoredJson.write(record, "idempotency record").getBytes(StandardCharsets.UTF_8).length;
    }

    private String currentBucket() {
        return IdempotencyBudget.key(clientId, Math.floorDiv(clock.millis(), HOUR));
    }

    private long field(String key, String field) {
        var v = await5s(redis.hget(key, field));
        return v == null ? 0 : v.toLong();
    }

    private IdempotencyRecord stored(String key) {
        var r = await5s(redis.get(IdempotencyStore.redisKey(clientId, key)));
        return r == null ? null : StoredJson.read(r.toString(), IdempotencyRecord.class, "idempotency record");
    }

    @Test
    void aClientIdWithBracesStillGivesEveryBucketOneHashTag() {
        for (String id : List.of("}x", "{y}", "a}b{c", "plain")) {
            String tag = IdempotencyBudget.tag(id);
            assertThat(tag).matches("[0-9a-f]{16}");
            assertThat(IdempotencyBudget.key(id, 1)).startsWith(IdempotencyBudget.KEY_PREFIX + "{" + tag + "}:");
        }
        assertThat(IdempotencyBudget.tag("a")).isNotEqualTo(IdempotencyBudget.tag("b"));
    }

    @Test
    void everyWrittenRecordIsCountedWithItsJsonSizeInTheClientsCurrentBucket() {
        GatewayConfig config = config(Map.of());
        IdempotencyStore store = store(config, budget(redis, config));
        String bucket = currentBucket();
        assertThat(bucket)
                .as("every key of a client carries its hash tag: one Redis Cluster slot")
                .isEqualTo("cxbridge:gateway:idem-usage:{" + IdempotencyBudget.tag(clientId) + "}:"
                        + Math.floorDiv(clock.millis(), HOUR));

        await5s(store.complete(clientId, UUID.randomUUID().toString(), done("YW5zd2Vy"), "req-1"));
        assertThat(field(bucket, "records")).isEqualTo(1);
        assertThat(field(bucket, "bytes")).isEqualTo(size(done("YW5zd2Vy")));
        assertThat(await5s(redis.pttl(bucket)).toLong())
                .as("kept for the retention plus one bucket")
                .isGreaterThan(Duration.ofHours(24).toMillis())
                .isLessThanOrEqualTo(Duration.ofHours(25).toMillis());

        // a tombstone and an outcome-unknown are records too; a released claim is not
        await5s(store.complete(clientId, UUID.randomUUID().toString(), IdempotencyRecord.tooLarge(FP, 201), "req-2"));
        await5s(store.outcomeUnknown(clientId, UUID.randomUUID().toString(), FP, "req-3"));
        String released = UUID.randomUUID().toString();
        assertThat(await5s(store.claim(clientId, released, FP, CLAIM))).isEmpty();
        await5s(store.release(clientId, released, FP));

        assertThat(field(bucket, "records")).isEqualTo(3);
        assertThat(field(bucket, "bytes"))
                .isEqualTo(size(done("YW5zd2Vy"))
                        + size(IdempotencyRecord.tooLarge(FP, 201))
                        + size(IdempotencyRecord.outcomeUnknown(FP)));
    }

    @Test
    void theCheckSumsTheBucketsOfTheWindowAndForgetsThoseThatLeftIt() {
        GatewayConfig config = config(Map.of(
                "cxbridge.gateway.idempotency.max-records-per-client", "3",
                "cxbridge.gateway.idempotency.max-bytes-per-client", "1000"));
        IdempotencyBudget budget = budget(redis, config);

        await5s(budget.add(clientId, 100));
        clock.advance(Duration.ofHours(10));
        await5s(budget.add(clientId, 200));
        UsageWindow.Verdict two = await5s(budget.check(clientId));
        assertThat(two).isEqualTo(new UsageWindow.Verdict(2, 300, false, false, 0));

        clock.advance(Duration.ofHours(10));
        await5s(budget.add(clientId, 300));
        UsageWindow.Verdict three = await5s(budget.check(clientId));
        assertThat(three.records()).isEqualTo(3);
        assertThat(three.recordsUsedUp()).isTrue();
        // the first bucket (5 minutes into its hour, 20 h ago) leaves the window in 5 h minus those 5 minutes
        assertThat(three.retryAfterSeconds())
                .isEqualTo(Duration.ofHours(5).minusMinutes(5).toSeconds());

        clock.advance(Duration.ofHours(5).minusMinutes(5).minusSeconds(1));
        assertThat(await5s(budget.check(clientId)).usedUp())
                .as("one second early")
                .isTrue();
        clock.advance(Duration.ofSeconds(1));
        assertThat(await5s(budget.check(clientId))).isEqualTo(new UsageWindow.Verdict(2, 500, false, false, 0));

        await5s(budget.add(clientId, 600));
        assertThat(await5s(budget.check(clientId)).bytesUsedUp())
                .as("1,100 bytes against 1,000")
                .isTrue();
    }

    @Test
    void aNewKeyOverTheBudgetIsRefusedAndLeftUnclaimedWhileARepeatStillFindsItsRecord() {
        GatewayConfig config = config(Map.of("cxbridge.gateway.idempotency.max-records-per-client", "1"));
        IdempotencyStore store = store(config, budget(redis, config));
        String first = UUID.randomUUID().toString();
        assertThat(await5s(store.claim(clientId, first, FP, CLAIM))).isEmpty();
        await5s(store.complete(clientId, first, done("b25l"), "req-first"));

        String second = UUID.randomUUID().toString();
        assertThatThrownBy(() -> await5s(store.claim(clientId, second, FP, CLAIM)))
                .isInstanceOf(IdempotencyBudget.UsedUp.class)
                .hasMessageContaining("client '" + clientId + "' has used up its idempotency storage budget")
                .hasMessageContaining("1 records of its max-records-per-client 1")
                .hasMessageNotContaining("max-bytes-per-client")
                .satisfies(e -> assertThat(((IdempotencyBudget.UsedUp) e).retryAfterSeconds())
                        .isEqualTo(Duration.ofHours(25).minusMinutes(5).toSeconds()));
        assertThat(stored(second)).as("nothing left claimed").isNull();

        assertThat(await5s(store.claim(clientId, first, FP, CLAIM)))
                .as("the budget gates only new keys")
                .contains(done("b25l"));
    }

    @Test
    void aBudgetReadRedisFailsRefusesANewKeyAsUnavailableClaimingNothingSoItsRepeatGetsTheBudgetsRefusal() {
        GatewayConfig config = config(Map.of("cxbridge.gateway.idempotency.max-records-per-client", "1"));
        await5s(budget(redis, config).add(clientId, 100)); // the client's budget is used up
        String stored = UUID.randomUUID().toString();
        await5s(store(config, budget(redis, config)).complete(clientId, stored, done("c3RvcmVk"), "req-stored"));
        // the real Redis, but the first read of the client's usage fails as a reset connection would
        FailsOnce hiccup = new FailsOnce(io.vertx.redis.client.RedisAPI.api(client.getDelegate()));
        RedisAPI api = RedisAPI.newInstance(hiccup);
        IdempotencyStore store =
                new IdempotencyStore(api, config, new InfrastructureRetry(), clock, budget(api, config));

        String key = UUID.randomUUID().toString();
        assertThatThrownBy(() -> await5s(store.claim(clientId, key, FP, CLAIM)))
                .as("no answer from the budget: a new key is refused as unavailable (503), never run unprotected")
                .isInstanceOf(IdempotencyStore.StoreUnavailable.class);
        assertThat(hiccup.failed)
                .as("the budget read was the command that failed")
                .isTrue();
        assertThat(stored(key)).as("nothing claimed").isNull();
        assertThatThrownBy(() -> await5s(store.claim(clientId, key, FP, CLAIM)))
                .as("its repeat within the call's deadline: the budget's 429, not 409 in flight")
                .isInstanceOf(IdempotencyBudget.UsedUp.class);
        assertThat(stored(key)).isNull();

        // a stored key's repeat needs no budget: with the read failing again it still gets its replay
        hiccup.failed.set(false);
        assertThat(await5s(store.claim(clientId, stored, FP, CLAIM))).contains(done("c3RvcmVk"));
        assertThat(hiccup.failed).isTrue();
    }

    @Test
    void usageCountedUnderOneRetentionIsReadUnderAnother() {
        IdempotencyBudget day = budget(redis, config(Map.of()));
        IdempotencyBudget twoDays = budget(redis, config(Map.of("cxbridge.gateway.idempotency.retention", "48h")));
        IdempotencyBudget tenMinutes = budget(redis, config(Map.of("cxbridge.gateway.idempotency.retention", "10m")));

        await5s(twoDays.add(clientId, 100));
        await5s(day.add(clientId, 200));
        await5s(tenMinutes.add(clientId, 300));

        // a rolling deploy, or a changed retention: every instance reads what every other counted
        assertThat(await5s(day.check(clientId))).isEqualTo(new UsageWindow.Verdict(3, 600, false, false, 0));
        assertThat(await5s(twoDays.check(clientId))).isEqualTo(new UsageWindow.Verdict(3, 600, false, false, 0));
        assertThat(await5s(tenMinutes.check(clientId))).isEqualTo(new UsageWindow.Verdict(3, 600, false, false, 0));
        // one key for all three (hours since the epoch), kept as long as the longest retention that wrote to it needs
        String hour = IdempotencyBudget.key(clientId, Math.floorDiv(clock.millis(), HOUR));
        assertThat(field(hour, "records")).isEqualTo(3);
        assertThat(await5s(redis.pttl(hour)).toLong())
                .as("a shorter retention's write does not shorten the key's life")
                .isGreaterThan(Duration.ofHours(48).toMillis());

        // 30 hours on, the 24 h window has forgotten them, the 48 h one has not
        clock.advance(Duration.ofHours(30));
        assertThat(await5s(day.check(clientId)).records()).isZero();
        assertThat(await5s(twoDays.check(clientId)).records()).isEqualTo(3);
    }

    @Test
    void aBudgetCheckRedisDoesNotAnswerRefusesANewKeyAsUnavailableAndLeavesItUnclaimed() {
        GatewayConfig config = config(Map.of());
        IdempotencyStore store = store(config, budget(RedisAPI.newInstance(new Down()), config));

        String key = UUID.randomUUID().toString();
        assertThatThrownBy(() -> await5s(store.claim(clientId, key, FP, CLAIM)))
                .isInstanceOf(IdempotencyStore.StoreUnavailable.class);
        assertThat(stored(key)).as("nothing left claimed").isNull();

        // a repeat does not need the budget: it still finds its record
        await5s(store.complete(clientId, key, done("cmVwZWF0"), "req-repeat"));
        assertThat(await5s(store.claim(clientId, key, FP, CLAIM))).isEqualTo(Optional.of(done("cmVwZWF0")));
    }

    @Test
    void aCountRedisDoesNotTakeNeverFailsAndIsCountedInTheMetricAndLoggedOnce() {
        IdempotencyBudget budget = budget(RedisAPI.newInstance(new Down()), config(Map.of()));
        try (LogCapture logs = LogCapture.start()) {
            await5s(budget.add(clientId, 100));
            await5s(budget.add(clientId, 100));

            assertThat(registry.get(IdempotencyBudget.FAILURES_METRIC).counter().count())
                    .isEqualTo(2.0);
            assertThat(logs.lines())
                    .filteredOn(line -> line.startsWith(IdempotencyBudget.class.getName()))
                    .as("one WARN for both, naming the client")
                    .singleElement()
                    .asString()
                    .contains("was not counted in its budget")
                    .contains(clientId);
        }
    }

    /** The real Redis, but the first read of a client's usage buckets fails as a reset connection would. */
    private static final class FailsOnce implements io.vertx.redis.client.RedisAPI {
        private final io.vertx.redis.client.RedisAPI real;
        final AtomicBoolean failed = new AtomicBoolean();

        FailsOnce(io.vertx.redis.client.RedisAPI real) {
            this.real = real;
        }

        @Override
        public Future<Response> send(Command cmd, String... args) {
            // usage-read.lua names only usage keys, from the first argument after the key count; usage-add.lua
            // (one key, then two numbers) is not run on a refusal
            boolean usageRead = (cmd == Command.EVALSHA || cmd == Command.EVAL)
                    && args.length > 2
                    && args[2].startsWith(IdempotencyBudget.KEY_PREFIX)
                    && args[args.length - 1].startsWith(IdempotencyBudget.KEY_PREFIX);
            if (usageRead && failed.compareAndSet(false, true)) {
                return Future.failedFuture(new ConnectException("Connection reset (a test's Redis hiccup)"));
            }
            return real.send(cmd, args);
        }

        @Override
        public void close() {}
    }

    /** Redis away: every command fails as a refused connection would. */
    private static final class Down implements io.vertx.redis.client.RedisAPI {
        @Override
        public Future<Response> send(Command cmd, String... args) {
            return Future.failedFuture(new ConnectException("Connection refused (a test's Redis outage)"));
        }

        @Override
        public void close() {}
    }
}
