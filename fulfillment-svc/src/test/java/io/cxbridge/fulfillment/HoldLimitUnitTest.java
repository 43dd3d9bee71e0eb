package io.cxbridge.fulfillment;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxbridge.fulfillment.config.FulfillmentConfig;
import io.cxbridge.fulfillment.config.FulfillmentTestConfig;
import io.cxbridge.fulfillment.config.HoldLimit;
import io.smallrye.config.SmallRyeConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The waits a job chooses (DNS retry, Retry-After, the rate budget) end early enough that the job never outlasts the
 * connector's unprocessed-record max age, which fails the channel; settings that cannot work together stop start-up.
 */
class HoldLimitUnitTest {

    static final Instant TAKEN = Instant.parse("2026-03-02T09:00:00Z");

    static SmallRyeConfig config(Map<String, String> values) {
        return FulfillmentTestConfig.config(values);
    }

    static HoldLimit limit(Map<String, String> values) {
        SmallRyeConfig c = config(values);
        return new HoldLimit(c, c.getConfigMapping(FulfillmentConfig.class));
    }

    @Test
    void withTheDefaultsAJobsWaitsEndEightMinutesAfterItsRecordWasTaken() {
        HoldLimit limit = limit(Map.of(HoldLimit.CONNECTOR_MAX_AGE, "600000"));
        // 5 s external attempt + 3 x 8 s posts + 2 x 30 s Retry-After + 30 s margin = 119 s after the last wait
        assertThat(HoldLimit.reserve(config(Map.of()).getConfigMapping(FulfillmentConfig.class)))
                .isEqualTo(Duration.ofSeconds(119));
        assertThat(limit.waitsEndBy(TAKEN)).isEqualTo(TAKEN.plusSeconds(600 - 119));
        assertThat(limit.problem()).isEmpty();
    }

    @Test
    void theChannelsOwnMaxAgeWinsOverTheConnectors() {
        HoldLimit limit = limit(Map.of(HoldLimit.CONNECTOR_MAX_AGE, "600000", HoldLimit.CHANNEL_MAX_AGE, "300000"));
        assertThat(limit.waitsEndBy(TAKEN)).isEqualTo(TAKEN.plusSeconds(300 - 119));
    }

    @Test
    void aMaxAgeTurnedOffLeavesTheDeadlineAsTheOnlyBound() {
        HoldLimit limit = limit(Map.of(HoldLimit.CHANNEL_MAX_AGE, "0"));
        assertThat(limit.waitsEndBy(TAKEN)).isEqualTo(Instant.MAX);
        assertThat(limit.problem()).isEmpty();
    }

    @Test
    void aMaxAgeAJobCouldOutlastWithoutWaitingStopsStartUpNamingTheKeys() {
        // neither key set: the connector's own 60 s, below the 119 s a job may need after its last wait
        assertThat(limit(Map.of()).problem())
                .hasValueSatisfying(p -> assertThat(p)
                        .contains(HoldLimit.CHANNEL_MAX_AGE, "60000 ms", "119000 ms")
                        .contains("cxbridge.fulfillment.callback.timeout"));
        assertThat(limit(Map.of(
                                HoldLimit.CONNECTOR_MAX_AGE,
                                "600000",
                                "cxbridge.fulfillment.callback.timeout",
                                "60s",
                                "cxbridge.fulfillment.callback.attempts",
                                "10"))
                        .problem())
                .as("ten posts of up to a minute do not fit in 10 min")
                .isPresent();
    }
}
