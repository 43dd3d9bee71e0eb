package io.cxbridge.fulfillment;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxbridge.fulfillment.config.FulfillmentConfig;
import io.cxbridge.fulfillment.config.FulfillmentConfigCheck;
import io.cxbridge.fulfillment.config.FulfillmentTestConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Start-up refusals of timeouts no attempt could run with, through the real config mapping. */
class FulfillmentConfigCheckUnitTest {

    static FulfillmentConfig config(String key, String value) {
        return FulfillmentTestConfig.fulfillment(Map.of(key, value));
    }

    @Test
    void theDefaultsPass() {
        assertThat(FulfillmentConfigCheck.problems(config("cxbridge.fulfillment.concurrency", "256")))
                .isEmpty();
    }

    @Test
    void aZeroOrNegativeTimeoutIsRefusedNamingTheKey() {
        for (String key :
                new String[] {"cxbridge.fulfillment.external.timeout", "cxbridge.fulfillment.callback.timeout"}) {
            for (String value : new String[] {"0s", "-1s", "PT0.0005S"}) {
                assertThat(FulfillmentConfigCheck.problems(config(key, value)))
                        .as(key + "=" + value)
                        .singleElement()
                        .asString()
                        .startsWith(key + " must be at least 1ms");
            }
        }
        assertThat(FulfillmentConfigCheck.problems(config("cxbridge.fulfillment.external.attempts", "0")))
                .singleElement()
                .asString()
                .startsWith("cxbridge.fulfillment.external.attempts must be at least 1");
        for (String value : new String[] {"0", "-1"}) {
            assertThat(FulfillmentConfigCheck.problems(config("cxbridge.fulfillment.external.max-answer-bytes", value)))
                    .as("max-answer-bytes=" + value)
                    .singleElement()
                    .asString()
                    .startsWith("cxbridge.fulfillment.external.max-answer-bytes must be at least 1");
        }
    }

    @Test
    void aDlqPayloadBudgetUnderOneRecordIsRefusedButZeroKeepsNone() {
        assertThat(FulfillmentConfigCheck.problems(config("cxbridge.fulfillment.dlq.payload-budget", "512K")))
                .singleElement()
                .asString()
                .startsWith("cxbridge.fulfillment.dlq.payload-budget must be 0 (keep no record value) or at least");
        assertThat(FulfillmentConfigCheck.problems(config("cxbridge.fulfillment.dlq.payload-budget", "0")))
                .isEmpty();
        assertThat(config("cxbridge.fulfillment.concurrency", "256")
                        .dlq()
                        .payloadBudget()
                        .asLongValue())
                .isEqualTo(256L * 1024 * 1024);
    }
}
