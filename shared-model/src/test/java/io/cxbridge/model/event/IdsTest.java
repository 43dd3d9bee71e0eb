package io.cxbridge.model.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class IdsTest {

    @Test
    void newTraceIdsAreW3cTraceIds() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String id = Ids.newTraceId();
            assertThat(id).hasSize(32).matches(Ids.TRACE_ID_REGEX).isNotEqualTo("0".repeat(32));
            seen.add(id);
        }
        assertThat(seen).hasSize(1000);
    }

    @Test
    void traceIdPatternRefusesAllZeroUppercaseAndWrongLength() {
        assertThat("0".repeat(32)).doesNotMatch(Ids.TRACE_ID_REGEX);
        assertThat("4BF92F3577B34DA6A3CE929D0E0E4736").doesNotMatch(Ids.TRACE_ID_REGEX);
        assertThat("4bf92f3577b34da6a3ce929d0e0e473").doesNotMatch(Ids.TRACE_ID_REGEX);
        assertThat("4bf92f3577b34da6a3ce929d0e0e4736").matches(Ids.TRACE_ID_REGEX);
    }

    @Test
    void uuidPatternMatchesJavaUuids() {
        for (int i = 0; i < 100; i++) {
            assertThat(UUID.randomUUID().toString()).matches(Ids.UUID_REGEX);
        }
        assertThat(UUID.randomUUID().toString().toUpperCase()).matches(Ids.UUID_REGEX);
        assertThat(UUID.randomUUID().toString().replace("-", "")).doesNotMatch(Ids.UUID_REGEX);
    }

    @Test
    void actionAndDirectoryIdPatternsAreUrlPathSafe() {
        for (String unsafe : new String[] {"a/b", "..", "a%2Fb", "a\\b", "a b", "a?b", "a#b", ""}) {
            assertThat(unsafe).doesNotMatch(Ids.ACTION_ID_REGEX).doesNotMatch(Ids.DIRECTORY_ID_REGEX);
        }
        assertThat("custom_-_8f14e45f-ceea-4e7a-9b1c-2d3e4f5a6b7c").matches(Ids.ACTION_ID_REGEX);
        assertThat("internal_agents").matches(Ids.DIRECTORY_ID_REGEX);
    }
}
