package io.cxbridge.directory.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxbridge.directory.cache.CacheListener;
import io.cxbridge.directory.cache.CacheSettings;
import io.cxbridge.directory.cache.CachedDirectory;
import io.cxbridge.directory.cache.DirectoryCache;
import io.cxbridge.directory.cache.DirectoryCache.Source;
import io.cxbridge.directory.cache.DirectoryFetcher;
import io.cxbridge.directory.cache.TestReplicas;
import io.cxbridge.directory.entry.DirectoryEntry;
import io.cxbridge.directory.entry.InvalidDirectoryException;
import io.cxbridge.genesys.GenesysProducers;
import io.cxbridge.genesys.breaker.Breakers;
import io.cxbridge.genesys.config.Endpoints;
import io.cxbridge.genesys.config.GenesysConfig;
import io.cxbridge.genesys.http.GenesysClient;
import io.cxbridge.genesys.shaping.RateShaper;
import io.cxbridge.genesys.token.TokenProvider;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.MutableClock;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.sim.GenesysSimResource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.RedisAPI;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The sources against a platform stand-in this test controls ({@link FakePlatform}), through the real
 * {@link GenesysClient} and pager, with the cache as plain classes on the test's real Redis.
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
class SourcesTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static FakePlatform platform;

    @Inject
    GenesysConfig genesysConfig;

    @Inject
    TokenProvider tokens;

    @Inject
    RateShaper shaper;

    @Inject
    Vertx vertx;

    @Inject
    RedisAPI redis;

    @Inject
    io.cxbridge.genesys.redaction.Redactor redactor;

    @Inject
    io.vertx.mutiny.redis.client.Redis redisClient;

    final TestReplicas replicas = new TestReplicas();

    MutableClock clock;
    GenesysClient client;
    String prefix;

    @BeforeAll
    static void startPlatform() throws Exception {
        platform = new FakePlatform();
    }

    @AfterAll
    static void stopPlatform() throws Exception {
        platform.close();
    }

    @org.junit.jupiter.api.AfterEach
    void closeSignals() {
        replicas.closeAll();
    }

    @BeforeEach
    void setUp() {
        platform.pages.clear();
        platform.listingFault = null;
        platform.users = 2600;
        clock = MutableClock.startingNow();
        prefix = "sources-" + UUID.randomUUID();
        URI base = URI.create(platform.baseUrl());
        client = new GenesysClient(
                genesysConfig,
                new Endpoints(base, base),
                GenesysProducers.webClient(vertx, genesysConfig),
                GenesysProducers.streamingClient(vertx, genesysConfig),
                tokens,
                shaper,
                new Breakers(1000, Duration.ofSeconds(1), 64, clock),
                clock,
                new SimpleMeterRegistry());
    }

    private static DirectorySource source(String id, SourceKind kind, String upstreamId, Map<String, String> mapping) {
        return new DirectorySource(
                id,
                kind,
                upstreamId,
                "active",
                null,
                id,
                kind.defaultPageSize(),
                EntryMapping.of(kind, mapping, "test."),
                "/api/v2/routing/directories/{id}/entries");
    }

    private CacheSettings settings(long maxBytes, DirectorySource... sources) {
        return TestReplicas.settings(prefix, 300, 100)
                .withSources(TestReplicas.sources(sources))
                .withMaxBytes(maxBytes);
    }

    private DirectoryCache cache(CacheSettings settings) {
        return new DirectoryCache(
                settings,
                redis,
                new DirectoryFetcher(client, settings, redactor),
                clock,
                CacheListener.NONE,
                new SimpleMeterRegistry(),
                replicas.signals(redisClient, redis, settings.keyPrefix()));
    }

    private static DirectoryCache.Read read(DirectoryCache cache, String id) {
        return cache.read(id).await().atMost(WAIT);
    }

    @Test
    void usersAreReadOncePerPageThroughNextUriWithEmailAndPhoneMappedThenHitL1() {
        DirectoryCache cache =
                cache(settings(CacheSettings.defaultMaxBytes(), source("agents", SourceKind.USERS, null, Map.of())));

        DirectoryCache.Read first = read(cache, "agents");

        assertThat(first.source()).isEqualTo(Source.MISS);
        List<DirectoryEntry> entries = first.directory().entries();
        assertThat(entries).hasSize(2600);
        for (int i = 0; i < 2600; i += 517) {
            DirectoryEntry e = entries.get(i);
            assertThat(e.id()).as("upstream order").isEqualTo(String.format("user-%05d", i));
            assertThat(e.email()).isEqualTo("agent" + i + "@example.com");
            assertThat(e.phone()).as("the PHONE of primaryContactInfo").isEqualTo(String.format("+1317555%04d", i));
            assertThat(e.customAttributes().get("department").asText()).isEqualTo("Support");
        }
        assertThat(platform.pages)
                .as("6 pages of 500, each read once")
                .hasSize(6)
                .allSatisfy((uri, n) -> assertThat(n.get()).isEqualTo(1));
        assertThat(platform.pages.keySet()).allMatch(u -> u.contains("state=active") && u.contains("pageSize=500"));

        assertThat(read(cache, "agents").source()).isEqualTo(Source.HIT_L1);
        assertThat(platform.calls("/api/v2/users")).isEqualTo(6);
    }

    @Test
    void externalContactsAreScannedWholeWithObjectAddressesAndPhonesNoneRefused() {
        DirectoryCache cache = cache(settings(
                CacheSettings.defaultMaxBytes(), source("contacts", SourceKind.EXTERNAL_CONTACTS, null, Map.of())));
        List<DirectoryEntry> entries = read(cache, "contacts").directory().entries();
        assertThat(entries).hasSize(1200);
        assertThat(platform.calls("/api/v2/externalcontacts/scan/contacts")).isEqualTo(12);
        DirectoryEntry even = entries.get(10);
        assertThat(even.id()).isEqualTo("contact-00010");
        assertThat(even.name()).isEqualTo("First10 Last10");
        assertThat(even.email()).isEqualTo("c10@example.org");
        assertThat(even.phone()).as("e164 of the work phone").isEqualTo("+13175550010");
        assertThat(even.address()).isEqualTo("10 Main St, Indianapolis, IN, 46204, US");
        assertThat(entries.get(11).phone()).as("display of the cell phone").isEqualTo("+1 317-666-11");
    }

    @Test
    void dataTableRowsAreKeyedByKeyWithTheirColumnsAsAttributes() {
        DirectoryCache cache = cache(settings(
                CacheSettings.defaultMaxBytes(),
                source("tiers", SourceKind.DATATABLE_ROWS, "dt-1", Map.of("name", "/Label"))));
        List<DirectoryEntry> entries = read(cache, "tiers").directory().entries();
        assertThat(entries).hasSize(300);
        DirectoryEntry row = entries.get(7);
        assertThat(row.id()).isEqualTo("row-7");
        assertThat(row.name()).as("overridden by a JSON Pointer").isEqualTo("Row 7");
        assertThat(row.customAttributes().get("Tier").asInt()).isEqualTo(1);
        assertThat(row.customAttributes().get("Active").asBoolean()).isFalse();
        assertThat(row.customAttributes().has("key")).isFalse();
    }

    @Test
    void aMappedFieldOfTheWrongTypeRefusesTheDirectoryNamingIt() {
        DirectoryCache cache = cache(settings(
                CacheSettings.defaultMaxBytes(),
                source("agents", SourceKind.USERS, null, Map.of("email", "/division"))));
        platform.users = 3;
        assertThatThrownBy(() -> read(cache, "agents"))
                .isInstanceOf(InvalidDirectoryException.class)
                .hasMessageContaining("entry 0 of directory agents: email must be a string (mapped from /division)");
    }

    /**
     * A {@code mapping.id} override can map two records onto one id (the pager deduplicates by the platform's id
     * only): the directory is refused (502) naming the entries, the id redacted when it may be PII, and nothing is
     * cached (before, it was cached with entries a reader cannot tell apart).
     */
    @Test
    void twoRecordsMappedOntoOneIdRefuseTheDirectoryNamingThemWithThePiiRedactedAndNothingIsCached() {
        platform.users = 3;
        // every user's first address is the same phone number: mapped from a sensitive field, masked whole
        DirectorySource byPhone = source("agents", SourceKind.USERS, null, Map.of("id", "/addresses/0/address"));
        // data-table rows keyed by a column that repeats (Tier is 0, 1, 2, 0...): not PII, named as it is
        DirectorySource byTier = source("tiers", SourceKind.DATATABLE_ROWS, "dt-1", Map.of("id", "/Tier"));
        CacheSettings settings = settings(CacheSettings.defaultMaxBytes(), byPhone, byTier);
        DirectoryCache cache = cache(settings);

        assertThatThrownBy(() -> read(cache, "agents"))
                .isInstanceOf(InvalidDirectoryException.class)
                .hasMessageContaining("entry 1 of directory agents has the id '[REDACTED]' of entry 0")
                .hasMessageContaining("entry ids must be unique (id mapped from /addresses/0/address)")
                .hasMessageNotContaining("13175550000");
        assertThatThrownBy(() -> read(cache, "tiers"))
                .isInstanceOf(InvalidDirectoryException.class)
                .hasMessageContaining("entry 3 of directory tiers has the id '0' of entry 0")
                .hasMessageContaining("(id mapped from /Tier)");
        assertThat(cache.size()).isZero();
        assertThat(cache.status("agents").lastOutcome()).startsWith("refused: entry 1 of directory agents");
        DirectoryCache other = cache(settings);
        assertThatThrownBy(() -> read(other, "tiers"))
                .as("not in Redis either")
                .isInstanceOf(InvalidDirectoryException.class);
    }

    @Test
    void aShortOrInflatedListingIsRefusedNamingTheCountsNothingCachedAndAnEarlierCopyStaysStale() {
        DirectorySource agents = source("agents", SourceKind.USERS, null, Map.of());
        CacheSettings settings = settings(CacheSettings.defaultMaxBytes(), agents);
        platform.users = 1200;
        for (String fault : List.of("short", "inflated-total")) {
            platform.listingFault = fault;
            DirectoryCache cache = cache(settings.withKeyPrefix(prefix + fault));
            assertThatThrownBy(() -> read(cache, "agents"))
                    .isInstanceOf(InvalidDirectoryException.class)
                    .hasMessageContaining("directory agents")
                    .hasMessageContaining("total of " + ("short".equals(fault) ? 1200 : 1207))
                    .hasMessageContaining(("short".equals(fault) ? 1000 : 1200) + " were read");
            assertThat(cache.peek("agents")).isNull();
            assertThat(cache(settings.withKeyPrefix(prefix + fault)).size()).isZero();
        }

        platform.listingFault = null;
        DirectoryCache cache = cache(settings);
        CachedDirectory good = read(cache, "agents").directory();
        platform.listingFault = "inflated-total";
        clock.advance(Duration.ofSeconds(301));
        DirectoryCache.Read stale = read(cache, "agents");
        assertThat(stale.source()).isEqualTo(Source.STALE);
        assertThat(stale.directory()).isSameAs(good);
        org.awaitility.Awaitility.await()
                .atMost(WAIT)
                .until(() -> cache.status("agents").lastOutcome().startsWith("refused"));
        assertThat(read(cache, "agents").directory())
                .as("still the earlier copy")
                .isSameAs(good);
        clock.advance(Duration.ofSeconds(300));
        assertThatThrownBy(() -> read(cache, "agents")).isInstanceOf(InvalidDirectoryException.class);
    }

    @Test
    void theByteBoundEvictsTheLeastRecentlyUsedAndRefusesADirectoryLargerThanItself() {
        platform.users = 10_000;
        long bound = 32L * 1024 * 1024;
        DirectorySource[] sources = new DirectorySource[8];
        for (int i = 0; i < sources.length; i++) {
            sources[i] = source("big" + i, SourceKind.USERS, null, Map.of());
        }
        DirectoryCache cache = cache(settings(bound, sources));
        for (int i = 0; i < sources.length; i++) {
            read(cache, "big" + i);
            if (i == 1) {
                read(cache, "big0"); // big0 is used again: big1 is now the least recently used
            }
            assertThat(cache.bytes()).isLessThanOrEqualTo(bound);
        }
        assertThat(cache.size()).isLessThan(sources.length);
        assertThat(cache.peek("big7")).isNotNull();
        assertThat(cache.peek("big1")).as("least recently used, evicted first").isNull();
        List<String> held = cache.cachedIds();
        assertThat(held).last().isEqualTo("big7");
        long perEntry = cache.bytes() / (10_000L * cache.size());
        assertThat(perEntry).as("estimated bytes per user entry").isBetween(300L, 2000L);

        DirectoryCache tiny = cache(settings(1024 * 1024, source("huge", SourceKind.USERS, null, Map.of()))
                .withKeyPrefix(prefix + "tiny"));
        assertThatThrownBy(() -> read(tiny, "huge"))
                .isInstanceOf(InvalidDirectoryException.class)
                .hasMessageContaining("directory huge takes about")
                .hasMessageContaining("in-process bound of 1048576 bytes");
        assertThat(tiny.size()).isZero();
        assertThatThrownBy(() -> read(
                        cache(settings(1024 * 1024, source("huge", SourceKind.USERS, null, Map.of()))
                                .withKeyPrefix(prefix + "tiny")),
                        "huge"))
                .as("not in Redis either")
                .isInstanceOf(InvalidDirectoryException.class);
    }
}
