package io.cxbridge.directory.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxbridge.directory.cache.CacheSettings;
import io.cxbridge.directory.config.DirectoryConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Source settings as SmallRye Config reads them (without Quarkus): kinds, their ids, TTL class, first pages, refusals. */
class DirectorySourcesUnitTest {

    static DirectoryConfig config(Map<String, String> properties) {
        Map<String, String> p = new HashMap<>();
        p.put("cxbridge.directory.ttl.default", "300");
        p.putAll(properties);
        return new SmallRyeConfigBuilder()
                .withMapping(DirectoryConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withConverter(MemorySize.class, 200, new MemorySizeConverter())
                .withSources(new PropertiesConfigSource(p, "test", 500))
                .build()
                .getConfigMapping(DirectoryConfig.class);
    }

    @Test
    void anIdWithoutASourceReadsTheSeedEndpointWithItsIdAsTtlClass() {
        DirectorySources sources = DirectorySources.from(config(Map.of()));
        DirectorySource s = sources.of("internal_agents");
        assertThat(s.kind()).isEqualTo(SourceKind.SEED);
        assertThat(s.ttlClass()).isEqualTo("internal_agents");
        assertThat(s.firstPage())
                .isEqualTo("/api/v2/routing/directories/internal_agents/entries?pageSize=250&pageNumber=1");
        assertThat(sources.configured()).isEmpty();
    }

    @Test
    void eachKindStartsAtItsPlatformEndpoint() {
        DirectorySources sources = DirectorySources.from(config(Map.ofEntries(
                Map.entry("cxbridge.directory.sources.agents.kind", "users"),
                Map.entry("cxbridge.directory.sources.agents.ttl-class", "internal_agents"),
                Map.entry("cxbridge.directory.sources.team.kind", "group-members"),
                Map.entry("cxbridge.directory.sources.team.group-id", "g-1"),
                Map.entry("cxbridge.directory.sources.queue.kind", "queue-members"),
                Map.entry("cxbridge.directory.sources.queue.queue-id", "q 1"),
                Map.entry("cxbridge.directory.sources.contacts.kind", "external-contacts"),
                Map.entry("cxbridge.directory.sources.vips.kind", "external-contacts"),
                Map.entry("cxbridge.directory.sources.vips.q", "vip"),
                Map.entry("cxbridge.directory.sources.rows.kind", "datatable-rows"),
                Map.entry("cxbridge.directory.sources.rows.datatable-id", "dt-1"),
                Map.entry("cxbridge.directory.sources.rows.mapping.name", "/Label"))));
        assertThat(sources.of("agents").firstPage()).isEqualTo("/api/v2/users?pageSize=500&pageNumber=1&state=active");
        assertThat(sources.of("agents").ttlClass()).isEqualTo("internal_agents");
        assertThat(sources.of("team").firstPage()).isEqualTo("/api/v2/groups/g-1/members?pageSize=100&pageNumber=1");
        assertThat(sources.of("queue").firstPage())
                .isEqualTo("/api/v2/routing/queues/q%201/members?pageSize=100&pageNumber=1");
        assertThat(sources.of("contacts").firstPage()).isEqualTo("/api/v2/externalcontacts/scan/contacts?limit=100");
        assertThat(sources.of("vips").firstPage())
                .isEqualTo("/api/v2/externalcontacts/contacts?pageSize=100&pageNumber=1&q=vip");
        assertThat(sources.of("vips").maxEntities(10_000)).isEqualTo(1000);
        assertThat(sources.of("rows").firstPage())
                .isEqualTo("/api/v2/flows/datatables/dt-1/rows?pageSize=100&pageNumber=1&showbrief=false");
        assertThat(CacheSettings.from(config(Map.of(
                                "cxbridge.directory.sources.agents.kind",
                                "users",
                                "cxbridge.directory.sources.agents.ttl-class",
                                "x",
                                "cxbridge.directory.ttl.x",
                                "60")))
                        .ttlSeconds("agents"))
                .isEqualTo(60);
    }

    @Test
    void aBadSourceStopsStartUpNamingItsKey() {
        assertThatThrownBy(() -> DirectorySources.from(config(Map.of("cxbridge.directory.sources.a.kind", "people"))))
                .hasMessageContaining("cxbridge.directory.sources.a.kind is 'people'")
                .hasMessageContaining("users");
        assertThatThrownBy(() ->
                        DirectorySources.from(config(Map.of("cxbridge.directory.sources.t.kind", "group-members"))))
                .hasMessageContaining("cxbridge.directory.sources.t.group-id is required");
        assertThatThrownBy(() -> DirectorySources.from(config(Map.of(
                        "cxbridge.directory.sources.u.kind",
                        "users",
                        "cxbridge.directory.sources.u.page-size",
                        "501"))))
                .hasMessageContaining("1 to 500");
        assertThatThrownBy(() -> DirectorySources.from(config(Map.of(
                        "cxbridge.directory.sources.u.kind",
                        "users",
                        "cxbridge.directory.sources.u.mapping.email",
                        "email"))))
                .hasMessageContaining("mapping.email is 'email', not a JSON Pointer");
    }

    /**
     * The scan's {@code limit} "must be between 10 and 200" (the SDK's docs): a page size outside stops start-up,
     * naming the key; with {@code q} the search endpoint is called, whose page size is 1 to 100.
     */
    @Test
    void anExternalContactsPageSizeMustBeWhatTheEndpointItCallsAccepts() {
        for (String tooSmallOrLarge : new String[] {"5", "9", "201"}) {
            assertThatThrownBy(() -> DirectorySources.from(config(Map.of(
                            "cxbridge.directory.sources.v.kind",
                            "external-contacts",
                            "cxbridge.directory.sources.v.page-size",
                            tooSmallOrLarge))))
                    .as(tooSmallOrLarge)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("cxbridge.directory.sources.v.page-size is " + tooSmallOrLarge
                            + "; the platform allows 10 to 200 for external-contacts without q (the contacts scan's"
                            + " limit)");
        }
        for (String fits : new String[] {"10", "150", "200"}) {
            assertThat(DirectorySources.from(config(Map.of(
                                    "cxbridge.directory.sources.v.kind",
                                    "external-contacts",
                                    "cxbridge.directory.sources.v.page-size",
                                    fits)))
                            .of("v")
                            .firstPage())
                    .isEqualTo("/api/v2/externalcontacts/scan/contacts?limit=" + fits);
        }
        // with q: the search's pageSize, 1 to 100
        assertThatThrownBy(() -> DirectorySources.from(config(Map.of(
                        "cxbridge.directory.sources.v.kind",
                        "external-contacts",
                        "cxbridge.directory.sources.v.q",
                        "vip",
                        "cxbridge.directory.sources.v.page-size",
                        "150"))))
                .hasMessage("cxbridge.directory.sources.v.page-size is 150; the platform allows 1 to 100 for "
                        + "external-contacts with q (the contacts search's pageSize)");
        assertThat(DirectorySources.from(config(Map.of(
                                "cxbridge.directory.sources.v.kind",
                                "external-contacts",
                                "cxbridge.directory.sources.v.q",
                                "vip",
                                "cxbridge.directory.sources.v.page-size",
                                "5")))
                        .of("v")
                        .firstPage())
                .isEqualTo("/api/v2/externalcontacts/contacts?pageSize=5&pageNumber=1&q=vip");
        // other kinds keep 1 to their cap
        assertThatThrownBy(() -> DirectorySources.from(config(Map.of(
                        "cxbridge.directory.sources.r.kind",
                        "datatable-rows",
                        "cxbridge.directory.sources.r.datatable-id",
                        "dt",
                        "cxbridge.directory.sources.r.page-size",
                        "0"))))
                .hasMessage("cxbridge.directory.sources.r.page-size is 0; the platform allows 1 to 100 for "
                        + "datatable-rows");
    }

    @Test
    void theInProcessByteBoundDefaultsToAQuarterOfTheHeapAndRefusesMoreThanHalf() {
        long heap = Runtime.getRuntime().maxMemory();
        assertThat(CacheSettings.from(config(Map.of())).maxBytes()).isEqualTo(heap / 4);
        assertThat(CacheSettings.from(config(Map.of("cxbridge.directory.max-bytes", "32M")))
                        .maxBytes())
                .isEqualTo(32L * 1024 * 1024);
        assertThatThrownBy(() -> CacheSettings.from(
                        config(Map.of("cxbridge.directory.max-bytes", String.valueOf(heap / 2 + 1)))))
                .hasMessageContaining("cxbridge.directory.max-bytes")
                .hasMessageContaining("half of the maximum heap");
    }

    @Test
    void aRemembered404LastsThirtySecondsByDefaultZeroTurnsItOffAndANegativeOrOverAnHourOneStopsStartUp() {
        assertThat(CacheSettings.from(config(Map.of())).notFoundTtl()).isEqualTo(java.time.Duration.ofSeconds(30));
        assertThat(CacheSettings.from(config(Map.of("cxbridge.directory.not-found-ttl", "0")))
                        .notFoundTtl())
                .isZero();
        assertThatThrownBy(() -> CacheSettings.from(config(Map.of("cxbridge.directory.not-found-ttl", "-1s"))))
                .hasMessageContaining("cxbridge.directory.not-found-ttl must be 0 (off) or more");
        assertThat(CacheSettings.from(config(Map.of("cxbridge.directory.not-found-ttl", "1h")))
                        .notFoundTtl())
                .isEqualTo(java.time.Duration.ofHours(1));
        // "for ever" is refused at start-up with the key named, not an overflow on the first 404
        for (String tooLong : new String[] {"61m", "9223372036854775807"}) {
            assertThatThrownBy(() -> CacheSettings.from(config(Map.of("cxbridge.directory.not-found-ttl", tooLong))))
                    .as(tooLong)
                    .hasMessageContaining("cxbridge.directory.not-found-ttl must be at most 60 minutes");
        }
    }

    /**
     * {@code seed.allowed-ids}: by default every valid id reads the seed endpoint, as before; globs narrow that,
     * {@code none} allows no unconfigured id; a configured id is readable whatever the list says.
     */
    @Test
    void theSeedAllowListDecidesWhichUnconfiguredIdsAreReadConfiguredOnesAlwaysAre() {
        DirectorySources byDefault = DirectorySources.from(config(Map.of()));
        assertThat(byDefault.allowedSeedIds().patterns()).containsExactly("*");
        assertThat(byDefault.readable("anything_a-client-names")).isTrue();

        DirectorySources narrowed = DirectorySources.from(config(Map.of(
                "cxbridge.directory.seed.allowed-ids", "demo_*, test-?",
                "cxbridge.directory.sources.agents.kind", "users")));
        assertThat(narrowed.readable("demo_")).isTrue();
        assertThat(narrowed.readable("demo_eu-1")).isTrue();
        assertThat(narrowed.readable("test-7")).isTrue();
        assertThat(narrowed.readable("test-77")).isFalse();
        assertThat(narrowed.readable("Demo_x")).as("case-sensitive").isFalse();
        assertThat(narrowed.readable("made_up_1")).isFalse();
        assertThat(narrowed.readable("agents")).as("configured").isTrue();

        DirectorySources none = DirectorySources.from(config(Map.of(
                "cxbridge.directory.seed.allowed-ids", "none",
                "cxbridge.directory.sources.agents.kind", "users")));
        assertThat(none.readable("none")).isFalse();
        assertThat(none.readable("internal_agents")).isFalse();
        assertThat(none.readable("agents")).isTrue();
        assertThat(DirectorySources.notReadable("made_up_1"))
                .contains("made_up_1")
                .contains("cxbridge.directory.seed.allowed-ids");
    }

    /** A pattern that cannot match a directory id (a regular expression, say) stops start-up, naming the key. */
    @Test
    void aSeedAllowListPatternThatCannotMatchAnIdStopsStartUpNamingTheKey() {
        assertThatThrownBy(
                        () -> CacheSettings.from(config(Map.of("cxbridge.directory.seed.allowed-ids", "ok_*,demo_.*"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cxbridge.directory.seed.allowed-ids: 'demo_.*' cannot match a directory id");
        assertThatThrownBy(
                        () -> CacheSettings.from(config(Map.of("cxbridge.directory.seed.allowed-ids", "none,demo_*"))))
                .hasMessageContaining("cxbridge.directory.seed.allowed-ids is none,demo_*; none allows no id");
    }
}
