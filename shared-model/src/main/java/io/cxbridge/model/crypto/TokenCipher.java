package io.cxbridge.model.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts a job's {@code fulfillmentToken} before it reaches Kafka (and genesys-client's access token before it
 * reaches Redis, under its own key set, the Redis key as associated data): AES-256-GCM with a random 96-bit IV,
 * the job's fulfillmentId as associated data (a token cannot be moved to another job), written as
 * {@code v1:<key id>:<base64url(iv || ciphertext || tag)>}. Keys rotate by id: new tokens use the current
 * key, older ones still decrypt while their key id is configured.
 */
public final class TokenCipher {

    public static final String VERSION = "v1";
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    /** The longest key id; with {@link #MAX_TOKEN_BYTES} it bounds what a sealed token can grow to. */
    public static final int MAX_KEY_ID_LENGTH = 64;
    /** The longest clear fulfillmentToken the gateway accepts, in UTF-8 bytes. */
    public static final int MAX_TOKEN_BYTES = 8192;
    /**
     * The longest sealed value of a token of at most {@link #MAX_TOKEN_BYTES}: {@code v1:<key id>:} and the
     * unpadded base64url of IV, ciphertext and tag. What the gateway accepts always fits what consumers accept.
     */
    public static final int MAX_SEALED_LENGTH =
            3 + MAX_KEY_ID_LENGTH + 1 + ((IV_BYTES + MAX_TOKEN_BYTES + TAG_BITS / 8) * 4 + 2) / 3;

    /**
     * Per thread (issue #20): one shared SecureRandom serialises every caller on its lock, and
     * {@code Cipher.getInstance} looks the provider up again on every call; both are on the gateway's ack path.
     */
    private static final ThreadLocal<SecureRandom> RANDOM = ThreadLocal.withInitial(TokenCipher::newRandom);

    private static final ThreadLocal<Cipher> CIPHERS = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM is not available", e);
        }
    });

    private final String currentKeyId;
    private final Map<String, SecretKeySpec> keys;

    /** {@code keys}: key id to a base64 (standard or URL) 256-bit key. */
    public TokenCipher(String currentKeyId, Map<String, String> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no token encryption keys configured");
        }
        this.keys = keys.entrySet().stream()
                .collect(java.util.stream.Collectors.toUnmodifiableMap(
                        Map.Entry::getKey, e -> key(e.getKey(), e.getValue())));
        if (!this.keys.containsKey(currentKeyId)) {
            throw new IllegalArgumentException("the current token key id '" + currentKeyId + "' has no key");
        }
        if (currentKeyId.contains(":")) {
            throw new IllegalArgumentException("a key id may not contain ':'");
        }
        if (currentKeyId.length() > MAX_KEY_ID_LENGTH) {
            throw new IllegalArgumentException("a key id is at most " + MAX_KEY_ID_LENGTH + " characters");
        }
        this.currentKeyId = currentKeyId;
    }

    /**
     * The cipher of a key set configured as {@code <prefix>.current-key-id} and {@code <prefix>.keys}
     * ({@code id=base64key,id2=...}); a missing or malformed setting fails with a message naming the keys.
     */
    public static TokenCipher fromSettings(
            String prefix, java.util.Optional<String> currentKeyId, java.util.Optional<String> keys) {
        String current = currentKeyId
                .filter(s -> !s.isBlank())
                .orElseThrow(
                        () -> new IllegalStateException("set " + prefix + ".current-key-id and " + prefix + ".keys"));
        Map<String, String> parsed = new java.util.LinkedHashMap<>();
        for (String pair : keys.orElse("").split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalStateException(prefix + ".keys is 'id=base64key,...'");
            }
            parsed.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        try {
            return new TokenCipher(current, parsed);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(prefix + ": " + e.getMessage(), e);
        }
    }

    public String encrypt(String token, String fulfillmentId) {
        byte[] iv = new byte[IV_BYTES];
        RANDOM.get().nextBytes(iv);
        try {
            // init with a fresh IV each time: a GCM cipher is never reused with the same key and IV.
            Cipher cipher = CIPHERS.get();
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(currentKeyId), new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(fulfillmentId.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(token.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[iv.length + sealed.length];
            System.arraycopy(iv, 0, out, 0, iv.length);
            System.arraycopy(sealed, 0, out, iv.length, sealed.length);
            return VERSION + ":" + currentKeyId + ":"
                    + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("token encryption failed", e);
        }
    }

    /** The clear token; fails (without echoing the input) when it was not sealed by a configured key for this job. */
    public String decrypt(String sealed, String fulfillmentId) {
        String[] parts = sealed == null ? new String[0] : sealed.split(":", 3);
        if (parts.length != 3 || !parts[0].equals(VERSION)) {
            throw new IllegalArgumentException("not a " + VERSION + " encrypted token");
        }
        SecretKeySpec key = keys.get(parts[1]);
        if (key == null) {
            throw new IllegalArgumentException("unknown token key id '" + parts[1] + "'");
        }
        try {
            byte[] in = Base64.getUrlDecoder().decode(parts[2]);
            if (in.length <= IV_BYTES) {
                throw new IllegalArgumentException("encrypted token is too short");
            }
            Cipher cipher = CIPHERS.get();
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, IV_BYTES));
            cipher.updateAAD(fulfillmentId.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(in, IV_BYTES, in.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "the encrypted token does not open with key '" + parts[1] + "' for this fulfillmentId");
        }
    }

    /** A DRBG instance of its own (the default NativePRNG shares one lock between all its instances). */
    private static SecureRandom newRandom() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (java.security.NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }

    private static SecretKeySpec key(String id, String base64) {
        byte[] raw;
        try {
            raw = base64.contains("-") || base64.contains("_")
                    ? Base64.getUrlDecoder().decode(base64)
                    : Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("token key '" + id + "' is not base64");
        }
        if (raw.length != 32) {
            throw new IllegalArgumentException("token key '" + id + "' must be 256 bits (32 bytes), has " + raw.length);
        }
        return new SecretKeySpec(raw, "AES");
    }
}
