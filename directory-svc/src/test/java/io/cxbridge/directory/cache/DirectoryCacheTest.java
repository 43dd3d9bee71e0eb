package io.cxbridge.directory.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cxbridge.directory.cache.DirectoryCache.Read;
import io.cxbridge.directory.cache.DirectoryCache.Source;
import io.cxbridge.directory.consistency.ConsistencyBudget;
import io.cxbridge.directory.consistency.ConsistencyChecker;
import io.cxbridge.directory.entry.DirectoryEntry;
import io.cxbridge.directory.entry.InvalidDirectoryException;
import io.cxbridge.directory.metrics.CacheMetrics;
import io.cxbridge.directory.ttl.TtlMatrix;
import io.cxbridge.genesys.http.GenesysClient;
import io.cxbridge.model.event.DirectoryInvalidation;
import io.cxbridge.model.event.Ids;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.MutableClock;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.RedisServer;
import io.cxbridge.testkit.sim.GenesysSimResource;
import io.cxbridge.testkit.sim.SimControl;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.RedisAPI;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The cache as plain classes: two {@link DirectoryCache}s on the test's real Redis are two replicas, each with
 * its own moved clock; Genesys is the real genesys-sim.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
class DirectoryCacheTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    GenesysClient genesys;

    @Inject
    RedisAPI redis;

    @Inject
    io.cxbridge.genesys.redaction.Redactor redactor;

    @Inject
    io.vertx.mutiny.redis.client.Redis redisClient;

    @Inject
    io.vertx.mutiny.core.Vertx vertx;

    final TestReplicas replicas = new TestReplicas();

    SimControl sim;
    MutableClock clock;
    String prefix;
    List<CachedDirectory[]> loads;

    @BeforeEach
    void setUp() {
        sim = TestReplicas.freshSim();
        loads = new CopyOnWriteArrayList<>();
        clock = MutableClock.startingNow();
        prefix = "test-" + UUID.randomUUID();
    }

    @AfterEach
    void clearFaults() {
        replicas.closeAll();
        sim.clearFaults();
    }

    private CacheSettings settings(int ttlSeconds, int maxDirectories) {
        return TestReplicas.settings(prefix, ttlSeconds, maxDirectories);
    }

    private DirectoryCache replica(CacheSettings settings) {
        return replica(settings, replicas.signals(redisClient, redis, settings.keyPrefix()));
    }

    private DirectoryCache replica(CacheSettings settings, LoadSignals signals) {
        return new DirectoryCache(
                settings,
                redis,
                new DirectoryFetcher(genesys, settings, redactor),
                clock,
                (previous, loaded) -> loads.add(new CachedDirectory[] {previous, loaded}),
                new SimpleMeterRegistry(),
                signals);
    }

    private DirectoryCache replica() {
        return replica(settings(300, 100));
    }

    private long fetches(String id) {
        // 200s only: the first call after sim.reset() meets a 401 (the sim forgot the token) and is sent again
        return sim.stats().requests("GET", "/api/v2/routing/directories/" + id + "/entries", 200);
    }

    private static Read read(DirectoryCache cache, String id) {
        return cache.read(id).await().atMost(WAIT);
    }

    private static String newId() {
        return "dir_" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String simEntryId(String directoryId, int n) {
        return UUID.nameUUIDFromBytes((directoryId + "/" + n).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    @Test
    void firstReadIsAMissWithEveryEntryOfSixPagesInOrderThenHitL1AndTheOtherReplicaHitsL2() {
        sim.config(Map.of("directorySize", 1300));
        DirectoryCache a = replica();
        DirectoryCache b = replica();
        String id = newId();

        Read first = read(a, id);
        assertThat(first.source()).isEqualTo(Source.MISS);
        List<DirectoryEntry> entries = first.directory().entries();
        assertThat(entries).hasSize(1300);
        for (int i = 0; i < 1300; i++) {
            assertThat(entries.get(i).id()).isEqualTo(simEntryId(id, i + 1));
            assertThat(entries.get(i).name()).isEqualTo("Contact " + (i + 1) + " v1");
        }
        assertThat(entries.get(0).customAttributes().get("department")).isNotNull();
        assertThat(fetches(id))
                .as("one paged fetch: 1,300 entries at 250 a page")
                .isEqualTo(6);

        assertThat(read(a, id).source()).isEqualTo(Source.HIT_L1);
        Read other = read(b, id);
        assertThat(other.source()).isEqualTo(Source.HIT_L2);
        assertThat(other.directory().entries()).isEqualTo(entries);
        assertThat(other.directory().contentHash()).isEqualTo(first.directory().contentHash());
        assertThat(read(b, id).source()).isEqualTo(Source.HIT_L1);
        assertThat(fetches(id)).isEqualTo(6);

        CacheMetrics.Snapshot ma = a.metrics();
        assertThat(ma.misses()).isEqualTo(1);
        assertThat(ma.hitsL1()).isEqualTo(1);
        assertThat(ma.hitsL2()).isZero();
        assertThat(ma.hitRatio()).isEqualTo(0.5);
        assertThat(ma.loads()).isEqualTo(1);
        assertThat(ma.size()).isEqualTo(1);
        CacheMetrics.Snapshot mb = b.metrics();
        assertThat(mb.hitsL2()).isEqualTo(1);
        assertThat(mb.hitsL1()).isEqualTo(1);
        assertThat(mb.misses()).isZero();
        assertThat(mb.loads()).isZero();
        assertThat(mb.hitRatio()).isEqualTo(1.0);
        assertThat(loads).as("only the replica that fetched reports a load").hasSize(1);
    }

    @Test
    void fiveHundredConcurrentFirstReadsAcrossTwoReplicasMakeOnePagedFetch() {
        sim.config(Map.of("directorySize", 300));
        // a slow first page keeps every reader in the same flight
        sim.fault(Map.of("path", "/api/v2/routing/directories/**", "latencyMs", 300, "count", 1));
        DirectoryCache a = replica();
        DirectoryCache b = replica();
        String id = newId();

        List<Uni<Read>> reads = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            reads.add((i % 2 == 0 ? a : b).read(id));
        }
        List<Read> results = Uni.join().all(reads).andFailFast().await().atMost(WAIT);

        assertThat(results)
                .hasSize(500)
                .allSatisfy(r -> assertThat(r.directory().entries()).hasSize(300));
        assertThat(results.stream().map(r -> r.directory().contentHash()).distinct())
                .hasSize(1);
        assertThat(fetches(id)).as("two pages of 250, fetched once").isEqualTo(2);
        assertThat(loads).hasSize(1);
    }

    @Test
    void pastTheTtlTheReadIsStaleAtOnceWhileOneRefreshRunsAndAFailingRefreshEndsAtTheStaleBound() {
        sim.config(Map.of("directorySize", 5));
        DirectoryCache a = replica(settings(60, 100));
        String id = newId();
        CachedDirectory original = read(a, id).directory();
        assertThat(fetches(id)).isEqualTo(1);

        clock.advance(Duration.ofSeconds(61));
        sim.fault(Map.of("path", "/api/v2/routing/directories/" + id + "/entries", "latencyMs", 500, "count", 1));
        for (int i = 0; i < 20; i++) {
            Read r = a.read(id).await().atMost(Duration.ofMillis(400));
            assertThat(r.source()).isEqualTo(Source.STALE);
            assertThat(r.directory()).isSameAs(original);
        }
        await().atMost(WAIT).until(() -> read(a, id).source() == Source.HIT_L1);
        assertThat(fetches(id)).as("twenty stale reads, one refresh").isEqualTo(2);
        assertThat(a.peek(id).loadedAt()).isAfter(original.loadedAt());

        // the refresh fails: stale is served up to one more TTL, then the read fails (503 at the API)
        clock.advance(Duration.ofSeconds(61));
        sim.fault(Map.of("path", "/api/v2/routing/directories/" + id + "/entries", "status", 500));
        assertThat(read(a, id).source()).isEqualTo(Source.STALE);
        await().atMost(WAIT).until(() -> a.metrics().loadFailures() >= 1);
        clock.advance(Duration.ofSeconds(58));
        assertThat(read(a, id).source()).isEqualTo(Source.STALE);
        clock.advance(Duration.ofSeconds(2));
        assertThatThrownBy(() -> read(a, id))
                .isInstanceOf(DirectoryUnavailableException.class)
                .hasMessageContaining("500");

        sim.clearFaults();
        assertThat(read(a, id).source()).isEqualTo(Source.MISS);
    }

    @Test
    void theWholeAnswerIsWrittenOncePerFillCountedInTheByteBoundAndWrittenAgainAfterARefreshAndAnInvalidation()
            throws Exception {
        sim.config(Map.of("directorySize", 5));
        DirectoryCache a = replica(settings(60, 100));
        String id = newId();
        Read miss = read(a, id);
        Read hit = read(a, id);
        assertThat(hit.source()).isEqualTo(Source.HIT_L1);
        assertThat(hit.answer())
                .as("an L1 hit copies the bytes kept at the fill")
                .isSameAs(miss.answer());
        assertThat(hit.answer())
                .isEqualTo(io.cxbridge.model.Json.mapper()
                        .writeValueAsBytes(DirectoryAnswer.of(
                                hit.directory(), hit.directory().entries())));
        assertThat(a.bytes())
                .as("the byte bound counts the answer")
                .isEqualTo(Footprint.of(hit.directory()) + hit.answer().length);
        assertThat(new String(hit.answer(), StandardCharsets.UTF_8)).contains("Contact 1 v1");

        // past the TTL a refresh loads the changed content: the kept answer is the new one
        sim.touchDirectory(id);
        clock.advance(Duration.ofSeconds(61));
        assertThat(read(a, id).source()).isEqualTo(Source.STALE);
        await().atMost(WAIT).until(() -> read(a, id).source() == Source.HIT_L1);
        byte[] refreshed = read(a, id).answer();
        assertThat(new String(refreshed, StandardCharsets.UTF_8))
                .contains("Contact 1 v2")
                .doesNotContain("Contact 1 v1");

        // an invalidation drops it with the directory; the next fill writes it again
        sim.touchDirectory(id);
        clock.advance(Duration.ofSeconds(1));
        a.invalidate(new DirectoryInvalidation(id, "test", clock.instant(), "test", Ids.newTraceId()))
                .await()
                .atMost(WAIT);
        assertThat(a.bytes()).isZero();
        clock.advance(Duration.ofSeconds(1));
        Read again = read(a, id);
        assertThat(again.source()).isEqualTo(Source.MISS);
        assertThat(new String(read(a, id).answer(), StandardCharsets.UTF_8)).contains("Contact 1 v3");
    }

    @Test
    void anInvalidationEmptiesBothLevelsOfEveryReplicaAndItsEchoKeepsTheFreshEntry() {
        sim.config(Map.of("directorySize", 3));
        DirectoryCache a = replica();
        DirectoryCache b = replica();
        String id = newId();
        read(a, id);
        assertThat(read(b, id).source()).isEqualTo(Source.HIT_L2);

        clock.advance(Duration.ofSeconds(1));
        DirectoryInvalidation inv = new DirectoryInvalidation(id, "test", clock.instant(), "test", Ids.newTraceId());
        a.invalidate(inv).await().atMost(WAIT); // DELETE on replica a
        b.invalidate(inv).await().atMost(WAIT); // the record reaches replica b
        clock.advance(Duration.ofSeconds(1));

        sim.fault(Map.of("path", "/api/v2/routing/directories/" + id + "/entries", "latencyMs", 300, "count", 1));
        List<Read> next =
                Uni.join().all(a.read(id), b.read(id)).andFailFast().await().atMost(WAIT);
        assertThat(next).extracting(Read::source).containsExactly(Source.MISS, Source.MISS);
        assertThat(fetches(id)).isEqualTo(2);

        // the echo of the invalidation (and a late copy on b) reach both replicas after the reload
        a.invalidate(inv).await().atMost(WAIT);
        b.invalidate(inv).await().atMost(WAIT);
        assertThat(read(a, id).source()).isEqualTo(Source.HIT_L1);
        assertThat(read(b, id).source()).isEqualTo(Source.HIT_L1);
        DirectoryCache c = replica();
        assertThat(read(c, id).source()).as("the Redis copy survived the echo").isEqualTo(Source.HIT_L2);
        assertThat(fetches(id)).isEqualTo(2);
    }

    /**
     * A Redis copy that parses but lacks a field a read needs (e.g. written by an older version), or names another
     * directory, is a miss and is loaded again: before, a missing {@code loadedAt} failed every read (503) and a
     * missing {@code lastModified} was served (HIT-L2) and failed at the API, until the value expired.
     */
    @Test
    void aRedisCopyWithoutTheFieldsAReadNeedsOrOfAnotherDirectoryIsAMissNotAFailure() {
        sim.config(Map.of("directorySize", 2));
        DirectoryCache a = replica();
        long now = clock.instant().toEpochMilli();
        String loadedAt = "\"loadedAt\":\"" + clock.instant() + "\"";
        String lastModified = "\"lastModified\":\"" + clock.instant() + "\"";
        Map<String, String> directories = Map.of(
                "no loadedAt, no lastModified", "\"entries\":[],\"contentHash\":\"sha256:x\",\"ttlSeconds\":300",
                "no lastModified", "\"entries\":[]," + loadedAt + ",\"contentHash\":\"sha256:x\",\"ttlSeconds\":300",
                "no contentHash", "\"entries\":[]," + loadedAt + "," + lastModified + ",\"ttlSeconds\":300");
        directories.forEach((what, fields) -> {
            String id = newId();
            storeRaw(id, "{\"loadedAtMs\":" + now + ",\"directory\":{\"directoryId\":\"" + id + "\"," + fields + "}}");
            Read r = read(a, id);
            assertThat(r.source()).as(what).isEqualTo(Source.MISS);
            assertThat(r.directory().entries()).as(what).hasSize(2);
            assertThat(r.directory().lastModified()).as(what).isNotNull();
            assertThat(fetches(id)).as(what).isEqualTo(1);
        });

        // a whole copy, but of another directory
        String other = newId();
        CachedDirectory otherCopy = read(a, other).directory();
        String id = newId();
        storeRaw(
                id,
                redis.get(prefix + ":entries:{" + other + "}")
                        .await()
                        .atMost(WAIT)
                        .toString());
        Read r = read(a, id);
        assertThat(r.source()).isEqualTo(Source.MISS);
        assertThat(r.directory().directoryId()).isEqualTo(id);
        assertThat(r.directory().contentHash()).isNotEqualTo(otherCopy.contentHash());
    }

    /** Writes a value straight into a directory's Redis entry key, as another (older) version would. */
    private void storeRaw(String id, String value) {
        redis.set(List.of(prefix + ":entries:{" + id + "}", value, "EX", "600"))
                .await()
                .atMost(WAIT);
    }

    /**
     * A Redis copy stored by a replica with a larger {@code max-bytes} than this one's whole bound is served but not
     * kept in-process: before, L1 took it, evicted everything else and stayed over its bound.
     */
    @Test
    void aRedisCopyLargerThanThisReplicasByteBoundIsServedButNotKeptInProcess() {
        long bound = 256 * 1024;
        DirectoryCache large = replica(settings(300, 100));
        DirectoryCache small = replica(settings(300, 100).withMaxBytes(bound));
        String held = newId();
        String big = newId();
        sim.config(Map.of("directorySize", 2));
        assertThat(read(small, held).source()).isEqualTo(Source.MISS);
        sim.config(Map.of("directorySize", 1300));
        CachedDirectory loaded = read(large, big).directory();
        assertThat(large.bytes()).as("more than the small replica's bound").isGreaterThan(bound);

        for (int i = 0; i < 2; i++) {
            Read r = read(small, big);
            assertThat(r.source()).as("read " + i).isEqualTo(Source.HIT_L2);
            assertThat(r.directory().entries()).hasSize(1300);
            assertThat(r.directory().contentHash()).isEqualTo(loaded.contentHash());
            assertThat(small.cachedIds()).as("not kept; what it held stays").containsExactly(held);
            assertThat(small.bytes()).isLessThanOrEqualTo(bound);
        }
        // past its TTL the Redis copy is served STALE by the small replica, still without keeping it
        sim.fault(Map.of("path", "/api/v2/routing/directories/**", "status", 500));
        clock.advance(Duration.ofSeconds(301));
        assertThat(read(small, big).source()).isEqualTo(Source.STALE);
        assertThat(small.cachedIds()).containsExactly(held);
        assertThat(small.bytes()).isLessThanOrEqualTo(bound);
        assertThat(fetches(big))
                .as("read from Genesys once, by the large replica")
                .isEqualTo(6);
    }

    @Test
    void atMostTheBoundIsCachedAndTheLeastRecentlyUsedGoes() {
        sim.config(Map.of("directorySize", 1));
        DirectoryCache a = replica(settings(300, 100));
        String run = UUID.randomUUID().toString().substring(0, 6);
        for (int i = 0; i < 100; i++) {
            read(a, "lru_" + run + "_" + i);
        }
        assertThat(read(a, "lru_" + run + "_0").source())
                .as("used again: now the most recent")
                .isEqualTo(Source.HIT_L1);
        for (int i = 100; i < 150; i++) {
            read(a, "lru_" + run + "_" + i);
            assertThat(a.size()).isLessThanOrEqualTo(100);
        }
        assertThat(a.size()).isEqualTo(100);
        assertThat(a.peek("lru_" + run + "_0")).isNotNull();
        for (int i = 1; i <= 50; i++) {
            assertThat(a.peek("lru_" + run + "_" + i)).as("directory " + i).isNull();
        }
        for (int i = 51; i < 150; i++) {
            assertThat(a.peek("lru_" + run + "_" + i)).as("directory " + i).isNotNull();
        }
    }

    @Test
    void aDirectoryLargerThanTheBoundIsRefusedAndNothingIsCached() {
        sim.config(Map.of("directorySize", 30));
        CacheSettings small = settings(300, 100).withMaxEntries(20);
        DirectoryCache a = replica(small);
        String id = newId();
        assertThatThrownBy(() -> read(a, id))
                .isInstanceOf(InvalidDirectoryException.class)
                .hasMessageContaining("30 entries")
                .hasMessageContaining("20");
        assertThat(a.size()).isZero();
        assertThat(replica(small).metrics().size()).isZero();
        assertThat(loads).isEmpty();
    }

    private ConsistencyChecker checker(DirectoryCache cache, int calls, AtomicInteger mismatches) {
        return checker(cache, calls, mismatches, new SimpleMeterRegistry());
    }

    private ConsistencyChecker checker(
            DirectoryCache cache, int calls, AtomicInteger mismatches, SimpleMeterRegistry registry) {
        return new ConsistencyChecker(
                cache,
                new DirectoryFetcher(genesys, cache.settings(), redactor),
                new ConsistencyBudget(redis, prefix, calls, Duration.ofSeconds(10), clock),
                clock,
                (cached, loaded) -> mismatches.incrementAndGet(),
                registry);
    }

    /** "Another replica" takes the load lock of {@code id}: a load on this one waits for it. */
    private void holdTheLoadLock(String id) {
        redis.set(List.of(prefix + ":lock:" + id, "other-replica", "PX", "60000"))
                .await()
                .atMost(WAIT);
    }

    /** That replica lets go without storing anything and announces it until {@code waiting} is done. */
    private void giveUpTheLoadLock(String id, java.util.concurrent.CompletionStage<?> waiting) {
        redis.del(List.of(prefix + ":lock:" + id)).await().atMost(WAIT);
        await().atMost(WAIT).until(() -> {
            redis.publish(prefix + ":loaded", id).await().atMost(WAIT);
            return waiting.toCompletableFuture().isDone();
        });
    }

    /**
     * A consistency re-read that began before a DELETE and reached Genesys after it keeps nothing: it counts as loaded
     * when the check began. Before, it counted from its fetch and refilled both levels right after the DELETE had
     * emptied them (DirectoryApiTest saw HIT-L1 right after a DELETE in CI). Here another replica's load lock holds
     * the re-read between its start and its fetch while the DELETE comes in.
     */
    @Test
    void aRecheckThatBeganBeforeAnInvalidationKeepsNothingOfIt() {
        sim.config(Map.of("directorySize", 3));
        DirectoryCache a = replica();
        String id = newId();
        read(a, id);
        CachedDirectory held = a.peek(id);
        holdTheLoadLock(id);

        clock.advance(Duration.ofSeconds(1));
        var recheck = a.recheck(id, held).subscribeAsCompletionStage();
        clock.advance(Duration.ofSeconds(1));
        a.invalidate(new DirectoryInvalidation(id, "test", clock.instant(), "test", Ids.newTraceId()))
                .await()
                .atMost(WAIT);
        assertThat(a.peek(id)).isNull();
        clock.advance(Duration.ofSeconds(1));

        // the other replica gives up its lock without storing: the re-read takes the lock and reads Genesys now
        giveUpTheLoadLock(id, recheck);
        assertThat(recheck.toCompletableFuture().join())
                .as("it did read Genesys")
                .isNotNull();
        assertThat(fetches(id)).isEqualTo(2);
        assertThat(a.peek(id)).as("nothing in L1").isNull();
        assertThat(redis.get(prefix + ":entries:{" + id + "}").await().atMost(WAIT))
                .as("nothing in Redis")
                .isNull();
        assertThat(read(a, id).source()).isEqualTo(Source.MISS);
    }

    /**
     * A re-read that waited for another replica's load lock, with no invalidation meanwhile, counts from its own fetch:
     * counted from when its check began, a wait longer than the TTL stored a copy already expired (STALE at the next
     * read, and another Genesys load).
     */
    @Test
    void aRecheckThatWaitedForTheLockCountsItsTtlFromItsFetch() {
        sim.config(Map.of("directorySize", 3));
        DirectoryCache a = replica(settings(30, 100));
        String id = newId();
        read(a, id);
        CachedDirectory held = a.peek(id);
        holdTheLoadLock(id);

        var recheck = a.recheck(id, held).subscribeAsCompletionStage();
        clock.advance(Duration.ofSeconds(40));
        giveUpTheLoadLock(id, recheck);
        CachedDirectory reread = recheck.toCompletableFuture().join();
        assertThat(reread.loadedAt()).isEqualTo(clock.instant());
        assertThat(a.peek(id)).isSameAs(reread);
        assertThat(read(a, id).source()).isEqualTo(Source.HIT_L1);
        assertThat(fetches(id)).isEqualTo(2);
    }

    /** A re-read of a directory L1 no longer holds (dropped since the checker looked) reads nothing. */
    @Test
    void aRecheckOfADroppedDirectoryReadsNothing() {
        sim.config(Map.of("directorySize", 3));
        DirectoryCache a = replica();
        String id = newId();
        read(a, id);
        CachedDirectory held = a.peek(id);
        clock.advance(Duration.ofSeconds(1));
        a.invalidate(new DirectoryInvalidation(id, "test", clock.instant(), "test", Ids.newTraceId()))
                .await()
                .atMost(WAIT);
        clock.advance(Duration.ofSeconds(1));

        assertThat(a.recheck(id, held).await().atMost(WAIT)).isNull();
        assertThat(fetches(id)).isEqualTo(1);
        assertThat(a.peek(id)).isNull();
    }

    /**
     * A directory whose read takes more pages than a whole window's budget is skipped (counted) and the pass goes on:
     * before, it stayed the longest unchecked, led every pass and ended it "deferred", so nothing else was checked.
     */
    @Test
    void aDirectoryLargerThanTheWholeWindowsBudgetIsSkippedAndTheOthersAreStillChecked() {
        DirectoryCache a = replica();
        String large = newId();
        String small = newId();
        sim.config(Map.of("directorySize", 600)); // 3 pages of 250
        read(a, large);
        sim.config(Map.of("directorySize", 3)); // 1 page
        read(a, small);
        assertThat(a.cachedIds()).as("the large one leads: read first").containsExactly(large, small);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        // 2 calls a window: the large directory (3 pages) can never fit, the small one (1 page) can
        ConsistencyChecker checker = checker(a, 2, new AtomicInteger(), registry);

        for (int window = 1; window <= 2; window++) {
            clock.advance(Duration.ofSeconds(10));
            ConsistencyChecker.Result r = checker.checkAll().await().atMost(WAIT);
            assertThat(r.checked()).as("window " + window).isEqualTo(1);
            assertThat(r.skipped()).isEqualTo(1);
            assertThat(r.deferred()).isZero();
            assertThat(fetches(small))
                    .as("the small one is checked in window " + window)
                    .isEqualTo(1 + window);
            assertThat(fetches(large)).as("the large one is never re-read").isEqualTo(3);
        }
        assertThat(registry.get("cxbridge.directory.consistency.skipped")
                        .counter()
                        .count())
                .isEqualTo(2.0);
    }

    @Test
    void theConsistencyCheckReReadsADirectoryReadWithinItsTtlAndAppliesAChangedContent() {
        sim.config(Map.of("directorySize", 4));
        DirectoryCache a = replica();
        String id = newId();
        CachedDirectory first = read(a, id).directory();
        AtomicInteger mismatches = new AtomicInteger();
        ConsistencyChecker checker = checker(a, 100, mismatches);

        clock.advance(Duration.ofSeconds(1));
        ConsistencyChecker.Result same = checker.checkAll().await().atMost(WAIT);
        assertThat(same.checked()).isEqualTo(1);
        assertThat(same.mismatched()).isZero();
        assertThat(fetches(id)).as("re-read without validators").isEqualTo(2);

        sim.touchDirectory(id);
        clock.advance(Duration.ofSeconds(1));
        ConsistencyChecker.Result result = checker.checkAll().await().atMost(WAIT);
        assertThat(result.mismatched()).isEqualTo(1);
        assertThat(mismatches).hasValue(1);
        CachedDirectory reloaded = loads.get(loads.size() - 1)[1];
        assertThat(reloaded.contentHash()).isNotEqualTo(first.contentHash());
        assertThat(reloaded.entries().get(0).name()).isEqualTo("Contact 1 v2");
        assertThat(read(a, id).directory()).isSameAs(reloaded);

        // Not read by a client for a TTL: not checked any more.
        clock.advance(Duration.ofSeconds(301));
        long before = fetches(id);
        assertThat(checker.checkAll().await().atMost(WAIT).checked()).isZero();
        assertThat(fetches(id)).isEqualTo(before);
    }

    @Test
    void theConsistencyCheckSpendsAtMostTheSharedBudgetLongestUncheckedFirst() {
        sim.config(Map.of("directorySize", 3));
        DirectoryCache a = replica();
        DirectoryCache b = replica();
        List<String> ids = List.of(newId(), newId(), newId());
        ids.forEach(id -> read(a, id));
        ids.forEach(id -> read(b, id));
        AtomicInteger mismatches = new AtomicInteger();
        // Two replicas, one budget of 2 calls (pages) per window: together they check two directories.
        ConsistencyChecker checkA = checker(a, 2, mismatches);
        ConsistencyChecker checkB = checker(b, 2, mismatches);
        clock.advance(Duration.ofSeconds(1));
        ConsistencyChecker.Result ra = checkA.checkAll().await().atMost(WAIT);
        ConsistencyChecker.Result rb = checkB.checkAll().await().atMost(WAIT);
        assertThat(ra.checked() + rb.checked()).isEqualTo(2);
        assertThat(rb.deferred()).isEqualTo(3);
        List<String> checkedByA = ids.stream().filter(id -> fetches(id) == 2).toList();
        assertThat(checkedByA).hasSize(2);

        // The next window: the one left unchecked goes first.
        clock.advance(Duration.ofSeconds(10));
        String left = ids.stream().filter(id -> fetches(id) == 1).findFirst().orElseThrow();
        ConsistencyChecker.Result next = checkA.checkAll().await().atMost(WAIT);
        assertThat(next.checked()).isEqualTo(2);
        assertThat(fetches(left)).isEqualTo(2);
    }

    @Test
    void twentyCachedDirectoriesAreCheckedAtSixCallsPerWindowAcrossReplicasAndAChangeIsAppliedWithinTwoWindows() {
        sim.config(Map.of("directorySize", 3));
        DirectoryCache a = replica();
        DirectoryCache b = replica();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add(newId());
        }
        ids.forEach(id -> read(a, id));
        ids.forEach(id -> read(b, id));
        AtomicInteger mismatches = new AtomicInteger();
        ConsistencyChecker checkA = checker(a, 6, mismatches);
        ConsistencyChecker checkB = checker(b, 6, mismatches);
        String changed = null;
        for (int window = 0; window < 2; window++) {
            clock.advance(Duration.ofSeconds(10));
            long before = ids.stream().mapToLong(this::fetches).sum();
            // Each replica runs several passes in the window; together they stay within the budget.
            for (int pass = 0; pass < 3; pass++) {
                checkA.checkAll().await().atMost(WAIT);
                checkB.checkAll().await().atMost(WAIT);
            }
            long calls = ids.stream().mapToLong(this::fetches).sum() - before;
            assertThat(calls).as("Genesys calls in window " + window).isEqualTo(6);
            if (window == 0) {
                // A directory not checked yet changes at Genesys: it is among the longest unchecked next window.
                changed =
                        ids.stream().filter(id -> fetches(id) == 1).findFirst().orElseThrow();
                sim.touchDirectory(changed);
            }
        }
        String id = changed;
        assertThat(mismatches).hasValue(1);
        CachedDirectory applied = loads.stream()
                .map(l -> l[1])
                .filter(d -> d.directoryId().equals(id))
                .reduce((x, y) -> y)
                .orElseThrow();
        assertThat(applied.entries().get(0).name()).isEqualTo("Contact 1 v2");
    }

    @Test
    void aReplicaWaitingOnAnothersLoadIsWokenByItsPublishNotByItsLease() {
        sim.config(Map.of("directorySize", 2));
        CacheSettings longLease = longLease(Duration.ofMillis(20), Duration.ofSeconds(120));
        DirectoryCache a = replica(longLease);
        DirectoryCache b = replica(longLease);
        assertWaiterFindsTheHoldersLoad(a, b, "woken by the holder's PUBLISH, far inside the 120 s lease");
    }

    @Test
    void afterARedisRestartAReplicaWaitingOnAnothersLoadIsStillWokenByItsPublish() {
        sim.config(Map.of("directorySize", 2));
        // a lease, wait and poll interval far beyond the test's patience: only the publish can wake the waiter
        CacheSettings longLease = longLease(Duration.ofSeconds(120), Duration.ofSeconds(120));
        LoadSignals aSignals = replicas.signals(redisClient, redis, prefix);
        LoadSignals bSignals = replicas.signals(redisClient, redis, prefix);
        DirectoryCache a = replica(longLease, aSignals);
        DirectoryCache b = replica(longLease, bSignals);

        RedisServer.shared().restart();
        await().atMost(WAIT)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> bSignals.subscribed() && aSignals.subscribed());
        await().atMost(WAIT)
                .ignoreExceptions()
                .until(() -> redis.ping(List.of()).await().atMost(Duration.ofSeconds(1)) != null);

        assertWaiterFindsTheHoldersLoad(a, b, "woken by the holder's PUBLISH on the subscription opened again");
    }

    @Test
    void withoutASubscriptionAReplicaWaitingOnAnothersLoadPollsRedis() throws Exception {
        sim.config(Map.of("directorySize", 2));
        CacheSettings longLease = longLease(Duration.ofMillis(100), Duration.ofSeconds(120));
        // b's signals connect to a port where no Redis listens: it can never subscribe
        int closedPort;
        try (var socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        io.vertx.mutiny.redis.client.Redis nowhere =
                io.vertx.mutiny.redis.client.Redis.createClient(vertx, "redis://127.0.0.1:" + closedPort);
        LoadSignals bSignals = new LoadSignals(nowhere, redis, prefix);
        bSignals.start().await().atMost(WAIT);
        try {
            assertThat(bSignals.subscribed()).isFalse();
            DirectoryCache a = replica(longLease);
            DirectoryCache b = replica(longLease, bSignals);
            assertWaiterFindsTheHoldersLoad(a, b, "found by polling, far inside the 120 s lease");
        } finally {
            bSignals.close();
            nowhere.close();
        }
    }

    @Test
    void withoutRedisAReplicaServesItsMemoryAndLoadsOnItsOwn() {
        sim.config(Map.of("directorySize", 2));
        DirectoryCache a = replica();
        String cached = newId();
        read(a, cached);
        RedisServer redisServer = RedisServer.shared();
        redisServer.stop();
        try {
            assertThat(read(a, cached).source()).isEqualTo(Source.HIT_L1);
            String other = newId();
            Read loaded = read(a, other);
            assertThat(loaded.source()).isEqualTo(Source.MISS);
            assertThat(loaded.directory().entries()).hasSize(2);
            assertThat(read(a, other).source()).isEqualTo(Source.HIT_L1);
        } finally {
            redisServer.start();
        }
    }

    @Test
    void everNewUnknownIdsKeepABoundedNumberOfStatusesAndAnUpstream404IsNotFoundAndKeepsNothing() {
        sim.config(Map.of("directorySize", 1));
        String run = UUID.randomUUID().toString().substring(0, 8);
        sim.fault(Map.of("path", "/api/v2/routing/directories/gone_" + run + "_*/entries", "status", 404));
        DirectoryCache a = replica(settings(300, 10));

        for (int i = 0; i < 300; i++) {
            String id = "gone_" + run + "_" + i;
            assertThatThrownBy(() -> read(a, id))
                    .isInstanceOf(DirectoryNotFoundException.class)
                    .hasMessageContaining(id)
                    .hasMessageContaining("404");
            assertThat(a.status(id))
                    .as("nothing kept of a directory the source does not have")
                    .isNull();
        }
        assertThat(a.statusCount()).isZero();
        assertThat(a.size()).isZero();

        // ids the (seed) source has: statuses of the most recent ones only, whatever ids clients name
        for (int i = 0; i < 300; i++) {
            read(a, "seen_" + run + "_" + i);
        }
        assertThat(a.statusCount()).isLessThanOrEqualTo(64);
        assertThat(a.status("seen_" + run + "_299")).isNotNull();
        assertThat(a.size()).isEqualTo(10);
        for (String id : a.cachedIds()) {
            assertThat(a.status(id)).as("what L1 holds keeps its status").isNotNull();
        }
    }

    /** A client repeating a wrong id spends one Genesys call per {@code not-found-ttl}, not one per read. */
    @Test
    void aSource404IsRememberedForTheNotFoundTtlAndAnInvalidationForgetsIt() {
        sim.config(Map.of("directorySize", 1));
        String id = newId();
        sim.fault(Map.of("path", "/api/v2/routing/directories/" + id + "/entries", "status", 404));

        DirectoryCache asksEveryTime = replica(settings(300, 10));
        readNotFound(asksEveryTime, id);
        readNotFound(asksEveryTime, id);
        assertThat(notFoundCalls(id))
                .as("not-found-ttl 0: every read asks the source")
                .isEqualTo(2);

        DirectoryCache a = replica(settings(300, 10).withNotFoundTtl(Duration.ofSeconds(30)));
        for (int i = 0; i < 3; i++) {
            readNotFound(a, id);
        }
        assertThat(notFoundCalls(id)).as("one call, then remembered").isEqualTo(3);
        assertThat(a.status(id)).as("nothing else kept of it").isNull();
        assertThat(a.size()).isZero();

        clock.advance(Duration.ofSeconds(29));
        readNotFound(a, id);
        assertThat(notFoundCalls(id)).as("within the 30 s").isEqualTo(3);
        clock.advance(Duration.ofSeconds(1));
        readNotFound(a, id);
        assertThat(notFoundCalls(id)).as("asked again once the 30 s are over").isEqualTo(4);

        // the source has it now: an invalidation (DELETE .../cache) forgets the 404 at once
        sim.clearFaults();
        clock.advance(Duration.ofSeconds(1));
        a.invalidate(new DirectoryInvalidation(id, "created", clock.instant(), "test", Ids.newTraceId()))
                .await()
                .atMost(WAIT);
        assertThat(read(a, id).source()).isEqualTo(Source.MISS);
        assertThat(a.notFoundCount()).isZero();
    }

    /** The DELETE may say the directory exists now: a 404 from a load that started before it is not remembered. */
    @Test
    void a404FromALoadThatAnInvalidationOvertookIsNotRemembered() {
        invalidatedWhileA404Loads(Duration.ZERO);
    }

    /**
     * The DELETE came through another replica whose clock is behind: its {@code issuedAt} is before the load started
     * here, yet it was applied while the load ran, so the 404 is not remembered either.
     */
    @Test
    void a404FromALoadDuringWhichAnInvalidationWasAppliedIsNotRememberedWhateverItsIssuedAt() {
        invalidatedWhileA404Loads(Duration.ofMillis(-5));
    }

    /** A read's load gets a slow 404 while an invalidation issued {@code shift} from now is applied; then read again. */
    private void invalidatedWhileA404Loads(Duration shift) {
        sim.config(Map.of("directorySize", 1));
        String id = newId();
        sim.fault(Map.of(
                "path", "/api/v2/routing/directories/" + id + "/entries", "status", 404, "latencyMs", 500, "count", 1));
        DirectoryCache a = replica(settings(300, 10).withNotFoundTtl(Duration.ofSeconds(30)));

        java.util.concurrent.CompletableFuture<Read> first =
                a.read(id).subscribe().asCompletionStage();
        await().atMost(WAIT).until(() -> a.loading(id));
        a.invalidate(new DirectoryInvalidation(id, "created", clock.instant().plus(shift), "test", Ids.newTraceId()))
                .await()
                .atMost(WAIT);
        assertThatThrownBy(() -> first.get(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS))
                .hasCauseInstanceOf(DirectoryNotFoundException.class);
        assertThat(notFoundCalls(id)).isEqualTo(1);

        assertThat(read(a, id).source())
                .as("asked again, and the source has it")
                .isEqualTo(Source.MISS);
        assertThat(a.notFoundCount()).isZero();
    }

    /**
     * A directory deleted at the source while a copy is held is served stale as before, but the source is asked again
     * once per {@code not-found-ttl}, not by every stale read.
     */
    @Test
    void aCopyServedStaleAfterTheSource404dAsksAgainOncePerNotFoundTtl() {
        sim.config(Map.of("directorySize", 1));
        String id = newId();
        DirectoryCache a = replica(settings(300, 10).withNotFoundTtl(Duration.ofSeconds(30)));
        assertThat(read(a, id).source()).isEqualTo(Source.MISS);
        sim.fault(Map.of("path", "/api/v2/routing/directories/" + id + "/entries", "status", 404));
        clock.advance(Duration.ofSeconds(301));

        assertThat(read(a, id).source()).isEqualTo(Source.STALE);
        await().atMost(WAIT).until(() -> notFoundCalls(id) == 1 && a.notFoundCount() == 1);
        for (int i = 0; i < 3; i++) {
            assertThat(read(a, id).source()).as("still served").isEqualTo(Source.STALE);
            // a refresh, had one started, would have asked the source within this
            await("no refresh while the 404 is remembered")
                    .during(Duration.ofMillis(300))
                    .atMost(WAIT)
                    .until(() -> notFoundCalls(id) == 1);
        }

        clock.advance(Duration.ofSeconds(30));
        assertThat(read(a, id).source()).isEqualTo(Source.STALE);
        await("asked again once the 30 s are over").atMost(WAIT).until(() -> notFoundCalls(id) == 2);
    }

    @Test
    void theRemembered404sAreBoundedWhateverIdsClientsName() {
        sim.config(Map.of("directorySize", 1));
        String run = UUID.randomUUID().toString().substring(0, 8);
        sim.fault(Map.of("path", "/api/v2/routing/directories/nf_" + run + "_*/entries", "status", 404));
        DirectoryCache a = replica(settings(300, 10).withNotFoundTtl(Duration.ofSeconds(30)));
        int ids = DirectoryCache.NOT_FOUND_BOUND + 10;
        for (int i = 0; i < ids; i++) {
            readNotFound(a, "nf_" + run + "_" + i);
        }
        assertThat(a.notFoundCount()).isEqualTo(DirectoryCache.NOT_FOUND_BOUND);
        // the most recent are kept, the eldest dropped (asked again)
        readNotFound(a, "nf_" + run + "_" + (ids - 1));
        assertThat(notFoundCalls("nf_" + run + "_" + (ids - 1))).isEqualTo(1);
        readNotFound(a, "nf_" + run + "_0");
        assertThat(notFoundCalls("nf_" + run + "_0")).isEqualTo(2);
    }

    private static void readNotFound(DirectoryCache cache, String id) {
        assertThatThrownBy(() -> read(cache, id))
                .isInstanceOf(DirectoryNotFoundException.class)
                .hasMessageContaining(id)
                .hasMessageContaining("404");
    }

    private long notFoundCalls(String id) {
        return sim.stats().requests("GET", "/api/v2/routing/directories/" + id + "/entries", 404);
    }

    /**
     * An invalidation stamped by a replica whose clock runs 10 minutes ahead is taken as issued now: it drops what was
     * loaded so far, and a load after it is kept (L1, and Redis for the other replica). Before, every replica refused
     * every copy (and Redis every write) loaded in those 10 minutes: each read was a MISS.
     */
    @Test
    void anInvalidationIssuedTenMinutesAheadIsTakenAsIssuedNowAndALoadAfterItIsServedFromTheCache() {
        sim.config(Map.of("directorySize", 2));
        DirectoryCache a = replica();
        DirectoryCache b = replica();
        String id = newId();
        read(a, id);
        assertThat(read(b, id).source()).isEqualTo(Source.HIT_L2);
        clock.advance(Duration.ofSeconds(1));

        DirectoryInvalidation ahead = new DirectoryInvalidation(
                id, "test", clock.instant().plus(Duration.ofMinutes(10)), "skewed", Ids.newTraceId());
        a.invalidate(ahead).await().atMost(WAIT);
        b.invalidate(ahead).await().atMost(WAIT);
        assertThat(a.size()).as("what was loaded before it is dropped").isZero();
        assertThat(b.size()).isZero();

        clock.advance(Duration.ofSeconds(1));
        assertThat(read(a, id).source()).isEqualTo(Source.MISS);
        assertThat(read(a, id).source()).isEqualTo(Source.HIT_L1);
        assertThat(read(b, id).source())
                .as("the Redis copy was stored and is taken")
                .isEqualTo(Source.HIT_L2);
        assertThat(fetches(id)).isEqualTo(2);

        // within the tolerance (5 s ahead) an issuedAt is taken as it is
        clock.advance(Duration.ofSeconds(1));
        a.invalidate(new DirectoryInvalidation(id, "test", clock.instant().plusSeconds(4), "test", Ids.newTraceId()))
                .await()
                .atMost(WAIT);
        clock.advance(Duration.ofSeconds(2));
        assertThat(read(a, id).source()).isEqualTo(Source.MISS);
        assertThat(read(a, id).source())
                .as("loaded before the issuedAt: not kept")
                .isEqualTo(Source.MISS);
        clock.advance(Duration.ofSeconds(3));
        assertThat(read(a, id).source()).isEqualTo(Source.MISS);
        assertThat(read(a, id).source()).isEqualTo(Source.HIT_L1);
    }

    @Test
    void anInvalidationRedisDidNotRunSaysSoAndTheReplicasThatAppliedItTakeNoOlderRedisCopyOnceRedisIsBack() {
        sim.config(Map.of("directorySize", 2));
        DirectoryCache a = replica();
        DirectoryCache b = replica();
        String id = newId();
        read(a, id);
        assertThat(read(b, id).source()).isEqualTo(Source.HIT_L2);
        clock.advance(Duration.ofSeconds(1));
        DirectoryInvalidation inv = new DirectoryInvalidation(id, "test", clock.instant(), "test", Ids.newTraceId());
        RedisServer redisServer = RedisServer.shared();
        redisServer.stop();
        try {
            assertThat(a.invalidate(inv).await().atMost(WAIT))
                    .as("the Redis delete did not run")
                    .isFalse();
            assertThat(b.invalidate(inv).await().atMost(WAIT)).isFalse();
        } finally {
            redisServer.start();
        }
        clock.advance(Duration.ofSeconds(1));
        assertThat(read(b, id).source()).as("the old Redis copy is not taken").isEqualTo(Source.MISS);
        assertThat(fetches(id)).isEqualTo(2);
        assertThat(a.invalidate(inv).await().atMost(WAIT)).isTrue();
    }

    /**
     * The invalidations a replica remembers stay bounded whatever ids are invalidated: past the bound those that guard
     * nothing any more go first, then the least recently invalidated.
     */
    @Test
    void theRememberedInvalidationsAreBoundedTheExpiredGoingFirst() {
        // guarding for 661 s: the mark's keep time (lease 30 s + wait 30 s), then a Redis copy's 300 s x 2 + 1 s
        DirectoryCache a = replica();
        int bound = DirectoryCache.INVALIDATIONS_BOUND;
        int old = 2000;
        for (int i = 0; i < old; i++) {
            a.rememberInvalidation("old_" + i, clock.instant());
        }
        clock.advance(Duration.ofSeconds(662));
        int fresh = bound - old + 1; // one past the bound
        for (int i = 0; i < fresh; i++) {
            a.rememberInvalidation("new_" + i, clock.instant());
        }
        assertThat(a.invalidationCount()).as("the expired went, and only they").isEqualTo(fresh);
        for (int i = 0; i < old; i += 199) {
            assertThat(a.remembersInvalidation("old_" + i)).isFalse();
        }
        for (int i = 0; i < fresh; i += 199) {
            assertThat(a.remembersInvalidation("new_" + i)).isTrue();
        }

        // none expired: the least recently invalidated go (down to nine tenths of the bound); one invalidated again
        // counts as recent
        a.rememberInvalidation("new_0", clock.instant());
        int newer = bound - fresh + 1; // one past the bound again
        for (int i = 0; i < newer; i++) {
            a.rememberInvalidation("newer_" + i, clock.instant());
        }
        assertThat(a.invalidationCount()).isEqualTo(bound - bound / 10);
        assertThat(a.remembersInvalidation("new_0")).isTrue();
        assertThat(a.remembersInvalidation("new_1")).isFalse();
        assertThat(a.remembersInvalidation("newer_" + (newer - 1))).isTrue();
        for (int i = 0; i < 10 * bound; i++) {
            a.rememberInvalidation("newest_" + i, clock.instant());
        }
        assertThat(a.invalidationCount()).isLessThanOrEqualTo(bound);

        // through the invalidation path too, and it still drops what was loaded before it
        sim.config(Map.of("directorySize", 1));
        String id = newId();
        read(a, id);
        clock.advance(Duration.ofSeconds(1));
        a.invalidate(new DirectoryInvalidation(id, "test", clock.instant(), "test", Ids.newTraceId()))
                .await()
                .atMost(WAIT);
        assertThat(a.remembersInvalidation(id)).isTrue();
        assertThat(a.invalidationCount()).isLessThanOrEqualTo(bound);
        assertThat(a.size()).isZero();
    }

    /**
     * Past the mark's keep time an invalidation still guards this replica's reads while a Redis copy loaded before it
     * may be there (its delete may not have run: reads do not look at the mark), so passing the bound does not prune
     * it: here one applied late, issued 61 s ago (keep time 60 s, a copy kept 601 s).
     */
    @Test
    void pastTheBoundAnInvalidationIsKeptWhileACopyLoadedBeforeItMayStillBeInRedis() {
        DirectoryCache a = replica();
        int bound = DirectoryCache.INVALIDATIONS_BOUND;
        for (int i = 0; i < bound; i++) {
            a.rememberInvalidation("early_" + i, clock.instant());
        }
        clock.advance(Duration.ofSeconds(61));
        a.rememberInvalidation("late", clock.instant().minusSeconds(61));

        assertThat(a.remembersInvalidation("late")).isTrue();
        assertThat(a.remembersInvalidation("early_" + (bound - 1))).isTrue();
        assertThat(a.invalidationCount())
                .as("only the least recently invalidated went")
                .isEqualTo(bound - bound / 10);
    }

    /**
     * A STALE read of the copy L1 holds serves it without parsing the Redis copy again (one load wrote both: the same
     * {@code loadedAt}); a copy L1 does not hold is parsed once and kept. A remembered 404 holds the refreshes off, so
     * what is counted is the reads' own parsing.
     */
    @Test
    void aStaleReadOfTheCopyL1HoldsDoesNotParseTheRedisCopyAgain() {
        sim.config(Map.of("directorySize", 3));
        String id = newId();
        CacheSettings s = settings(300, 10).withNotFoundTtl(Duration.ofSeconds(30));
        DirectoryCache a = replica(s);
        DirectoryCache b = replica(s);
        CachedDirectory loaded = read(a, id).directory();
        sim.fault(Map.of("path", "/api/v2/routing/directories/" + id + "/entries", "status", 404));
        clock.advance(Duration.ofSeconds(301));

        for (DirectoryCache replica : List.of(a, b)) {
            assertThat(read(replica, id).source()).isEqualTo(Source.STALE);
            await().atMost(WAIT).until(() -> replica.notFoundCount() == 1 && !replica.loading(id));
            long parsed = replica.parsedCopies();
            for (int i = 0; i < 3; i++) {
                Read stale = read(replica, id);
                assertThat(stale.source()).isEqualTo(Source.STALE);
                assertThat(stale.directory().loadedAt()).isEqualTo(loaded.loadedAt());
                assertThat(stale.answer()).as("L1's written answer").isNotNull();
            }
            assertThat(replica.parsedCopies())
                    .as("no parse by a STALE read of L1's copy")
                    .isEqualTo(parsed);
        }
        assertThat(a.read(id).await().atMost(WAIT).directory()).isSameAs(loaded);
        assertThat(notFoundCalls(id)).as("one refresh per replica").isEqualTo(2);
    }

    @Test
    void aLoadThatStartedBeforeAnInvalidationIsNotKeptAfterIt() {
        sim.config(Map.of("directorySize", 2));
        DirectoryCache a = replica();
        DirectoryCache b = replica();
        String id = newId();
        sim.fault(Map.of("path", "/api/v2/routing/directories/" + id + "/entries", "latencyMs", 500, "count", 1));
        var inFlight = a.read(id).subscribeAsCompletionStage();
        // the first page request is held at the sim
        await().atMost(WAIT)
                .until(() -> sim.faults().findValues("hits").stream().anyMatch(h -> h.asLong() > 0));
        DirectoryInvalidation inv = new DirectoryInvalidation(id, "test", clock.instant(), "test", Ids.newTraceId());
        a.invalidate(inv).await().atMost(WAIT);
        assertThat(inFlight.join().source())
                .as("the read in flight still gets its answer")
                .isEqualTo(Source.MISS);

        assertThat(a.peek(id)).as("not kept in L1").isNull();
        clock.advance(Duration.ofSeconds(1));
        assertThat(read(b, id).source()).as("not kept in Redis").isEqualTo(Source.MISS);
        assertThat(read(a, id).source()).isEqualTo(Source.HIT_L2);
    }

    /**
     * The load lock's lease is not renewed: a load reading its source for longer than the load deadline (below the
     * lease) fails, keeps nothing (here or in Redis, even once the slow page arrives), and releases the lock. Before,
     * it ran on past its lease, when another replica could take the lock and load, and then stored over that one.
     */
    @Test
    void aLoadThatRunsPastItsDeadlineBelowTheLockLeaseFailsAndKeepsNothing() {
        sim.config(Map.of("directorySize", 2));
        CacheSettings shortLease = new CacheSettings(
                TtlMatrix.of(Map.of("default", 300)),
                1.0,
                10_000,
                100,
                TestReplicas.SEED_PATH,
                250,
                Duration.ofSeconds(20),
                prefix,
                Duration.ofSeconds(2),
                Duration.ofMillis(20),
                Duration.ofSeconds(30));
        assertThat(shortLease.loadDeadline()).as("half the 2 s lease at least").isEqualTo(Duration.ofSeconds(1));
        DirectoryCache a = replica(shortLease);
        DirectoryCache b = replica(shortLease);
        String id = newId();
        sim.fault(Map.of("path", "/api/v2/routing/directories/" + id + "/entries", "latencyMs", 3000, "count", 1));

        assertThatThrownBy(() -> read(a, id))
                .isInstanceOf(DirectoryUnavailableException.class)
                .hasMessageContaining("directory " + id)
                .hasMessageContaining("load deadline of 1000 ms");
        assertThat(a.status(id).lastOutcome()).startsWith("unavailable: ");
        await("nothing kept once the slow page has answered")
                .during(Duration.ofSeconds(3))
                .atMost(WAIT)
                .until(() -> a.size() == 0
                        && redis.get(prefix + ":entries:{" + id + "}").await().atMost(WAIT) == null);
        assertThat(read(b, id).source()).as("the lock was released").isEqualTo(Source.MISS);
        assertThat(read(a, id).source()).isEqualTo(Source.HIT_L2);
    }

    /** Settings whose lock lease and poll interval outlast the test: only a publish (or {@code wait}) wakes a waiter. */
    private CacheSettings longLease(Duration wait, Duration poll) {
        return new CacheSettings(
                TtlMatrix.of(Map.of("default", 300)),
                1.0,
                10_000,
                100,
                "/api/v2/routing/directories/{id}/entries",
                250,
                Duration.ofSeconds(10),
                prefix,
                Duration.ofSeconds(120),
                wait,
                poll);
    }

    /**
     * {@code a} loads a directory the sim answers slowly; {@code b}, reading it meanwhile, gets the same content far
     * inside the 120 s lease ({@code how}: what woke it), and the directory was fetched once.
     */
    private void assertWaiterFindsTheHoldersLoad(DirectoryCache a, DirectoryCache b, String how) {
        String id = newId();
        sim.fault(Map.of("path", "/api/v2/routing/directories/" + id + "/entries", "latencyMs", 1000, "count", 1));
        var holder = a.read(id).subscribeAsCompletionStage();
        await().atMost(WAIT)
                .until(() -> sim.faults().findValues("hits").stream().anyMatch(h -> h.asLong() > 0));
        long start = System.nanoTime();
        Read waited = read(b, id);
        long waitedMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(waited.directory().contentHash())
                .isEqualTo(holder.join().directory().contentHash());
        assertThat(waitedMs).as(how).isLessThan(15_000);
        assertThat(fetches(id)).isEqualTo(1);
    }
}
