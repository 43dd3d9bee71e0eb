package io.cxbridge.common.crypto;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

/** The keys that seal fulfillment tokens (gateway) and open them (fulfillment-svc). */
@ConfigMapping(prefix = "cxbridge.token-encryption")
public interface TokenEncryptionConfig {

    /** The key id new tokens are sealed with. */
    Optional<String> currentKeyId();

    /** {@code id=base64-256-bit-key,id2=...}: every key a token in flight may still be sealed with. A secret. */
    Optional<String> keys();
}
