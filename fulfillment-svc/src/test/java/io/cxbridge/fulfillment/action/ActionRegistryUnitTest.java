package io.cxbridge.fulfillment.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The start-up checks, through the real configuration mapping: what stops the service, naming the action. */
class ActionRegistryUnitTest {

    private static ActionRegistry registry(Map<String, String> props) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(ActionsConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(props, "test", 500))
                .build();
        ActionUrlPolicy.Resolver resolver = host -> switch (host) {
            case "api.example.com" ->
                new InetAddress[] {InetAddress.getByAddress(host, new byte[] {93, (byte) 184, (byte) 215, 14})};
            case "internal.example.com" -> new InetAddress[] {InetAddress.getByAddress(host, new byte[] {10, 0, 0, 7})};
            case "metadata.example.com" ->
                new InetAddress[] {
                    InetAddress.getByAddress(host, new byte[] {(byte) 169, (byte) 254, (byte) 169, (byte) 254})
                };
            default -> {
                if (host.matches("[0-9.]+")) {
                    yield InetAddress.getAllByName(host);
                }
                throw new UnknownHostException(host);
            }
        };
        return new ActionRegistry(
                config.getConfigMapping(ActionsConfig.class),
                Clock.systemUTC(),
                new ActionMetrics(new SimpleMeterRegistry()),
                resolver);
    }

    private static Map<String, String> action(String name, String url) {
        Map<String, String> p = new HashMap<>();
        p.put("cxbridge.actions." + name + ".url", url);
        return p;
    }

    @Test
    void aHostPlaceholderStopsStartUpNamingTheAction() {
        assertThatThrownBy(() -> registry(action("tenantLookup", "https://{tenant}.example.com/orders/{id}")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cxbridge.actions.tenantLookup")
                .hasMessageContaining("placeholder in its scheme or host");
    }

    @Test
    void anAnswerBoundUnderOneByteStopsStartUpNamingTheKey() {
        Map<String, String> p = action("orders", "https://api.example.com/orders/{id}");
        p.put("cxbridge.actions.orders.max-answer-bytes", "0");
        assertThatThrownBy(() -> registry(p))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cxbridge.actions.orders.max-answer-bytes must be at least 1");
    }

    @Test
    void theDefaultsAreTheSpecs() {
        ActionRegistry r = registry(action("orders", "https://api.example.com/orders/{id}"));
        ActionRegistry.Configured c = r.find("orders").orElseThrow();
        assertThat(c.config().budget()).hasSeconds(8);
        assertThat(c.config().method()).isEqualTo("POST");
        assertThat(c.config().forwardBody()).isTrue();
        assertThat(c.config().headers()).isEmpty();
        assertThat(c.config().breaker().failures()).isEqualTo(5);
        assertThat(c.config().breaker().window()).hasSeconds(30);
        assertThat(c.config().breaker().halfOpenAfter()).hasSeconds(15);
        assertThat(c.config().cache().enabled()).isFalse();
        assertThat(r.find("other")).isEmpty();
    }

    @Test
    void theUrlPolicyRefusesHttpPrivateLinkLocalUnresolvableAndUnlistedHosts() {
        assertThatThrownBy(() -> registry(action("a", "http://api.example.com/x")))
                .hasMessageContaining("cxbridge.actions.a")
                .hasMessageContaining("https");
        assertThatThrownBy(() -> registry(action("b", "https://internal.example.com/x")))
                .hasMessageContaining("cxbridge.actions.b")
                .hasMessageContaining("private");
        assertThatThrownBy(() -> registry(action("c", "https://metadata.example.com/x")))
                .hasMessageContaining("cxbridge.actions.c")
                .hasMessageContaining("link-local");
        assertThatThrownBy(() -> registry(action("d", "https://nowhere.invalid/x")))
                .hasMessageContaining("cxbridge.actions.d")
                .hasMessageContaining("does not resolve");
        Map<String, String> listed = action("e", "https://api.example.com/x");
        listed.put("cxbridge.actions.e.url-policy.allowed-hosts", "other.example.com");
        assertThatThrownBy(() -> registry(listed))
                .hasMessageContaining("cxbridge.actions.e")
                .hasMessageContaining("allowed-hosts");
        assertThatThrownBy(() -> registry(action("f", "https://127.0.0.1:8443/x")))
                .hasMessageContaining("cxbridge.actions.f")
                .hasMessageContaining("loopback");
    }

    @Test
    void aTestHostMayBeHttpOnLoopback() {
        Map<String, String> p = action("echo", "http://127.0.0.1:8090/external/api");
        p.put("cxbridge.actions.echo.url-policy.test-hosts", "127.0.0.1:8090");
        assertThat(registry(p).find("echo")).isPresent();
    }
}
