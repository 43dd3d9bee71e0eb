package io.cxbridge.common.crypto;

import io.cxbridge.model.crypto.TokenCipher;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Builds the {@link TokenCipher} from configuration; a service that needs it and has no keys does not start. */
@Singleton
public class TokenCipherProducer {

    @Produces
    @Singleton
    TokenCipher tokenCipher(TokenEncryptionConfig config) {
        return TokenCipher.fromSettings("cxbridge.token-encryption", config.currentKeyId(), config.keys());
    }
}
