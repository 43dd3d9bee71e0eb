package io.cxbridge.gateway.audit;

import io.vertx.core.buffer.Buffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Watches a body stream go by for the log line: keeps its first {@code limit + 1} bytes and the SHA-256 of all
 * of it, so a small body is logged (redacted) and a large one only as size and hash, without holding it.
 */
public final class BodyTap {

    private final int limit;
    private final Buffer head = Buffer.buffer();
    private final MessageDigest digest;
    private long size;

    public BodyTap(long limit) {
        this.limit = (int) Math.min(Integer.MAX_VALUE - 1, limit);
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static BodyTap of(Buffer whole, long limit) {
        BodyTap tap = new BodyTap(limit);
        tap.accept(whole);
        return tap;
    }

    public void accept(Buffer chunk) {
        size += chunk.length();
        digest.update(chunk.getBytes());
        if (head.length() <= limit) {
            head.appendBuffer(chunk, 0, Math.min(chunk.length(), limit + 1 - head.length()));
        }
    }

    public long size() {
        return size;
    }

    /** The whole body when it was within the limit, else null. */
    public Buffer small() {
        return size <= limit ? head : null;
    }

    public String sha256() {
        try {
            return HexFormat.of().formatHex(((MessageDigest) digest.clone()).digest());
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }
}
