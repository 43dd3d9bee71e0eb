package io.cxbridge.directory.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxbridge.directory.cache.CacheListener;
import io.cxbridge.directory.cache.CacheSettings;
import io.cxbridge.directory.cache.DirectoryCache;
import io.cxbridge.directory.cache.DirectoryCache.Source;
import io.cxbridge.directory.cache.DirectoryFetcher;
import io.cxbridge.directory.cache.TestReplicas;
import io.cxbridge.directory.entry.DirectoryEntry;
import io.cxbridge.directory.entry.InvalidDirectoryException;
import io.cxbridge.genesys.http.GenesysClient;
import io.cxbridge.testkit.KafkaResource;
import io.cxbridge.testkit.MutableClock;
import io.cxbridge.testkit.RedisResource;
import io.cxbridge.testkit.sim.GenesysSimResource;
import io.cxbridge.testkit.sim.SimControl;
import io.cxbridge.testkit.sim.SimStats;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.redis.client.RedisAPI;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The acceptance of the sources against genesys-sim's published endpoints and seeded data. */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@QuarkusTestResource(RedisResource.class)
@QuarkusTestResource(GenesysSimResource.class)
class SimSourcesTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    GenesysClient genesys;

    @Inject
    RedisAPI redis;

    @Inject
    io.cxbridge.genesys.redaction.Redactor redactor;

    @Inject
    io.vertx.mutiny.redis.client.Redis redisClient;

    SimControl sim;
    MutableClock clock;
    String prefix;
    final TestReplicas replicas = new TestReplicas();

    @BeforeEach
    void setUp() {
        prefix = "simsources-" + UUID.randomUUID();
        sim = TestReplicas.freshSim();
        clock = MutableClock.startingNow();
    }

    /** Back to the default seed (and no faults) for the other test classes on this sim. */
    @AfterEach
    void tearDown() {
        replicas.closeAll();
        TestReplicas.freshSim();
    }

    private DirectoryCache cache(DirectorySource... sources) {
        CacheSettings settings = TestReplicas.settings(prefix, 300, 100).withSources(TestReplicas.sources(sources));
        return new DirectoryCache(
                settings,
                redis,
                new DirectoryFetcher(genesys, settings, redactor),
                clock,
                CacheListener.NONE,
                new SimpleMeterRegistry(),
                replicas.signals(redisClient, redis, prefix));
    }

    private static DirectorySource source(String id, SourceKind kind, String upstreamId) {
        return new DirectorySource(
                id,
                kind,
                upstreamId,
                "active",
                null,
                id,
                kind.defaultPageSize(),
                EntryMapping.of(kind, Map.of(), "test."),
                "/api/v2/routing/directories/{id}/entries");
    }

    @Test
    void twoThousandSixHundredUsersAreReadOncePerPageThroughNextUriThenHitL1() {
        sim.reseed(Map.of("users", 2600));
        DirectoryCache cache = cache(source("agents", SourceKind.USERS, null));

        DirectoryCache.Read first = cache.read("agents").await().atMost(WAIT);

        assertThat(first.source()).isEqualTo(Source.MISS);
        List<DirectoryEntry> entries = first.directory().entries();
        assertThat(entries).hasSize(2600);
        assertThat(entries.stream().map(DirectoryEntry::id).distinct()).hasSize(2600);
        assertThat(entries).allSatisfy(e -> assertThat(e.email()).contains("@"));
        assertThat(entries.get(0).email()).isEqualTo("agent.00001@example.com");
        assertThat(entries.get(0).phone())
                .as("the PHONE of the user's contact info")
                .isEqualTo("+13175550000");
        // The sim seeds some users without a phone: those have none, the others all have theirs.
        assertThat(entries.stream().filter(e -> e.phone() != null).count()).isGreaterThan(2000);
        SimStats stats = sim.stats();
        assertThat(stats.pages().stream()
                        .filter(p -> p.path().equals("/api/v2/users"))
                        .toList())
                .as("6 pages of 500, each read once")
                .hasSize(6)
                .allSatisfy(p -> assertThat(p.count()).isEqualTo(1));

        assertThat(cache.read("agents").await().atMost(WAIT).source()).isEqualTo(Source.HIT_L1);
        assertThat(sim.stats().pages("/api/v2/users")).isEqualTo(6);
    }

    @Test
    void twelveHundredExternalContactsAreScannedWholeNoneRefused() {
        sim.reseed(Map.of("contacts", 1200));
        DirectoryCache cache = cache(source("contacts", SourceKind.EXTERNAL_CONTACTS, null));
        List<DirectoryEntry> entries =
                cache.read("contacts").await().atMost(WAIT).directory().entries();
        assertThat(entries).hasSize(1200);
        assertThat(entries).allSatisfy(e -> assertThat(e.name()).isNotBlank());
        assertThat(entries.stream().filter(e -> e.address() != null)).isNotEmpty();
        assertThat(entries.stream().filter(e -> e.phone() != null)).hasSize(1200);
    }

    @Test
    void aDataTableOfThreeHundredRowsIsKeyedByKeyWithColumnsAsAttributes() {
        sim.reseed(Map.of("datatableRows", 300));
        String datatableId = sim.seed().path("datatables").get(0).path("id").asText();
        DirectoryCache cache = cache(source("rows", SourceKind.DATATABLE_ROWS, datatableId));
        List<DirectoryEntry> entries =
                cache.read("rows").await().atMost(WAIT).directory().entries();
        assertThat(entries).hasSize(300);
        assertThat(entries).allSatisfy(e -> {
            assertThat(e.customAttributes().has("key")).isFalse();
            assertThat(e.customAttributes().has("region")).isTrue();
        });
    }

    /** Users are dealt to the 3 groups and 3 queues in turn: user i is in group and queue i % 3. */
    @Test
    void aGroupsMembersAreReadThroughThePagerAndMappedLikeUsers() {
        sim.reseed(Map.of("users", 1200, "groups", 3));
        String groupId = sim.seed().path("groups").get(0).path("id").asText();
        DirectoryCache cache = cache(source("team", SourceKind.GROUP_MEMBERS, groupId));

        DirectoryCache.Read read = cache.read("team").await().atMost(WAIT);

        List<DirectoryEntry> entries = read.directory().entries();
        assertThat(entries).as("users 0, 3, 6, ... of 1,200").hasSize(400);
        assertThat(entries.stream().map(DirectoryEntry::id).distinct()).hasSize(400);
        DirectoryEntry first = entries.get(0);
        assertThat(first.name()).isEqualTo("Agent 00001");
        assertThat(first.email()).isEqualTo("agent.00001@example.com");
        assertThat(first.phone()).as("the PHONE of the user's contact info").isEqualTo("+13175550000");
        assertThat(first.customAttributes().path("department").isTextual()).isTrue();
        assertThat(entries.get(1).email()).as("upstream order").isEqualTo("agent.00004@example.com");
        assertThat(entries.get(2).phone())
                .as("user 6: every seventh user has no phone")
                .isNull();
        assertThat(sim.stats().pages("/api/v2/groups/" + groupId + "/members"))
                .as("4 pages of 100 (the platform's cap), each read once")
                .isEqualTo(4);
        assertThat(cache.read("team").await().atMost(WAIT).source()).isEqualTo(Source.HIT_L1);
    }

    @Test
    void aQueuesMembersAreReadThroughThePagerWithoutATotalAndMappedFromTheirUser() {
        sim.reseed(Map.of("users", 1200, "queues", 3));
        String queueId = sim.seed().path("queues").get(1).path("id").asText();
        DirectoryCache cache = cache(source("line", SourceKind.QUEUE_MEMBERS, queueId));

        List<DirectoryEntry> entries =
                cache.read("line").await().atMost(WAIT).directory().entries();

        assertThat(entries).as("users 1, 4, 7, ... of 1,200").hasSize(400);
        assertThat(entries.stream().map(DirectoryEntry::id).distinct()).hasSize(400);
        DirectoryEntry first = entries.get(0);
        assertThat(first.name()).isEqualTo("Agent 00002");
        assertThat(first.email()).as("from the member's user").isEqualTo("agent.00002@example.com");
        assertThat(first.phone()).isEqualTo("+13175550001");
        assertThat(entries.get(1).email()).isEqualTo("agent.00005@example.com");
        assertThat(entries.stream().filter(e -> e.phone() == null))
                .as("users 13, 34, ...: no phone")
                .isNotEmpty();
        // QueueMemberEntityListing has no total: complete when the next link runs out, one call per page.
        assertThat(sim.stats().pages("/api/v2/routing/queues/" + queueId + "/members"))
                .isEqualTo(4);
    }

    @Test
    void aShortOrInflatedUsersListingIsRefusedNamingTheCountsAndNothingIsCached() {
        sim.reseed(Map.of("users", 1200));
        for (String fault : List.of("short", "inflated-total")) {
            sim.clearFaults();
            sim.fault(Map.of("path", "/api/v2/users", "listing", fault));
            prefix = "simsources-" + UUID.randomUUID();
            DirectoryCache cache = cache(source("agents", SourceKind.USERS, null));
            assertThatThrownBy(() -> cache.read("agents").await().atMost(WAIT))
                    .isInstanceOf(InvalidDirectoryException.class)
                    .hasMessageContaining("directory agents")
                    .hasMessageContaining("total of")
                    .hasMessageContaining("were read");
            assertThat(cache.size()).isZero();
        }
    }
}
