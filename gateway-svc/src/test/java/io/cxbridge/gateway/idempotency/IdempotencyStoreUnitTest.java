package io.cxbridge.gateway.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The store's records against a real redis-server: written only over the call's own claim or an absent key, for the
 * retention; a record Redis did not take retried in the background, until the clock says {@code record-retry-for}
 * has passed.
 */
class IdempotencyStoreUnitTest {

    private static final String CLIENT = "store-" + UUID.randomUUID();
    private static final String FP = "fp-of-the-call";
    private static final Duration CLAIM = Duration.ofSeconds(15);

    private static Vertx vertx;
    private static Redis client;
    private static RedisAPI redis;

    private final MutableClock clock = MutableClock.startingNow();
    private final String key = UUID.randomUUID().toString();

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

    private IdempotencyStore store(RedisAPI api) {
        GatewayConfig config = TestConfig.gateway(Map.of());
        // the budget on the real Redis: a test's blip is the record's alone
        return new IdempotencyStore(
                api,
                config,
                new InfrastructureRetry(),
                clock,
                new IdempotencyBudget(redis, config, clock, new SimpleMeterRegistry()));
    }

    private static IdempotencyRecord done(String fingerprint, String body) {
        return new IdempotencyRecord(IdempotencyRecord.DONE, fingerprint, 200, Map.of(), body);
    }

    private static <T> T await5s(Uni<T> u) {
        return u.await().atMost(Duration.ofSeconds(5));
    }

    private IdempotencyRecord stored() {
        var r = await5s(redis.get(IdempotencyStore.redisKey(CLIENT, key)));
        return r == null ? null : StoredJson.read(r.toString(), IdempotencyRecord.class, "idempotency record");
    }

    private long pttl() {
        return await5s(redis.pttl(IdempotencyStore.redisKey(CLIENT, key))).toLong();
    }

    private void hold(IdempotencyRecord record) {
        await5s(redis.set(List.of(
                IdempotencyStore.redisKey(CLIENT, key),
                StoredJson.write(record, "idempotency record"),
                "PX",
                String.valueOf(CLAIM.toMillis()))));
    }

    @Test
    void theAnswerReplacesTheCallsOwnClaimAndIsKeptForTheRetention() {
        IdempotencyStore store = store(redis);
        assertThat(await5s(store.claim(CLIENT, key, FP, CLAIM))).isEmpty();

        await5s(store.complete(CLIENT, key, done(FP, "YW5zd2Vy"), "req-own-claim"));

        assertThat(stored()).isEqualTo(done(FP, "YW5zd2Vy"));
        assertThat(pttl())
                .as("the retention, not the claim's")
                .isGreaterThan(Duration.ofHours(23).toMillis());
    }

    @Test
    void aKeyWhoseClaimExpiredTakesTheAnswerAndTheTombstone() {
        IdempotencyStore store = store(redis);
        await5s(store.complete(CLIENT, key, done(FP, "YQ=="), "req-absent"));
        assertThat(stored()).isEqualTo(done(FP, "YQ=="));

        String other = UUID.randomUUID().toString();
        await5s(store.complete(CLIENT, other, IdempotencyRecord.tooLarge(FP, 201), "req-absent-tombstone"));
        var tombstone = await5s(redis.get(IdempotencyStore.redisKey(CLIENT, other)));
        assertThat(StoredJson.read(tombstone.toString(), IdempotencyRecord.class, "idempotency record"))
                .isEqualTo(IdempotencyRecord.tooLarge(FP, 201));
    }

    @Test
    void aNewerRecordIsLeftAlone() {
        IdempotencyStore store = store(redis);
        // another request's claim (the key reused after this call's claim expired)
        hold(IdempotencyRecord.inFlight("fp-of-another-request"));
        await5s(store.complete(CLIENT, key, done(FP, "bGF0ZQ=="), "req-late-1"));
        assertThat(stored()).isEqualTo(IdempotencyRecord.inFlight("fp-of-another-request"));
        assertThat(pttl()).as("its TTL untouched").isLessThanOrEqualTo(CLAIM.toMillis());

        // a completed record: a repeat that ran while this call's claim had expired, and finished first
        hold(done(FP, "bmV3ZXI="));
        await5s(store.complete(CLIENT, key, done(FP, "bGF0ZQ=="), "req-late-2"));
        assertThat(stored()).isEqualTo(done(FP, "bmV3ZXI="));

        // a tombstone and an outcome-unknown of the same request are records too
        hold(IdempotencyRecord.tooLarge(FP, 200));
        await5s(store.complete(CLIENT, key, done(FP, "bGF0ZQ=="), "req-late-3"));
        assertThat(stored()).isEqualTo(IdempotencyRecord.tooLarge(FP, 200));
        hold(IdempotencyRecord.outcomeUnknown(FP));
        await5s(store.complete(CLIENT, key, done(FP, "bGF0ZQ=="), "req-late-4"));
        assertThat(stored()).isEqualTo(IdempotencyRecord.outcomeUnknown(FP));
    }

