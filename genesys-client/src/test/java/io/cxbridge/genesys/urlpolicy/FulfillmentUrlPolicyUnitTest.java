package io.cxbridge.genesys.urlpolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FulfillmentUrlPolicyUnitTest {

    /** A fixed DNS so the test says what each name resolves to. */
    private static final Map<String, String> DNS = Map.of(
            "api.mypurecloud.ie", "52.48.1.10",
            "api.mypurecloud.com", "10.0.0.5",
            "api.mypurecloud.de", "169.254.169.254",
            "api.usw2.pure.cloud", "127.0.0.1",
            "api.mypurecloud.jp", "100.100.7.9");

    private final FulfillmentUrlPolicy policy = new FulfillmentUrlPolicy(
            List.of(
                    "api.mypurecloud.ie",
                    "api.mypurecloud.com",
                    "api.mypurecloud.de",
                    "api.usw2.pure.cloud",
                    "api.euw2.pure.cloud",
                    "api.mypurecloud.jp"),
            List.of("127.0.0.1:8090"),
            host -> {
                String ip = DNS.get(host);
                if (ip == null) {
                    throw new IllegalArgumentException("unknown host");
                }
                try {
                    return new InetAddress[] {InetAddress.getByName(ip)};
                } catch (UnknownHostException e) {
                    throw new IllegalStateException(e);
                }
            });

    @Test
    void anHttpsGenesysHostOnAPublicAddressIsAccepted() {
        assertThat(policy.check("https://api.mypurecloud.ie/api/v2/dataactions/fulfillments/ff-1"))
                .isEmpty();
    }

    @Test
    void aHostThatCannotBeLookedUpIsToldApartFromARefusalByTheVerdict() {
        FulfillmentUrlPolicy.Verdict unresolved =
                policy.verdict("https://api.euw2.pure.cloud/api/v2/dataactions/fulfillments/ff-1");
        assertThat(unresolved.lookupFailed()).isTrue();
        assertThat(unresolved.refusal()).isEmpty();
        assertThat(unresolved.admitted()).isFalse();
        assertThat(unresolved.unresolvedHost()).isEqualTo("api.euw2.pure.cloud");

        FulfillmentUrlPolicy.Verdict refused =
                policy.verdict("https://api.mypurecloud.com/api/v2/dataactions/fulfillments/ff-1");
        assertThat(refused.lookupFailed()).isFalse();
        assertThat(refused.refusal()).hasValueSatisfying(r -> assertThat(r).contains("private"));

        FulfillmentUrlPolicy.Verdict admitted =
                policy.verdict("https://api.mypurecloud.ie/api/v2/dataactions/fulfillments/ff-1");
        assertThat(admitted.admitted()).isTrue();
        assertThat(admitted.lookupFailed()).isFalse();
    }

    @Test
    void refusals() {
        String cb = "/api/v2/dataactions/fulfillments/ff-1";
        assertThat(policy.check("http://api.mypurecloud.ie" + cb)).contains("must use https");
        assertThat(policy.check("https://evil.example" + cb))
                .contains("host evil.example is not an allowed Genesys host");
        assertThat(policy.check("https://api.mypurecloud.com" + cb))
                .get()
                .asString()
                .contains("private");
        assertThat(policy.check("https://api.mypurecloud.de" + cb))
                .get()
                .asString()
                .contains("link-local");
        assertThat(policy.check("https://api.usw2.pure.cloud" + cb))
                .get()
                .asString()
                .contains("loopback");
        assertThat(policy.check("https://api.euw2.pure.cloud" + cb))
                .contains("host api.euw2.pure.cloud does not resolve");
        assertThat(policy.check("https://api.mypurecloud.jp" + cb))
                .get()
                .asString()
                .contains("carrier-grade NAT");
        assertThat(policy.check("https://100.64.0.1" + cb)).get().asString().contains("not an allowed Genesys host");
        assertThat(policy.check("https://user:pw@api.mypurecloud.ie" + cb)).contains("must not carry user info");
        assertThat(policy.check("/api/v2/x")).contains("must be an absolute URL with a host");
        assertThat(policy.check("ht tp://x")).contains("is not a valid URL");
        assertThat(policy.check(" ")).contains("is required");
        assertThat(policy.check("http://127.0.0.1:9999" + cb)).contains("must use https");
    }

    @Test
    void thePathMustBeTheCallbackPathWithOneFulfillmentId() {
        for (String path : List.of(
                "/sim/reset",
                "/api/v2/users",
                "/api/v2/dataactions/fulfillments/../../users",
                "/api/v2/dataactions/fulfillments/a/b",
                "/api/v2/dataactions/fulfillments/",
                "/api/v2/dataactions/fulfillments",
                "/api/v2/dataactions/fulfillments/..",
                "/api/v2/dataactions/fulfillments/.",
                "/api/v2/dataactions/fulfillments/%2e%2e",
                "/api/v2/dataactions/fulfillments/a%2fb",
                "//api/v2/dataactions/fulfillments/a",
                "/api/v2/dataactions//fulfillments/a",
                "/api/v2/dataactions/fulfillments/a;x=1",
                "/API/v2/dataactions/fulfillments/a",
                "/api/v2/dataactions/fulfillments/" + "a".repeat(257))) {
            assertThat(policy.check("https://api.mypurecloud.ie" + path))
                    .as(path)
                    .get()
                    .asString()
                    .startsWith("path must be");
            assertThat(policy.check("http://127.0.0.1:8090" + path))
                    .as("a test host too: " + path)
                    .get()
                    .asString()
                    .startsWith("path must be");
        }
        // the refusal goes to logs, audit events and dead letters: it never quotes the path
        assertThat(policy.check("https://api.mypurecloud.ie/api/v2/dataactions/fulfillments/+14155550100/x"))
                .get()
                .asString()
                .startsWith("path must be")
                .doesNotContain("4155550100");
        assertThat(policy.check("https://api.mypurecloud.ie/api/v2/dataactions/fulfillments/a?x=1"))
                .contains("must not carry a query or a fragment");
        assertThat(policy.check("https://api.mypurecloud.ie/api/v2/dataactions/fulfillments/a#f"))
                .contains("must not carry a query or a fragment");
        assertThat(policy.check("https://api.mypurecloud.ie/api/v2/dataactions/fulfillments/" + "a".repeat(256)))
                .isEmpty();
        assertThat(policy.check("https://api.mypurecloud.ie/api/v2/dataactions/fulfillments/0b5f7a2c-3d4e_4f.60~9"))
                .isEmpty();
    }

    @Test
    void onlyTheDefaultPortOfTheSchemeUnlessATestHost() {
        String cb = "/api/v2/dataactions/fulfillments/ff-1";
        assertThat(policy.check("https://api.mypurecloud.ie:8443" + cb)).contains("must use the default port of https");
        assertThat(policy.check("https://api.mypurecloud.ie:443" + cb)).isEmpty();
        assertThat(policy.check("http://127.0.0.1:8091" + cb)).contains("must use https");
    }

    @Test
    void aCallbackPathSettingWithoutExactlyOnePlaceholderIsRefused() {
        assertThatThrownBy(() -> new FulfillmentUrlPolicy(List.of(), List.of(), "/api/v2/x", h -> null))
                .hasMessageContaining("callback-path");
        assertThat(new FulfillmentUrlPolicy(List.of(), List.of("127.0.0.1:1"), "/cb/{fulfillmentId}/result", h -> null)
                        .check("http://127.0.0.1:1/cb/f-1/result"))
                .isEmpty();
    }

    @Test
    void aConfiguredTestHostMayUseHttpOnLoopback() {
        assertThat(policy.check("http://127.0.0.1:8090/api/v2/dataactions/fulfillments/ff-1"))
                .isEmpty();
    }

    @Test
    void onlyANamedHostThatPassesEveryOtherRuleIsLookedUpInDns() {
        String cb = "/api/v2/dataactions/fulfillments/ff-1";
        assertThat(policy.resolvesDns("https://api.mypurecloud.ie" + cb)).isTrue();
        // Refused before any lookup, a test host, or an address literal: the check may run on an event loop.
        assertThat(policy.resolvesDns("https://evil.example" + cb)).isFalse();
        assertThat(policy.resolvesDns("https://api.mypurecloud.ie/elsewhere")).isFalse();
        assertThat(policy.resolvesDns("http://127.0.0.1:8090" + cb)).isFalse();
        assertThat(policy.resolvesDns(null)).isFalse();
        FulfillmentUrlPolicy literals =
                new FulfillmentUrlPolicy(List.of("52.48.1.10", "[2001:db8::1]"), List.of(), h -> {
                    throw new AssertionError("no lookup for " + h);
                });
        assertThat(literals.resolvesDns("https://52.48.1.10" + cb)).isFalse();
        assertThat(literals.resolvesDns("https://[2001:db8::1]" + cb)).isFalse();
    }
}
