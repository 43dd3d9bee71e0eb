package io.cxbridge.common.kafka;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * An id from a record, bounded before it becomes an audit event's subject (its Kafka key and {@code ce_subject}), a
 * key or a log line's text. An id comes from whoever produced the record: a fulfillmentId or key of 400 KB made an
 * audit record over the producer's 1 MiB {@code max.request.size}, which no retry mends, and the consumer stopped.
 * A longer id keeps its beginning and ends with the SHA-256 of the whole, so two long ids stay apart (and a key keeps
 * its partition for the same id).
 */
public final class BoundedId {

    /** The longest id kept as it is, in chars; a contract id (UUID, fulfillmentId, trace id) is well within it. */
    public static final int MAX_CHARS = 256;

    private static final String HASH_MARK = "~sha256:";
    /** What a bounded id keeps of the original: the rest of {@link #MAX_CHARS} goes to the mark and the hash. */
    private static final int KEPT = MAX_CHARS - HASH_MARK.length() - 64;

    /** {@code id} itself when at most {@link #MAX_CHARS} chars (or null), else its beginning and its SHA-256. */
    public static String of(String id) {
        if (id == null || id.length() <= MAX_CHARS) {
            return id;
        }
        int end = Character.isHighSurrogate(id.charAt(KEPT - 1)) ? KEPT - 1 : KEPT; // never half a character
        return id.substring(0, end) + HASH_MARK + sha256(id.getBytes(StandardCharsets.UTF_8));
    }

    /** The SHA-256 of {@code bytes} in lower-case hex. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private BoundedId() {}
}
