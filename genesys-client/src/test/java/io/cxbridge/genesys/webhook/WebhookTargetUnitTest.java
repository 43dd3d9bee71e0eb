package io.cxbridge.genesys.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WebhookTargetUnitTest {

    private static Optional<WebhookTarget> of(Optional<String> url, Optional<String> secret) {
        return WebhookTarget.of("t", "x.webhook.url", url, "x.webhook.secret", secret, Duration.ofSeconds(3));
    }

    @Test
    void noUrlMeansNoWebhook() {
        assertThat(of(Optional.empty(), Optional.empty())).isEmpty();
        assertThat(of(Optional.of("  "), Optional.empty())).isEmpty();
    }

    @Test
    void aUrlWithoutASecretIsRefusedNamingBothProperties() {
        assertThatThrownBy(() -> of(Optional.of("https://hooks.example/x"), Optional.empty()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("x.webhook.url is set but x.webhook.secret is not");
        assertThatThrownBy(() -> of(Optional.of("https://hooks.example/x"), Optional.of(" ")))
                .hasMessageContaining("x.webhook.secret");
    }

    @Test
    void aUrlThatIsNotAbsoluteHttpIsRefusedNamingTheProperty() {
        assertThatThrownBy(() -> of(Optional.of("/relative"), Optional.of("s")))
                .hasMessageContaining("x.webhook.url must be an absolute http or https URL");
        assertThatThrownBy(() -> of(Optional.of("ftp://host/x"), Optional.of("s")))
                .hasMessageContaining("x.webhook.url");
        assertThatThrownBy(() -> of(Optional.of("http://bad host/"), Optional.of("s")))
                .hasMessageContaining("x.webhook.url is not a valid URL");
    }

    @Test
    void aValidTargetNeverPrintsItsSecretOrPath() {
        WebhookTarget t = of(Optional.of("https://hooks.example/token-123"), Optional.of("s3cret"))
                .orElseThrow();
        assertThat(t.secret()).isEqualTo("s3cret");
        assertThat(t.toString())
                .doesNotContain("s3cret")
                .doesNotContain("token-123")
                .contains("hooks.example");
    }
}
