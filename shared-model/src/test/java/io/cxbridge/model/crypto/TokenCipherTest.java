package io.cxbridge.model.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TokenCipherTest {

    private static final String K1 = Base64.getEncoder().encodeToString(new byte[32]);
    private static final String K2 = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());

    @Test
    void sealsSoTheClearTokenIsNotReadableAndOpensBackForTheSameJob() {
        TokenCipher cipher = new TokenCipher("k1", Map.of("k1", K1));
        String sealed = cipher.encrypt("s3cr3t-fulfillment-token", "ff-1");
        assertThat(sealed).startsWith("v1:k1:").doesNotContain("s3cr3t");
        assertThat(cipher.encrypt("s3cr3t-fulfillment-token", "ff-1"))
                .as("a fresh IV each time")
                .isNotEqualTo(sealed);
        assertThat(cipher.decrypt(sealed, "ff-1")).isEqualTo("s3cr3t-fulfillment-token");
    }

    @Test
    void aTokenMovedToAnotherJobOrTamperedWithDoesNotOpen() {
        TokenCipher cipher = new TokenCipher("k1", Map.of("k1", K1));
        String sealed = cipher.encrypt("tok", "ff-1");
        assertThatThrownBy(() -> cipher.decrypt(sealed, "ff-2")).hasMessageContaining("does not open");
        String tampered = sealed.substring(0, sealed.length() - 2) + (sealed.endsWith("A") ? "BB" : "AA");
        assertThatThrownBy(() -> cipher.decrypt(tampered, "ff-1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cipher.decrypt("clear-token", "ff-1")).hasMessageContaining("not a v1");
    }

    @Test
    void keysRotateById() {
        String old = new TokenCipher("k1", Map.of("k1", K1)).encrypt("tok", "ff");
        TokenCipher rotated = new TokenCipher("k2", Map.of("k1", K1, "k2", K2));
        assertThat(rotated.decrypt(old, "ff")).isEqualTo("tok");
        assertThat(rotated.encrypt("tok", "ff")).startsWith("v1:k2:");
        assertThatThrownBy(() -> new TokenCipher("k2", Map.of("k2", K2)).decrypt(old, "ff"))
                .hasMessageContaining("unknown token key id 'k1'");
    }

    @Test
    void badKeysAreRefusedClearly() {
        assertThatThrownBy(() -> new TokenCipher("k", Map.of())).hasMessageContaining("no token encryption keys");
        assertThatThrownBy(() -> new TokenCipher("k", Map.of("k", "c2hvcnQ="))).hasMessageContaining("256 bits");
        assertThatThrownBy(() -> new TokenCipher("x", Map.of("k", K1))).hasMessageContaining("'x' has no key");
    }

    @Test
    void theLongestTokenWithTheLongestKeyIdSealsWithinTheSealedLimit() {
        String id = "k".repeat(TokenCipher.MAX_KEY_ID_LENGTH);
        TokenCipher cipher = new TokenCipher(id, Map.of(id, K1));
        String ascii = cipher.encrypt("t".repeat(TokenCipher.MAX_TOKEN_BYTES), "ff");
        assertThat(ascii).hasSize(TokenCipher.MAX_SEALED_LENGTH);
        assertThat(cipher.encrypt("\u20ac".repeat(TokenCipher.MAX_TOKEN_BYTES / 3), "ff")
                        .length())
                .isLessThanOrEqualTo(TokenCipher.MAX_SEALED_LENGTH);
        assertThatThrownBy(() -> new TokenCipher(id + "k", Map.of(id + "k", K1)))
                .hasMessageContaining("at most 64");
    }
}
