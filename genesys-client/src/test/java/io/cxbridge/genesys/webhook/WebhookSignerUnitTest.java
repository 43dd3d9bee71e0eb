package io.cxbridge.genesys.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WebhookSignerUnitTest {

    /** When the signatures below were made. */
    private static final Instant AT = Instant.ofEpochSecond(1_700_000_000L);

    @Test
    void signsTimestampDotBodyWithHmacSha256() {
        String sig = WebhookSigner.signature("s3cret", 1_700_000_000L, "{\"a\":1}");
        // echo -n '1700000000.{"a":1}' | openssl dgst -sha256 -hmac s3cret
        assertThat(sig).isEqualTo("t=1700000000,v1=1698a50bc74d1ff1db85c4e0a5297c2ad9fdba245d5737cdb789e4cc6e098940");
        assertThat(WebhookSigner.verify("s3cret", sig, "{\"a\":1}", AT, WebhookSigner.DEFAULT_TOLERANCE))
                .isTrue();
    }

    @Test
    void rejectsAnotherBodySecretOrTamperedHeader() {
        String sig = WebhookSigner.signature("s3cret", 1_700_000_000L, "{\"a\":1}");
        assertThat(WebhookSigner.verify("s3cret", sig, "{\"a\":2}", AT, WebhookSigner.DEFAULT_TOLERANCE))
                .isFalse();
        assertThat(WebhookSigner.verify("other", sig, "{\"a\":1}", AT, WebhookSigner.DEFAULT_TOLERANCE))
                .isFalse();
        assertThat(WebhookSigner.verify(
                        "s3cret",
                        sig.replace("t=1700000000", "t=1700000001"),
                        "{\"a\":1}",
                        AT,
                        WebhookSigner.DEFAULT_TOLERANCE))
                .isFalse();
        assertThat(WebhookSigner.verify("s3cret", "garbage", "{\"a\":1}")).isFalse();
        assertThat(WebhookSigner.verify("s3cret", null, "{\"a\":1}")).isFalse();
    }

    @Test
    void aStaleOrFarFutureTimestampIsRefusedHoweverValidTheSignature() {
        String sig = WebhookSigner.signature("s3cret", 1_700_000_000L, "{\"a\":1}");
        Duration tolerance = Duration.ofMinutes(5);
        assertThat(WebhookSigner.verify("s3cret", sig, "{\"a\":1}", AT.plusSeconds(300), tolerance))
                .isTrue();
        assertThat(WebhookSigner.verify("s3cret", sig, "{\"a\":1}", AT.plusSeconds(301), tolerance))
                .as("replayed after the window")
                .isFalse();
        assertThat(WebhookSigner.verify("s3cret", sig, "{\"a\":1}", AT.minusSeconds(301), tolerance))
                .as("dated ahead of the window")
                .isFalse();
        assertThat(WebhookSigner.verify("s3cret", sig, "{\"a\":1}"))
                .as("the old method: the system clock and the default 5 minutes")
                .isFalse();
        String fresh = WebhookSigner.signature("s3cret", Instant.now().getEpochSecond(), "{\"a\":1}");
        assertThat(WebhookSigner.verify("s3cret", fresh, "{\"a\":1}")).isTrue();
        assertThat(WebhookSigner.verify("s3cret", "t=99999999999999999999,v1=00", "{\"a\":1}"))
                .isFalse();
    }
}
