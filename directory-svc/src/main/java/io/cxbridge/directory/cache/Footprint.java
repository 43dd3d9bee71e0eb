package io.cxbridge.directory.cache;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.directory.entry.DirectoryEntry;

/**
 * Estimated heap bytes of a cached directory, for the in-process byte bound. Deliberately on the high side of
 * a 64-bit JVM with compressed references: an object header and fields per entry, a String (object, array
 * header, one byte per Latin-1 character, two otherwise) per text, and a Jackson tree at about four times its
 * JSON length.
 */
public final class Footprint {

    private static final long DIRECTORY = 256;
    private static final long ENTRY = 48;
    private static final long STRING = 56;

    public static long of(CachedDirectory d) {
        long bytes = DIRECTORY + 16L * d.entries().size();
        for (DirectoryEntry e : d.entries()) {
            bytes += ENTRY
                    + text(e.id())
                    + text(e.name())
                    + text(e.address())
                    + text(e.email())
                    + text(e.phone())
                    + tree(e.customAttributes());
        }
        return bytes;
    }

    private static long text(String s) {
        if (s == null) {
            return 0;
        }
        boolean latin1 = s.chars().allMatch(c -> c < 256);
        return STRING + (latin1 ? s.length() : 2L * s.length());
    }

    private static long tree(JsonNode n) {
        return n == null ? 0 : 64 + 4L * n.toString().length();
    }

    private Footprint() {}
}
