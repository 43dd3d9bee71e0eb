package io.cxbridge.sim.blob;

import jakarta.enterprise.context.ApplicationScoped;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The deterministic content of {@code GET /api/v2/downloads/blob?size=N}: a fixed 64 KiB block of seeded
 * pseudo-random bytes, repeated and cut at N. The SHA-256 of the first N bytes is computed from digest
 * checkpoints taken every 8 MiB (cloned digest states), so a size is hashed from the nearest checkpoint
 * instead of from byte 0, and answers are cached per size. Nothing ever holds N bytes.
 */
@ApplicationScoped
public class BlobContent {

    public static final int BLOCK = 64 * 1024;
    private static final long CHECKPOINT = 8L * 1024 * 1024;
    private static final int CACHED_SIZES = 256;

    private static final byte[] PATTERN = new byte[BLOCK];

    static {
        new SplittableRandom(0x5EED_C0DEL).nextBytes(PATTERN);
    }

    private final TreeMap<Long, MessageDigest> checkpoints = new TreeMap<>();
    private final Map<Long, String> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, String> eldest) {
            return size() > CACHED_SIZES;
        }
    };

    public BlobContent() {
        checkpoints.put(0L, sha256());
    }

    /** The block the content repeats; a chunk starting at a multiple of {@link #BLOCK} is a prefix of it. */
    public static byte[] block() {
        return PATTERN;
    }

    /** Hex SHA-256 of the first {@code size} bytes. CPU work: call it off the event loop. */
    public String sha256Hex(long size) {
        synchronized (cache) {
            String cached = cache.get(size);
            if (cached != null) {
                return cached;
            }
        }
        MessageDigest digest;
        long at;
        synchronized (checkpoints) {
            long target = (size / CHECKPOINT) * CHECKPOINT;
            Map.Entry<Long, MessageDigest> floor = checkpoints.floorEntry(target);
            at = floor.getKey();
            digest = copy(floor.getValue());
            // extend the checkpoints up to the target, so later sizes start closer
            while (at < target) {
                update(digest, CHECKPOINT);
                at += CHECKPOINT;
                checkpoints.put(at, copy(digest));
            }
        }
        update(digest, size - at);
        String hex = HexFormat.of().formatHex(digest.digest());
        synchronized (cache) {
            cache.put(size, hex);
        }
        return hex;
    }

    /** Feeds {@code length} bytes of content starting at a block boundary. */
    private static void update(MessageDigest digest, long length) {
        long left = length;
        while (left > 0) {
            int n = (int) Math.min(BLOCK, left);
            digest.update(PATTERN, 0, n);
            left -= n;
        }
    }

    private static MessageDigest copy(MessageDigest digest) {
        try {
            return (MessageDigest) digest.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 digest cannot be cloned", e);
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
