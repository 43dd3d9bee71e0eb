package io.cxbridge.genesys.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WebhookSignerUnitTest {

    @Test
    void signsTimestampDotBodyWithHmacSha256() {
        String sig = WebhookSigner.signature("s3cret", 1_700_000_000L, "{\"a\":1}");
        // echo -n '1700000000.{"a":1}' | openssl dgst -sha256 -hmac s3cret
        assertThat(sig).isEqualTo("t=1700000000,v1=1698a50bc74d1ff1db85c4e0a5297c2ad9fdba245d5737cdb789e4cc6e098940");
        assertThat(WebhookSigner.verify("s3cret", sig, "{\"a\":1}")).isTrue();
    }

    @Test
    void rejectsAnotherBodySecretOrTamperedHeader() {
        String sig = WebhookSigner.signature("s3cret", 1_700_000_000L, "{\"a\":1}");
        assertThat(WebhookSigner.verify("s3cret", sig, "{\"a\":2}")).isFalse();
        assertThat(WebhookSigner.verify("other", sig, "{\"a\":1}")).isFalse();
        assertThat(WebhookSigner.verify("s3cret", sig.replace("t=1700000000", "t=1700000001"), "{\"a\":1}"))
                .isFalse();
        assertThat(WebhookSigner.verify("s3cret", "garbage", "{\"a\":1}")).isFalse();
        assertThat(WebhookSigner.verify("s3cret", null, "{\"a\":1}")).isFalse();
    }
}
