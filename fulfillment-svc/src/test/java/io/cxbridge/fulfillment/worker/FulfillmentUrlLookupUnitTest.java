package io.cxbridge.fulfillment.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.cxbridge.fulfillment.config.FulfillmentConfig;
import io.cxbridge.fulfillment.config.FulfillmentTestConfig;
import io.cxbridge.genesys.urlpolicy.FulfillmentUrlConfig;
import io.cxbridge.genesys.urlpolicy.FulfillmentUrlPolicy;
import io.smallrye.config.SmallRyeConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A failed lookup of an allowed host is not a refusal: it is tried again until the given instant; names off the
 * allow-list and forbidden addresses are still refused.
 */
class FulfillmentUrlLookupUnitTest {

    static final String URL = "https://api.mypurecloud.com/api/v2/dataactions/fulfillments/f-1";

    private final AtomicInteger lookups = new AtomicInteger();

    private FulfillmentUrlLookup lookup(int failures, int... octets) {
        byte[] address = new byte[octets.length];
        for (int i = 0; i < octets.length; i++) {
            address[i] = (byte) octets[i];
        }
        SmallRyeConfig config = FulfillmentTestConfig.config(
                Map.of(
                        "cxbridge.fulfillment.retry.initial-delay", "10ms",
                        "cxbridge.fulfillment.retry.max-delay", "20ms"),
                FulfillmentUrlConfig.class);
        HostResolver resolver = host -> {
            if (lookups.incrementAndGet() <= failures) {
                throw new UnknownHostException(host + ": SERVFAIL");
            }
            return new InetAddress[] {InetAddress.getByAddress(host, address)};
        };
        return new FulfillmentUrlLookup(
                config.getConfigMapping(FulfillmentUrlConfig.class),
                config.getConfigMapping(FulfillmentConfig.class),
                resolver,
                Clock.systemUTC());
    }

    @Test
    void aFailedLookupIsNotARefusal() {
        FulfillmentUrlPolicy.Verdict v = lookup(1, 203, 0, 113, 7).check(URL);
        assertThat(v.lookupFailed()).isTrue();
        assertThat(v.refusal()).isEmpty();
    }

    @Test
    void aLookupThatFailsFirstAndResolvesLaterAdmitsTheUrl() {
        FulfillmentUrlPolicy.Verdict v = lookup(3, 203, 0, 113, 7)
                .checkUntil(URL, java.time.Instant.now().plusSeconds(30), "job-1")
                .await()
                .atMost(Duration.ofSeconds(10));
        assertThat(v.lookupFailed()).isFalse();
        assertThat(v.refusal()).isEmpty();
        assertThat(lookups).hasValue(4);
    }

    @Test
    void aLookupThatResolvesLaterToAPrivateAddressIsStillRefused() {
        FulfillmentUrlPolicy.Verdict v = lookup(2, 10, 1, 2, 3)
                .checkUntil(URL, java.time.Instant.now().plusSeconds(30), "job-1")
                .await()
                .atMost(Duration.ofSeconds(10));
        assertThat(v.lookupFailed()).isFalse();
        assertThat(v.refusal()).hasValueSatisfying(r -> assertThat(r).contains("private"));
    }

    @Test
    void noLookupBeforeTheGivenInstantEndsUnresolved() {
        FulfillmentUrlPolicy.Verdict v = lookup(Integer.MAX_VALUE, 203, 0, 113, 7)
                .checkUntil(URL, java.time.Instant.now().plusMillis(200), "job-1")
                .await()
                .atMost(Duration.ofSeconds(10));
        assertThat(v.lookupFailed()).isTrue();
        assertThat(lookups.get()).isGreaterThan(1);
    }

    @Test
    void aHostOffTheAllowListIsRefusedWithoutALookup() {
        FulfillmentUrlPolicy.Verdict v =
                lookup(0, 203, 0, 113, 7).check("https://api.example.com/api/v2/dataactions/fulfillments/f-1");
        assertThat(v.refusal()).hasValueSatisfying(r -> assertThat(r).contains("not an allowed Genesys host"));
        assertThat(lookups).hasValue(0);
    }
}
