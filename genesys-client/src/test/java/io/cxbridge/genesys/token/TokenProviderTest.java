package io.cxbridge.genesys.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cxbridge.genesys.FakeGenesys;
import io.cxbridge.genesys.Process;
import io.cxbridge.genesys.SimTestBase;
import io.cxbridge.genesys.TestConfig;
import io.cxbridge.genesys.config.GenesysConfig;
import io.cxbridge.genesys.http.GenesysRequest;
import io.cxbridge.genesys.http.GenesysResponse;
import io.cxbridge.testkit.MutableClock;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class TokenProviderTest extends SimTestBase {

    private static final String QUEUES = "/api/v2/routing/queues";

    @Test
    void threeProcessesOnOneRedisFetchExactlyOneTokenFor300CallsAfterExpiry() {
        // 30 s at the sim, so a slow machine does not see the token expire there before the test's clock moves
        control.config(Map.of("tokenExpiresIn", 30, "rateLimitPerMinute", 0));
        MutableClock clock = MutableClock.startingNow();
        GenesysConfig config = config(Map.of("cxbridge.genesys.rate-limit.enabled", "false"));
        List<Process> processes = List.of(process(config, clock), process(config, clock), process(config, clock));

        processes.forEach(p -> assertThat(call(p).status()).isEqualTo(200));
        assertThat(tokenRequests()).as("one token for the three processes").isEqualTo(1);

        clock.advance(Duration.ofSeconds(30)); // the 30 s token has expired for every process
        List<Uni<GenesysResponse>> calls = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            calls.add(processes.get(i % 3).client.send(GenesysRequest.get(QUEUES)));
        }
        List<GenesysResponse> responses =
                Uni.join().all(calls).andFailFast().await().atMost(Duration.ofSeconds(60));

        assertThat(responses).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
        assertThat(tokenRequests())
                .as("exactly one new token request after expiry")
                .isEqualTo(2);
        String shared = processes.get(0).tokens.token().await().indefinitely();
        processes.forEach(
                p -> assertThat(p.tokens.token().await().indefinitely()).isEqualTo(shared));
    }

    @Test
    void refreshesAheadOfExpiryBySkew() {
        control.config(Map.of("tokenExpiresIn", 100));
        MutableClock clock = MutableClock.startingNow();
        Process p = process(config(Map.of()), clock);
        String first = p.tokens.token().await().indefinitely();

        clock.advance(Duration.ofSeconds(89)); // skew = min(5 min, 10 % of 100 s) = 10 s
        assertThat(p.tokens.token().await().indefinitely()).isEqualTo(first);
        clock.advance(Duration.ofSeconds(2));
        assertThat(p.tokens.token().await().indefinitely()).isNotEqualTo(first);
        assertThat(tokenRequests()).isEqualTo(2);
    }

    @Test
    void a401OnALiveLookingTokenLeadsToOneRefreshAndOneRetriedCall() {
        Process p = process(config(Map.of()), MutableClock.startingNow());
        p.tokens.token().await().indefinitely();
        control.fault(Map.of("method", "GET", "path", QUEUES, "status", 401, "count", 1));

        GenesysResponse r = call(p);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.attempts()).isEqualTo(2);
        assertThat(tokenRequests()).as("the first token and one refresh").isEqualTo(2);
        assertThat(requests("GET", QUEUES, 401)).isEqualTo(1);
        assertThat(requests("GET", QUEUES, 200)).isEqualTo(1);
    }

    @Test
    void twoFreshTokensRefusedInARowEndTheCallWithThe401() {
        Process p = process(config(Map.of()), MutableClock.startingNow());
        control.fault(Map.of("method", "GET", "path", QUEUES, "status", 401));

        GenesysResponse r = call(p);

        // the first token, then a fresh one: a fresh token refused once may have met a revocation, two in a row
        // are the platform refusing the client
        assertThat(r.status()).isEqualTo(401);
        assertThat(requests("GET", QUEUES, 401)).isEqualTo(2);
        assertThat(tokenRequests()).isEqualTo(2);
        assertThat(call(p).status()).isEqualTo(401);
        assertThat(tokenRequests()).as("the next call asks for no token").isEqualTo(2);
    }

    @Test
    void aTokenIsAcceptedOnlyOnAnAnswerUnder500Not401SoA401AfterA503IsAFreshTokenRefusedNotARevocation() {
        Process p = process(
                config(Map.of(
                        "cxbridge.genesys.retry.base-delay", "50ms", "cxbridge.genesys.retry.max-delay", "200ms")),
                MutableClock.startingNow());
        // the first answer a 503 (a proxy in front of the token check may give it), then 401 on every token
        control.fault(Map.of("method", "GET", "path", QUEUES, "status", 503, "count", 1));
        control.fault(Map.of("method", "GET", "path", QUEUES, "status", 401));

        GenesysResponse r = call(p);

        assertThat(r.status()).isEqualTo(401);
        assertThat(requests("GET", QUEUES, 503)).isEqualTo(1);
        // The 503 proved nothing about the first token: its 401 and the next fresh token's are two fresh tokens
        // refused in a row, the hold. Taken as proof, the 503 would make the first 401 a revocation (dropped, counted
        // for nothing) and a third token would be fetched before the hold.
        assertThat(requests("GET", QUEUES, 401)).isEqualTo(2);
        assertThat(tokenRequests()).isEqualTo(2);
        assertThat(call(p).status()).isEqualTo(401);
        assertThat(tokenRequests()).as("held: the next call asks for no token").isEqualTo(2);
    }

    /** The default {@code cxbridge.genesys.token.refused-hold}. */
    private static final Duration REFUSED_HOLD = Duration.ofSeconds(5);

    @Test
    void aPlatformThatRefusesEveryTokenCostsOneTokenRequestPerHoldNotOnePerCall() {
        MutableClock clock = MutableClock.startingNow();
        GenesysConfig config = config(Map.of());
        Process a = process(config, clock);
        Process b = process(config, clock);
        // every token refused, as when the login host and the API base are in different regions
        control.fault(Map.of("method", "GET", "path", QUEUES, "status", 401));

        for (int i = 0; i < 10; i++) {
            assertThat(call(i % 2 == 0 ? a : b).status()).isEqualTo(401);
        }
        assertThat(tokenRequests())
                .as("the first token and one fresh one, then the hold, in every process: no token per call")
                .isEqualTo(2);
        assertThat(requests("GET", QUEUES, 401)).as("each call got the 401").isEqualTo(11);

        clock.advance(REFUSED_HOLD);
        for (int i = 0; i < 10; i++) {
            assertThat(call(i % 2 == 0 ? b : a).status()).isEqualTo(401);
        }
        assertThat(tokenRequests())
                .as("after the hold one new token is tried; refused too, it starts the next hold at once")
                .isEqualTo(3);

        // The platform takes the client again and has revoked the tokens it refused (a rotation at Genesys).
        control.clearFaults();
        assertThat(control.revokeTokens()).isPositive();
        assertThat(call(a).status())
                .as("within the hold: the 401, no token request")
                .isEqualTo(401);
        assertThat(tokenRequests()).isEqualTo(3);

        clock.advance(REFUSED_HOLD);
        GenesysResponse recovered = call(b);
        assertThat(recovered.status())
                .as("the hold over, the refused token is dropped")
                .isEqualTo(200);
        assertThat(recovered.attempts()).isEqualTo(2);
        assertThat(call(a).status()).isEqualTo(200);
        assertThat(tokenRequests()).as("one new token for both processes").isEqualTo(4);
    }

    @Test
    void aProcessWhoseClockIsBehindHoldsNoLongerThanTheHoldAfterItSawIt() {
        MutableClock clockA = MutableClock.startingNow();
        MutableClock clockB = new MutableClock(clockA.instant().minus(Duration.ofMinutes(10)));
        GenesysConfig config = config(Map.of());
        Process a = process(config, clockA);
        Process b = process(config, clockB);
        control.fault(Map.of("method", "GET", "path", QUEUES, "status", 401));
        assertThat(call(a).status()).as("two fresh tokens refused: a's hold").isEqualTo(401);
        assertThat(call(b).status()).as("b honours it").isEqualTo(401);
        assertThat(tokenRequests()).isEqualTo(2);

        control.clearFaults();
        assertThat(control.revokeTokens()).isPositive();
        clockA.advance(REFUSED_HOLD.plusSeconds(1));
        clockB.advance(REFUSED_HOLD.plusSeconds(1));
        assertThat(call(a).status())
                .as("the hold over, a stores a working token")
                .isEqualTo(200);
        assertThat(call(b).status())
                .as("b's clock is 10 min behind a's, which wrote the hold's end: b holds at most one hold")
                .isEqualTo(200);
        assertThat(tokenRequests()).as("one new token for both").isEqualTo(3);
    }

    @Test
    void aClockSteppedBackDuringAHoldHoldsAtMostOneHoldMore() {
        MutableClock clock = MutableClock.startingNow();
        Process p = process(config(Map.of()), clock);
        control.fault(Map.of("method", "GET", "path", QUEUES, "status", 401));
        assertThat(call(p).status()).isEqualTo(401);
        assertThat(tokenRequests()).isEqualTo(2);

        clock.advance(Duration.ofMinutes(-10)); // an NTP step back
        control.clearFaults();
        assertThat(control.revokeTokens()).isPositive();
        assertThat(call(p).status())
                .as("still held: the hold counts from the step")
                .isEqualTo(401);
        clock.advance(REFUSED_HOLD.plusSeconds(1));
        assertThat(call(p).status()).isEqualTo(200);
        assertThat(tokenRequests()).isEqualTo(3);
    }

    /**
     * The key the provider shares its hold under (README: {@code {<key-prefix>:token:<clientId>}:refused}, in the token
     * key's slot).
     */
    private String holdKey() {
        return "{" + tokenKey() + "}:refused";
    }

    private String tokenKey() {
        return keyPrefix + ":token:" + sim.clientId();
    }

    @Test
    void aProcessAboutToDropTheTriedTokenLooksForTheHoldAgainAndAsksForNoToken() throws Exception {
        MutableClock clock = MutableClock.startingNow();
        GenesysConfig config = config(Map.of());
        AtomicBoolean armed = new AtomicBoolean();
        AtomicBoolean holdPending = new AtomicBoolean();
        CompletableFuture<Void> release = new CompletableFuture<>();
        CompletableFuture<Void> landed = new CompletableFuture<>();
        // a's next hold is written only once b has read Redis for its 401 (b saw no hold there), and b goes on
        // only once it has landed: the order in which two processes refused the tried token at once may meet.
        Process a = process(
                config,
                clock,
                api -> new HookedRedis(api, (command, args, send) -> {
                    if (armed.get() && HookedRedis.is(command, args, "set", holdKey())) {
                        holdPending.set(true);
                        return Future.fromCompletionStage(release)
                                .compose(x -> send.get())
                                .onComplete(r -> landed.complete(null));
                    }
                    return send.get();
                }));
        AtomicBoolean bRead = new AtomicBoolean();
        Process b = process(
                config,
                clock,
                api -> new HookedRedis(api, (command, args, send) -> {
                    if (armed.get()
                            && HookedRedis.is(command, args, "mget", holdKey())
                            && bRead.compareAndSet(false, true)) {
                        return send.get().compose(read -> {
                            release.complete(null);
                            return Future.fromCompletionStage(landed).map(x -> read);
                        });
                    }
                    return send.get();
                }));
        control.fault(Map.of("method", "GET", "path", QUEUES, "status", 401));
        assertThat(call(a).status()).isEqualTo(401);
        assertThat(tokenRequests()).isEqualTo(2);

        clock.advance(REFUSED_HOLD);
        armed.set(true);
        CompletableFuture<GenesysResponse> first =
                a.client.send(GenesysRequest.get(QUEUES)).subscribeAsCompletionStage();
        await().atMost(Duration.ofSeconds(20)).untilTrue(holdPending); // a tried one new token, refused too
        assertThat(tokenRequests()).isEqualTo(3);

        GenesysResponse second = call(b);

        assertThat(second.status()).isEqualTo(401);
        assertThat(tokenRequests())
                .as("b read no hold, then a's landed before b dropped the token: b asked for none")
                .isEqualTo(3);
        assertThat(first.get(20, TimeUnit.SECONDS).status()).isEqualTo(401);
        assertThat(call(b).status()).isEqualTo(401);
        assertThat(tokenRequests()).isEqualTo(3);
    }

    @Test
    void aHoldWrittenAfterA401ReadRedisStopsTheDropOfTheToken() {
        MutableClock clock = MutableClock.startingNow();
        AtomicBoolean armed = new AtomicBoolean();
        AtomicBoolean holdWritten = new AtomicBoolean();
        // Another process's hold lands after this 401's read of Redis found none, and before the command that deletes
        // the shared token: the hook writes the hold, then sends that command.
        Process p = process(
                config(Map.of()),
                clock,
                api -> new HookedRedis(api, (command, args, send) -> {
                    if (armed.get() && scriptOn(command, args, tokenKey()) && holdWritten.compareAndSet(false, true)) {
                        String end = String.valueOf(
                                clock.instant().plus(REFUSED_HOLD).toEpochMilli());
                        return api.send(io.vertx.redis.client.Command.SET, holdKey(), end)
                                .compose(x -> send.get());
                    }
                    return send.get();
                }));
        assertThat(call(p).status())
                .as("the token works: a 401 on it is a revocation")
                .isEqualTo(200);
        control.fault(Map.of("method", "GET", "path", QUEUES, "status", 401, "count", 1));
        armed.set(true);

        GenesysResponse r = call(p);

        assertThat(holdWritten).isTrue();
        assertThat(r.status()).as("held: the 401 comes back as it is").isEqualTo(401);
        assertThat(tokenRequests()).as("no token asked for during the hold").isEqualTo(1);
        assertThat(p.redisClient
                        .send(io.vertx.mutiny.redis.client.Request.cmd(io.vertx.mutiny.redis.client.Command.EXISTS)
                                .arg(tokenKey()))
                        .await()
                        .indefinitely()
                        .toInteger())
                .as("the shared token is kept")
                .isEqualTo(1);
    }

    /** Whether {@code command} runs a script ({@code EVALSHA} or {@code EVAL}) whose first key is {@code key}. */
    private static boolean scriptOn(io.vertx.redis.client.Command command, String[] args, String key) {
        String name = command.toString();
        return (name.equalsIgnoreCase("evalsha") || name.equalsIgnoreCase("eval"))
                && args.length > 2
                && args[2].equals(key);
    }

    @Test
    void theHoldKeySharesTheTokenKeysClusterSlot() {
        assertThat(TokenProvider.holdKeyOf("cxbridge:genesys:token:abc"))
                .isEqualTo("{cxbridge:genesys:token:abc}:refused");
        assertThat(TokenProvider.slotName("{cxbridge:genesys:token:abc}:refused"))
                .isEqualTo("cxbridge:genesys:token:abc");
        // a prefix with a tag of its own lends it to every key that starts with it
        assertThat(TokenProvider.holdKeyOf("{cx}:genesys:token:abc")).isEqualTo("{cx}:genesys:token:abc:refused");
        assertThat(TokenProvider.slotName("{cx}:genesys:token:abc:refused")).isEqualTo("cx");
        // "{}" is no tag: the key is hashed whole, and wrapped in braces its tag would stop at the first '}'
        assertThatThrownBy(() -> TokenProvider.holdKeyOf("cx{}:token:abc"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cxbridge.genesys.token.key-prefix");
    }

    @Test
    void noHoldStartsWhileRedisHoldsNoTokenSoNoProcessAsksForOneDuringIt() {
        MutableClock clock = MutableClock.startingNow();
        GenesysConfig config = config(Map.of());
        AtomicBoolean armed = new AtomicBoolean();
        AtomicBoolean stored = new AtomicBoolean();
        AtomicBoolean deleted = new AtomicBoolean();
        // After a stores the token it tries after the hold, the token is gone from Redis before a reads it for the
        // 401: another process got its 401 on it first and dropped it (and is fetching the next).
        Process a = process(
                config,
                clock,
                api -> new HookedRedis(api, (command, args, send) -> {
                    if (armed.get() && HookedRedis.is(command, args, "set", tokenKey())) {
                        stored.set(true);
                    } else if (stored.get()
                            && HookedRedis.is(command, args, "mget", holdKey()) // the 401's read
                            && deleted.compareAndSet(false, true)) {
                        return api.send(io.vertx.redis.client.Command.DEL, tokenKey())
                                .compose(x -> send.get());
                    }
                    return send.get();
                }));
        Process b = process(config, clock);
        control.fault(Map.of("method", "GET", "path", QUEUES, "status", 401));
        assertThat(call(a).status()).isEqualTo(401);
        assertThat(tokenRequests()).isEqualTo(2);

        clock.advance(REFUSED_HOLD);
        armed.set(true);
        assertThat(call(a).status()).isEqualTo(401);
        assertThat(deleted).isTrue();
        long atHold = tokenRequests();

        assertThat(call(b).status()).isEqualTo(401);
        assertThat(tokenRequests())
                .as("the hold started with a token in Redis: b took it and asked for none")
                .isEqualTo(atHold);
    }

    @Test
    void aCallerThatReportsNoAnswerHasARevokedTokenDroppedEveryTime() {
        // fulfillment-svc's result posts use token() and reject() only: its tokens are never seen accepted
        control.config(Map.of("tokenExpiresIn", 3600));
        MutableClock clock = MutableClock.startingNow();
        Process p = process(config(Map.of()), clock);
        String first = p.tokens.token().await().indefinitely();
        p.tokens.reject(first).await().indefinitely();
        String second = p.tokens.token().await().indefinitely();
        assertThat(second).isNotEqualTo(first);

        clock.advance(Duration.ofMinutes(2)); // revoked again a while later: no verdict on the client
        p.tokens.reject(second).await().indefinitely();
        String third = p.tokens.token().await().indefinitely();
        assertThat(third).isNotEqualTo(second);
        // a fresh one refused at once: the refusal before it was minutes ago, not "in a row"
        p.tokens.reject(third).await().indefinitely();
        assertThat(p.tokens.token().await().indefinitely()).isNotEqualTo(third);
        assertThat(tokenRequests()).isEqualTo(4);
    }

    @Test
    void aRefusedHoldOutsideOneSecondToFiveMinutesKeepsTheProcessFromStarting() {
        for (String hold : List.of("0s", "500ms", "6m")) {
            assertThatThrownBy(() -> process(
                            config(Map.of("cxbridge.genesys.token.refused-hold", hold)), MutableClock.startingNow()))
                    .as(hold)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cxbridge.genesys.token.refused-hold");
        }
        assertThat(process(config(Map.of("cxbridge.genesys.token.refused-hold", "1s")), MutableClock.startingNow())
                        .config
                        .token()
                        .refusedHold())
                .isEqualTo(Duration.ofSeconds(1));
        assertThat(process(config(Map.of()), MutableClock.startingNow())
                        .config
                        .token()
                        .refusedHold())
                .isEqualTo(REFUSED_HOLD);
    }

    @Test
    void aFreshTokenRevokedBeforeItsFirstAnswerIsReplacedOnceMore() {
        Process p = process(config(Map.of()), MutableClock.startingNow());
        assertThat(call(p).status()).isEqualTo(200);
        // the working token dies, then the one fetched for the retry dies before any answer proved it
        control.fault(Map.of("method", "GET", "path", QUEUES, "status", 401, "count", 2));

        GenesysResponse r = call(p);

        assertThat(r.status()).isEqualTo(200);
        assertThat(requests("GET", QUEUES, 401)).isEqualTo(2);
        assertThat(tokenRequests()).as("the first token and two replacements").isEqualTo(3);
    }

    @Test
    void aRevokedTokenIsReplacedInEveryProcessThroughRedis() {
        control.config(Map.of("revokeOnRefresh", true));
        MutableClock clock = MutableClock.startingNow();
        GenesysConfig config = config(Map.of());
        Process a = process(config, clock);
        Process b = process(config, clock);
        assertThat(call(a).status()).isEqualTo(200);
        assertThat(call(b).status()).isEqualTo(200);

        // a gets a 401 (as if the token was revoked), drops it and fetches a new one, which revokes the old
        control.fault(Map.of("method", "GET", "path", QUEUES, "status", 401, "count", 1));
        assertThat(call(a).status()).isEqualTo(200);
        // b still holds the revoked token in memory: its 401 makes it read the new shared one, no new fetch
        assertThat(call(b).status()).isEqualTo(200);
        assertThat(tokenRequests()).isEqualTo(2);
    }

    @Test
    void tokensRevokedTwiceASecondApartWhileCallsAreInFlightFailNoCall() {
        // Every token request revokes the client's earlier tokens: the test's own requests are the revocations.
        control.config(Map.of("revokeOnRefresh", true, "rateLimitPerMinute", 0));
        GenesysConfig config = config(Map.of("cxbridge.genesys.rate-limit.enabled", "false"));
        List<Process> processes = List.of(process(config, Clock.systemUTC()), process(config, Clock.systemUTC()));
        processes.forEach(p -> assertThat(call(p).status()).isEqualTo(200));
        // each call stays in flight 300 ms before the sim checks its token
        control.fault(Map.of("method", "GET", "path", QUEUES, "latencyMs", 300));

        List<Uni<GenesysResponse>> calls = new ArrayList<>();
        for (int wave = 0; wave < 5; wave++) {
            for (int i = 0; i < 8; i++) {
                Process p = processes.get(i % 2);
                calls.add(Uni.createFrom()
                        .voidItem()
                        .onItem()
                        .delayIt()
                        .by(Duration.ofMillis(1 + 300L * wave))
                        .onItem()
                        .transformToUni(x -> p.client.send(GenesysRequest.get(QUEUES))));
            }
        }
        var revocations = Uni.join()
                .all(revokeAfter(Duration.ofMillis(150)), revokeAfter(Duration.ofMillis(1150)))
                .andFailFast()
                .subscribeAsCompletionStage(); // starts now, with the calls
        List<GenesysResponse> responses =
                Uni.join().all(calls).andFailFast().await().atMost(Duration.ofSeconds(60));
        assertThat(revocations).succeedsWithin(Duration.ofSeconds(10));

        assertThat(responses).hasSize(40).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
        assertThat(requests("GET", QUEUES, 401))
                .as("the revocations hit calls in flight")
                .isPositive();
        assertThat(requests("GET", QUEUES, 200)).isEqualTo(42);
    }

    private static Uni<Void> revokeAfter(Duration delay) {
        return Uni.createFrom()
                .voidItem()
                .onItem()
                .delayIt()
                .by(delay)
                .onItem()
                .invoke(x -> sim.accessToken())
                .replaceWithVoid();
    }

    @Test
    void theTokenInRedisIsCiphertextAndKeysRotateById() {
        Process first = process(config(Map.of()), MutableClock.startingNow());
        String token = first.tokens.token().await().indefinitely();
        String stored = first.redisClient
                .send(io.vertx.mutiny.redis.client.Request.cmd(io.vertx.mutiny.redis.client.Command.GET)
                        .arg(keyPrefix + ":token:" + sim.clientId()))
                .await()
                .indefinitely()
                .toString();
        assertThat(stored).startsWith("v1:" + TestConfig.DEV_KEY_ID + ":").doesNotContain(token);
        assertThat(java.util.Base64.getUrlDecoder().decode(stored.substring(stored.lastIndexOf(':') + 1)))
                .asString(java.nio.charset.StandardCharsets.ISO_8859_1)
                .doesNotContain(token)
                .doesNotContain("expiresAt");

        // rotation: a process whose current key is new still opens the value sealed with the old one
        Process rotated = process(
                config(Map.of(
                        "cxbridge.genesys.token-encryption.current-key-id",
                        "k2",
                        "cxbridge.genesys.token-encryption.keys",
                        TestConfig.DEV_KEY_ID + "=" + TestConfig.DEV_KEY + ",k2=" + K2)),
                MutableClock.startingNow());
        assertThat(rotated.tokens.token().await().indefinitely()).isEqualTo(token);
        assertThat(tokenRequests()).isEqualTo(1);

        // a process without the old key cannot read it: it fetches a token of its own instead of failing
        Process newKeyOnly = process(
                config(Map.of(
                        "cxbridge.genesys.token-encryption.current-key-id",
                        "k2",
                        "cxbridge.genesys.token-encryption.keys",
                        "k2=" + K2)),
                MutableClock.startingNow());
        assertThat(call(newKeyOnly).status()).isEqualTo(200);
        assertThat(tokenRequests()).isEqualTo(2);
    }

    @Test
    void aProcessWithoutTheKeySetDoesNotStart() {
        assertThatThrownBy(() -> process(
                        config(Map.of("cxbridge.genesys.token-encryption.current-key-id", "")),
                        MutableClock.startingNow()))
                .hasMessageContaining("cxbridge.genesys.token-encryption.current-key-id");
        assertThatThrownBy(() -> process(
                        config(Map.of("cxbridge.genesys.token-encryption.keys", "nokey")), MutableClock.startingNow()))
                .hasMessageContaining("cxbridge.genesys.token-encryption.keys");
    }

    private static final String K2 = "3gdDvV1UxLbSkQoKEDzBan/3aXwcSMlO0eVY0SbiZ40=";

    @Test
    void withoutRedisTheProcessKeepsItsOwnTokenAndCountsTheFallback() {
        Process p = process(config(Map.of()), MutableClock.startingNow());
        redis.stop();
        try {
            assertThat(call(p).status()).isEqualTo(200);
            assertThat(call(p).status()).isEqualTo(200);
            assertThat(tokenRequests()).isEqualTo(1);
            assertThat(p.counter("cxbridge.genesys.token.redis.fallback")).isGreaterThanOrEqualTo(1);
        } finally {
            redis.start();
        }
    }

    @Test
    void badCredentialsFailClearlyAndNeverShowTheSecret() {
        Process p = process(
                config(Map.of("cxbridge.genesys.client-secret", "wrong-secret-value")), MutableClock.startingNow());
        assertThatThrownBy(() -> p.tokens.token().await().atMost(Duration.ofSeconds(10)))
                .isInstanceOf(TokenException.class)
                .hasMessageContaining("401")
                .hasMessageContaining("client-secret")
                .hasMessageNotContaining("wrong-secret-value");
        assertThat(p.counter("cxbridge.genesys.token.requests", "outcome", "failed"))
                .isEqualTo(1);
    }

    // --- the login host's answer: lifetime, size, failures, lease (FakeGenesys: answers the sim will not give)
    // --------

    @Test
    void anAbsurdExpiresInIsCutTo48HoursAndTheTokenIsStoredAndUsed() throws Exception {
        try (FakeGenesys login = new FakeGenesys()) {
            login.token = req -> login.tokenAnswer(req, "10000000000000000");
            Process p =
                    process(config(Map.of("cxbridge.genesys.base-url", login.baseUrl())), MutableClock.startingNow());

            String token = p.tokens.token().await().atMost(Duration.ofSeconds(10));
            assertThat(p.tokens.token().await().atMost(Duration.ofSeconds(10))).isEqualTo(token);
            assertThat(login.tokenRequests).hasValue(1);
            long ttlMs = p.redisClient
                    .send(Request.cmd(Command.PTTL).arg(keyPrefix + ":token:" + sim.clientId()))
                    .await()
                    .indefinitely()
                    .toLong();
            assertThat(ttlMs)
                    .as("stored for the platform's longest lifetime, 48 h")
                    .isBetween(
                            Duration.ofHours(47).toMillis(),
                            Duration.ofHours(48).toMillis());
        }
    }

    @Test
    void anAbsurdExpiresInWithoutRedisKeepsALocalTokenThatWorks() throws Exception {
        try (FakeGenesys login = new FakeGenesys()) {
            login.token = req -> login.tokenAnswer(req, "10000000000000000");
            Process p =
                    process(config(Map.of("cxbridge.genesys.base-url", login.baseUrl())), MutableClock.startingNow());
            redis.stop();
            try {
                String token = p.tokens.token().await().atMost(Duration.ofSeconds(10));
                assertThat(p.tokens.token().await().atMost(Duration.ofSeconds(10)))
                        .isEqualTo(token);
                assertThat(login.tokenRequests).hasValue(1);
            } finally {
                redis.start();
            }
        }
    }

    @Test
    void anExpiresInBelowOneSecondIsRefusedAndNoTokenIsKept() throws Exception {
        try (FakeGenesys login = new FakeGenesys()) {
            login.token = req -> login.tokenAnswer(req, 0.5);
            MutableClock clock = MutableClock.startingNow();
            Process p = process(config(Map.of("cxbridge.genesys.base-url", login.baseUrl())), clock);

            assertThatThrownBy(() -> p.tokens.token().await().atMost(Duration.ofSeconds(10)))
                    .isInstanceOf(TokenException.class)
                    .hasMessageContaining("expires_in 0.5 s");
            clock.advance(Duration.ofSeconds(2));
            assertThatThrownBy(() -> p.tokens.token().await().atMost(Duration.ofSeconds(10)))
                    .isInstanceOf(TokenException.class);
            assertThat(login.tokenRequests).as("nothing was kept: asked again").hasValue(2);
        }
    }

    @Test
    void aTokenAnswerLargerThan64KiBIsRefused() throws Exception {
        String padding = "a".repeat(100 * 1024);
        String answer = "{\"access_token\":\"big\",\"expires_in\":3600,\"pad\":\"" + padding + "\"}";
        try (FakeGenesys login = new FakeGenesys()) {
            MutableClock clock = MutableClock.startingNow();
            Process p = process(config(Map.of("cxbridge.genesys.base-url", login.baseUrl())), clock);

            login.token = req ->
                    req.response().putHeader("Content-Type", "application/json").end(answer);
            assertThatThrownBy(() -> p.tokens.token().await().atMost(Duration.ofSeconds(10)))
                    .as("refused on its Content-Length")
                    .isInstanceOf(TokenException.class)
                    .hasMessageContaining("larger than 65536 bytes");

            clock.advance(Duration.ofSeconds(2));
            login.token = req -> {
                req.response().setChunked(true).putHeader("Content-Type", "application/json");
                for (int i = 0; i < answer.length(); i += 8192) {
                    req.response().write(answer.substring(i, Math.min(answer.length(), i + 8192)));
                }
                req.response().end();
            };
            assertThatThrownBy(() -> p.tokens.token().await().atMost(Duration.ofSeconds(10)))
                    .as("a chunked answer: refused once past the bound")
                    .isInstanceOf(TokenException.class)
                    .hasMessageContaining("larger than 65536 bytes");
        }
    }

    @Test
    void aFailedTokenRequestHoldsTheNextOnesForASecond() throws Exception {
        try (FakeGenesys login = new FakeGenesys()) {
            login.token = req -> req.response().setStatusCode(503).end();
            MutableClock clock = MutableClock.startingNow();
            Process p = process(config(Map.of("cxbridge.genesys.base-url", login.baseUrl())), clock);

            assertThatThrownBy(() -> p.tokens.token().await().atMost(Duration.ofSeconds(10)))
                    .isInstanceOf(TokenException.class)
                    .hasMessageContaining("503");
            assertThatThrownBy(() -> p.tokens.token().await().atMost(Duration.ofSeconds(10)))
                    .as("fails at once with the last error")
                    .isInstanceOf(TokenException.class)
                    .hasMessageContaining("503");
            assertThat(login.tokenRequests)
                    .as("the failing login host is not asked again at once")
                    .hasValue(1);

            login.token = req -> login.tokenAnswer(req, 3600);
            clock.advance(Duration.ofSeconds(1));
            assertThat(p.tokens.token().await().atMost(Duration.ofSeconds(10))).startsWith("fake-token-");
            assertThat(login.tokenRequests).hasValue(2);
        }
    }

    @Test
    void aLockLeaseNotLongerThanTheRequestTimeoutPlusTwoSecondsIsRefused() {
        assertThatThrownBy(() ->
                        process(config(Map.of("cxbridge.genesys.token.lock-lease", "10s")), MutableClock.startingNow()))
                .hasMessageContaining("cxbridge.genesys.token.lock-lease")
                .hasMessageContaining("request-timeout");
        assertThatThrownBy(() -> process(
                        config(Map.of(
                                "cxbridge.genesys.token.lock-lease",
                                "7s",
                                "cxbridge.genesys.token.request-timeout",
                                "5s")),
                        MutableClock.startingNow()))
                .hasMessageContaining("lock-lease");
        Process defaults = process(config(Map.of()), MutableClock.startingNow());
        assertThat(defaults.config.token().lockLease())
                .isGreaterThan(defaults.config.token().requestTimeout().plusSeconds(2));
    }

    private static GenesysResponse call(Process p) {
        return p.client.send(GenesysRequest.get(QUEUES)).await().atMost(Duration.ofSeconds(30));
    }
}
