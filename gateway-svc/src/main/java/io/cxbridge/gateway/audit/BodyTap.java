package io.cxbridge.gateway.audit;

import io.cxbridge.genesys.redaction.Redactor;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Watches a body stream go by for the log line: keeps the body while it is within {@code limit} bytes, and once it
 * is past the limit drops what it kept and keeps only its SHA-256, so a small body is logged (redacted) and a large
 * one only as size and hash, without holding it. Chunks are read in place through their buffer's memory: one copy
 * of a small body (the one kept for the log), none of a large one, and no hashing at all of a body never logged as a
 * hash.
 */
public final class BodyTap {

    private static final byte[] NOTHING = new byte[0];

    private final int limit;
    private long size;
    /** The streamed body while it is within the limit: {@code head[0, held)}. */
    private byte[] head = NOTHING;

    private int held;
    /** A whole body handed over by {@link #of}, within the limit: kept as it is, not copied. */
    private Buffer whole;
    /** Only once the body is past the limit. */
    private MessageDigest digest;

    public BodyTap(long limit) {
        this.limit = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(0, limit));
    }

    /** A tap over a body already held whole; the caller does not change {@code whole} afterwards. */
    public static BodyTap of(Buffer whole, long limit) {
        BodyTap tap = new BodyTap(limit);
        if (whole.length() <= tap.limit) {
            tap.whole = whole;
            tap.size = whole.length();
        } else {
            tap.accept(whole);
        }
        return tap;
    }

    public void accept(Buffer chunk) {
        ByteBuf bytes = chunk.getByteBuf(); // a view of the chunk's memory, no copy
        int length = bytes.readableBytes();
        long before = size;
        size += length;
        if (size <= limit) {
            keep(bytes, length);
            return;
        }
        if (before <= limit) {
            startDigest(); // just past the limit: what was kept goes into the hash, then is let go
        }
        hash(digest, bytes);
    }

    public long size() {
        return size;
    }

    /** The whole body when it was within the limit, else null. */
    public Buffer small() {
        if (size > limit) {
            return null;
        }
        return whole != null ? whole : Buffer.buffer(Unpooled.wrappedBuffer(head, 0, held));
    }

    public String sha256() {
        MessageDigest finished;
        if (digest != null) {
            try {
                finished = (MessageDigest) digest.clone(); // the tap may still be given more
            } catch (CloneNotSupportedException e) {
                throw new IllegalStateException(e);
            }
        } else {
            finished = newDigest();
            feedHeld(finished);
        }
        return HexFormat.of().formatHex(finished.digest());
    }

    /**
     * The body as the log line shows it: nothing when there was none; within the limit redacted by its content type
     * (read in place); past it only its size and SHA-256.
     */
    public String logged(Redactor redactor, String contentType) {
        if (size == 0) {
            return "";
        }
        if (size > limit) {
            return size + " B sha256 " + sha256();
        }
        if (whole == null) {
            return redactor.body(contentType, head, 0, held);
        }
        ByteBuf bytes = whole.getByteBuf();
        return bytes.hasArray()
                ? redactor.body(
                        contentType, bytes.array(), bytes.arrayOffset() + bytes.readerIndex(), bytes.readableBytes())
                : redactor.body(contentType, whole.getBytes());
    }

    private void keep(ByteBuf bytes, int length) {
        if (whole != null) { // a tap made by of() that is given more: from now on it keeps its own copy
            Buffer first = whole;
            whole = null;
            keep(first.getByteBuf(), first.length());
        }
        if (held + length > head.length) {
            head = Arrays.copyOf(head, Math.min(limit, Math.max(held + length, Math.max(256, head.length * 2))));
        }
        bytes.getBytes(bytes.readerIndex(), head, held, length);
        held += length;
    }

    private void startDigest() {
        digest = newDigest();
        feedHeld(digest);
        whole = null;
        head = NOTHING;
        held = 0;
    }

    private void feedHeld(MessageDigest into) {
        if (whole != null) {
            hash(into, whole.getByteBuf());
        } else {
            into.update(head, 0, held);
        }
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void hash(MessageDigest digest, ByteBuf bytes) {
        if (bytes.hasArray()) {
            digest.update(bytes.array(), bytes.arrayOffset() + bytes.readerIndex(), bytes.readableBytes());
            return;
        }
        for (ByteBuffer part : bytes.nioBuffers()) {
            digest.update(part);
        }
    }
}