    @Test
    void aReleaseGivesBackOnlyTheCallsOwnClaim() {
        IdempotencyStore store = store(redis);
        assertThat(await5s(store.claim(CLIENT, key, FP, CLAIM))).isEmpty();
        await5s(store.release(CLIENT, key, FP));
        assertThat(stored()).as("its own claim, given back").isNull();

        // the call's claim expired, a repeat claimed the key, and an earlier call's late write landed over that claim
        // (same request, same fingerprint): a 5xx for the repeat must not delete the answer now kept
        hold(done(FP, "YQ=="));
        await5s(store.release(CLIENT, key, FP));
        assertThat(stored()).isEqualTo(done(FP, "YQ=="));

        // another request's claim, and the records of this one, stay too
        hold(IdempotencyRecord.inFlight("fp-of-another-request"));
        await5s(store.release(CLIENT, key, FP));
        assertThat(stored()).isEqualTo(IdempotencyRecord.inFlight("fp-of-another-request"));
        hold(IdempotencyRecord.outcomeUnknown(FP));
        await5s(store.release(CLIENT, key, FP));
        assertThat(stored()).isEqualTo(IdempotencyRecord.outcomeUnknown(FP));
    }

    @Test
    void aRecordRedisDidNotTakeIsWrittenInTheBackgroundAndTheCallerIsNotHeld() {
        assertThat(await5s(store(redis).claim(CLIENT, key, FP, CLAIM))).isEmpty();
        Failing failing = new Failing(3);

        try (LogCapture logs = LogCapture.start()) {
            // ends after the first attempt, without failing: the client's answer goes out as before
            await5s(store(RedisAPI.newInstance(failing)).complete(CLIENT, key, done(FP, "b25jZQ=="), "req-blip"));
            assertThat(failing.attempts.get()).isGreaterThanOrEqualTo(1);

            await().atMost(Duration.ofSeconds(15))
                    .until(() -> done(FP, "b25jZQ==").equals(stored()));
            assertThat(failing.attempts.get()).as("three failed, then it wrote").isGreaterThanOrEqualTo(4);
            assertThat(pttl()).isGreaterThan(Duration.ofHours(23).toMillis());
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> ours(logs, "written late").size() == 1);
            assertThat(ours(logs, "was not written ("))
                    .as("one WARN for the first failure")
                    .hasSize(1);
            assertThat(ours(logs, "req-blip")).noneMatch(line -> line.contains(key) || line.contains("b25jZQ=="));
        }
    }

    @Test
    void retryingGivesUpOnceRecordRetryForHasPassedByTheClock() throws Exception {
        Failing failing = new Failing(Integer.MAX_VALUE);
        IdempotencyStore store = store(RedisAPI.newInstance(failing));

        try (LogCapture logs = LogCapture.start()) {
            CompletableFuture<Boolean> trying = store.keepTrying(IdempotencyStore.Pending.of(
                            CLIENT, key, done(FP, "bmV2ZXI="), Duration.ofHours(24), "req-gone"))
                    .subscribeAsCompletionStage();
            await().atMost(Duration.ofSeconds(10)).until(() -> failing.attempts.get() >= 2);
            assertThat(trying).isNotDone();

            clock.advance(Duration.ofSeconds(61)); // record-retry-for is 60s by default

            assertThatThrownBy(() -> trying.get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(IdempotencyStore.GaveUp.class);
            List<String> gaveUp = ours(logs, "gave up");
            assertThat(gaveUp).hasSize(1);
            assertThat(gaveUp.get(0)).contains("req-gone").doesNotContain(key).doesNotContain("bmV2ZXI=");
        }
        assertThat(stored()).isNull();
    }

    private static List<String> ours(LogCapture logs, String text) {
        return logs.lines().stream()
                .filter(line -> line.startsWith(IdempotencyStore.class.getName()) && line.contains(text))
                .toList();
    }

    /** Redis as seen through a blip: the first {@code failures} commands fail as a refused connection would. */
    private static final class Failing implements io.vertx.redis.client.RedisAPI {
        private final AtomicInteger failures;
        final AtomicInteger attempts = new AtomicInteger();

        Failing(int failures) {
            this.failures = new AtomicInteger(failures);
        }

        @Override
        public Future<Response> send(Command cmd, String... args) {
            attempts.incrementAndGet();
            if (failures.getAndDecrement() > 0) {
                return Future.failedFuture(new ConnectException("Connection refused (a test's Redis blip)"));
            }
            return redis.getDelegate().send(cmd, args);
        }

        @Override
        public void close() {}
    }
}
