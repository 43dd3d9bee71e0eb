package io.cxbridge.genesys.urlpolicy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FulfillmentUrlPolicyTest {

    /** A fixed DNS so the test says what each name resolves to. */
    private static final Map<String, String> DNS = Map.of(
            "api.mypurecloud.ie", "52.48.1.10",
            "api.mypurecloud.com", "10.0.0.5",
            "api.mypurecloud.de", "169.254.169.254",
            "api.usw2.pure.cloud", "127.0.0.1");

    private final FulfillmentUrlPolicy policy = new FulfillmentUrlPolicy(
            List.of("api.mypurecloud.ie", "api.mypurecloud.com", "api.mypurecloud.de", "api.usw2.pure.cloud",
                    "api.euw2.pure.cloud"),
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
        assertThat(policy.check("https://api.mypurecloud.ie/api/v2/dataactions/fulfillments/ff-1")).isEmpty();
    }

    @Test
    void refusals() {
        assertThat(policy.check("http://api.mypurecloud.ie/api/v2/x")).contains("must use https");
        assertThat(policy.check("https://evil.example/api/v2/x")).contains("host evil.example is not an allowed Genesys host");
        assertThat(policy.check("https://api.mypurecloud.com/x")).get().asString().contains("private");
        assertThat(policy.check("https://api.mypurecloud.de/x")).get().asString().contains("link-local");
        assertThat(policy.check("https://api.usw2.pure.cloud/x")).get().asString().contains("loopback");
        assertThat(policy.check("https://api.euw2.pure.cloud/x")).contains("host api.euw2.pure.cloud does not resolve");
        assertThat(policy.check("https://user:pw@api.mypurecloud.ie/x")).contains("must not carry user info");
        assertThat(policy.check("/api/v2/x")).contains("must be an absolute URL with a host");
        assertThat(policy.check("ht tp://x")).contains("is not a valid URL");
        assertThat(policy.check(" ")).contains("is required");
        assertThat(policy.check("http://127.0.0.1:9999/x")).contains("must use https");
    }

    @Test
    void aConfiguredTestHostMayUseHttpOnLoopback() {
        assertThat(policy.check("http://127.0.0.1:8090/api/v2/dataactions/fulfillments/ff-1")).isEmpty();
    }
}
