package io.cxbridge.common.crypto;

import io.cxbridge.model.crypto.TokenCipher;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds the {@link TokenCipher} from configuration; a service that needs it and has no keys does not start. */
@Singleton
public class TokenCipherProducer {

    @Produces
    @Singleton
    TokenCipher tokenCipher(TokenEncryptionConfig config) {
        String current = config.currentKeyId().orElseThrow(() -> new IllegalStateException(
                "set cxbridge.token-encryption.current-key-id and cxbridge.token-encryption.keys"));
        return new TokenCipher(current, parse(config.keys().orElse("")));
    }

    static Map<String, String> parse(String keys) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : keys.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalStateException("cxbridge.token-encryption.keys is 'id=base64key,...'");
            }
            out.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return out;
    }
}
