package io.cxbridge.genesys.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code X-Cxbridge-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 over "<t>.<body>">}, so a receiver
 * can check both the sender and the freshness of a webhook.
 */
public final class WebhookSigner {

    public static String signature(String secret, long unixSeconds, String body) {
        return "t=" + unixSeconds + ",v1=" + hmac(secret, unixSeconds + "." + body);
    }

    /** How far a signature's timestamp may be from now (either way) by default. */
    public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

    /**
     * True when {@code header} is a valid signature of {@code body} made with {@code secret} and its timestamp is within
     * {@link #DEFAULT_TOLERANCE} of the system clock's now (a replayed old delivery is refused).
     */
    public static boolean verify(String secret, String header, String body) {
        return verify(secret, header, body, Instant.now(), DEFAULT_TOLERANCE);
    }

    /**
     * True when {@code header} is a valid signature of {@code body} made with {@code secret} and its timestamp is no
     * more than {@code tolerance} before or after {@code now}: a signature, however valid, that is older (or
     * claims a time further ahead) is refused, so a captured delivery cannot be replayed later.
     */
    public static boolean verify(String secret, String header, String body, Instant now, Duration tolerance) {
        if (tolerance.isNegative()) {
            throw new IllegalArgumentException("a signature tolerance cannot be negative, was " + tolerance);
        }
        if (header == null) {
            return false;
        }
        String t = null;
        String v1 = null;
        for (String part : header.split(",")) {
            String[] kv = part.trim().split("=", 2);
            if (kv.length == 2 && kv[0].equals("t")) {
                t = kv[1];
            } else if (kv.length == 2 && kv[0].equals("v1")) {
                v1 = kv[1];
            }
        }
        if (t == null || v1 == null || !fresh(t, now, tolerance)) {
            return false;
        }
        byte[] expected = hmac(secret, t + "." + body).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, v1.getBytes(StandardCharsets.US_ASCII));
    }

    /** {@code t} is whole Unix seconds within {@code tolerance} of {@code now}. */
    private static boolean fresh(String t, Instant now, Duration tolerance) {
        if (t.isEmpty() || t.length() > 18) {
            return false;
        }
        for (int i = 0; i < t.length(); i++) {
            if (t.charAt(i) < '0' || t.charAt(i) > '9') {
                return false;
            }
        }
        long skew = Math.abs(Long.parseLong(t) - now.getEpochSecond());
        return skew <= tolerance.getSeconds();
    }

    static String hmac(String secret, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }

    private WebhookSigner() {}
}
