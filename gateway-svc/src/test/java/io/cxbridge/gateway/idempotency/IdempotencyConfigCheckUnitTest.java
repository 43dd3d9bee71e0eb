package io.cxbridge.gateway.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cxbridge.gateway.TestConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A budget no client could use stops start-up, naming the key. */
class IdempotencyConfigCheckUnitTest {

    private final IdempotencyConfigCheck check = new IdempotencyConfigCheck();

    @Test
    void theDefaultsPass() {
        var config = TestConfig.gateway(Map.of());
        assertThat(config.idempotency().maxRecordsPerClient()).isEqualTo(100_000);
        assertThat(config.idempotency().maxBytesPerClient().asLongValue()).isEqualTo(64L * 1024 * 1024);
        assertThat(IdempotencyConfigCheck.problems(config.idempotency())).isEmpty();
        check.check(null, config);
    }

    @Test
    void limitsUnderOneAreRefusedNamingTheKey() {
        var config = TestConfig.gateway(Map.of(
                "cxbridge.gateway.idempotency.max-records-per-client", "0",
                "cxbridge.gateway.idempotency.max-bytes-per-client", "0"));
        assertThat(IdempotencyConfigCheck.problems(config.idempotency()))
                .containsExactly(
                        "cxbridge.gateway.idempotency.max-records-per-client must be at least 1, was 0",
                        "cxbridge.gateway.idempotency.max-bytes-per-client must be at least 1 byte, was 0");
        assertThatThrownBy(() -> check.check(null, config))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("invalid gateway configuration: ")
                .hasMessageContaining("max-records-per-client must be at least 1");

        assertThat(IdempotencyConfigCheck.problems(
                        TestConfig.gateway(Map.of("cxbridge.gateway.idempotency.max-records-per-client", "-5"))
                                .idempotency()))
                .containsExactly("cxbridge.gateway.idempotency.max-records-per-client must be at least 1, was -5");
        assertThat(IdempotencyConfigCheck.problems(
                        TestConfig.gateway(Map.of("cxbridge.gateway.idempotency.max-records-per-client", "1"))
                                .idempotency()))
                .isEmpty();
    }

    @Test
    void aRetentionOverSevenDaysIsRefusedNamingTheKey() {
        // the budget sums one hourly usage bucket per hour of the retention in one script call: at most 169 keys
        assertThat(IdempotencyConfigCheck.problems(
                        TestConfig.gateway(Map.of("cxbridge.gateway.idempotency.retention", "7d"))
                                .idempotency()))
                .isEmpty();
        assertThat(IdempotencyConfigCheck.problems(
                        TestConfig.gateway(Map.of("cxbridge.gateway.idempotency.retention", "169h"))
                                .idempotency()))
                .containsExactly("cxbridge.gateway.idempotency.retention must be at most 7d (168h), was 169h");
    }
}
