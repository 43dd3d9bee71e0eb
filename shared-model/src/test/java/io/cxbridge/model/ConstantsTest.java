package io.cxbridge.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConstantsTest {

    @Test
    void channelNamesAreDistinctSoSmallRyeNeverWiresInToOut() throws Exception {
        List<String> names = Arrays.stream(Channels.class.getDeclaredFields())
                .filter(f -> Modifier.isStatic(f.getModifiers()) && f.getType() == String.class)
                .map(f -> {
                    try {
                        return (String) f.get(null);
                    } catch (IllegalAccessException e) {
                        throw new AssertionError(e);
                    }
                })
                .toList();
        assertThat(names).isNotEmpty().doesNotHaveDuplicates().allMatch(n -> n.endsWith("-in") || n.endsWith("-out"));
        assertThat(Channels.FAILED_RUNS_IN).isNotEqualTo(Channels.FAILED_RUNS_OUT);
        assertThat(Channels.FULFILLMENT_JOBS_IN).isNotEqualTo(Channels.FULFILLMENT_JOBS_OUT);
        assertThat(Channels.RETENTION_REQUESTS_IN).isNotEqualTo(Channels.RETENTION_REQUESTS_OUT);
        assertThat(Channels.DIRECTORY_INVALIDATIONS_IN).isNotEqualTo(Channels.DIRECTORY_INVALIDATIONS_OUT);
    }

    @Test
    void deadLetterHeadersAreTheSpecNames() {
        assertThat(List.of(Headers.ERROR_CLASS, Headers.ERROR_REASON, Headers.ATTEMPTS, Headers.FIRST_SEEN))
                .containsExactly(
                        "cxbridge-error-class", "cxbridge-error-reason", "cxbridge-attempts", "cxbridge-first-seen");
        assertThat(Headers.REQUEST_ID).isEqualTo("X-Cxbridge-Request-Id");
        assertThat(Headers.ATTEMPT).isEqualTo("X-Cxbridge-Attempt");
        assertThat(Headers.ASYNC_RETRY).isEqualTo("X-Cxbridge-Async-Retry");
        assertThat(Headers.SIGNATURE).isEqualTo("X-Cxbridge-Signature");
    }

    @Test
    void jsonMapperWritesInstantsAsIsoStrings() throws Exception {
        String json = Json.mapper().writeValueAsString(java.util.Map.of("at", java.time.Instant.EPOCH));
        assertThat(json).isEqualTo("{\"at\":\"1970-01-01T00:00:00Z\"}");
    }

    @Test
    void configureAppliesTheContractToAnotherMapper() throws Exception {
        var other = Json.configure(new com.fasterxml.jackson.databind.ObjectMapper());
        record R(String a) {}
        assertThat(other.readValue("{\"a\":\"x\",\"unknown\":1}", R.class).a()).isEqualTo("x");
        assertThat(other.writeValueAsString(java.util.Map.of("at", java.time.Instant.EPOCH)))
                .contains("1970-01-01T00:00:00Z");
    }
}
