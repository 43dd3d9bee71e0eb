package io.cxbridge.directory.ttl;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * TTL seconds per directory class (the directory id is its class), {@code default} for every other id. Built
 * only from values within {@value #MIN_SECONDS}..{@value #MAX_SECONDS} s: anything else is refused with a
 * message naming the key and the range, which stops start-up.
 */
public final class TtlMatrix {

    public static final int MIN_SECONDS = 30;
    public static final int MAX_SECONDS = 3600;
    public static final String DEFAULT_CLASS = "default";
    public static final String KEY_PREFIX = "cxbridge.directory.ttl.";

    private final Map<String, Integer> seconds;
    private final int fallback;

    private TtlMatrix(Map<String, Integer> seconds, int fallback) {
        this.seconds = Map.copyOf(seconds);
        this.fallback = fallback;
    }

    /** Validates every entry; without a {@code default} entry, 300 s. */
    public static TtlMatrix of(Map<String, Integer> configured) {
        List<String> problems = new ArrayList<>();
        Map<String, Integer> sorted = new TreeMap<>(configured);
        sorted.forEach((cls, ttl) -> {
            if (ttl == null || ttl < MIN_SECONDS || ttl > MAX_SECONDS) {
                problems.add(KEY_PREFIX + cls + " is " + ttl + " s; allowed range is " + MIN_SECONDS + " to "
                        + MAX_SECONDS + " s");
            }
        });
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return new TtlMatrix(sorted, sorted.getOrDefault(DEFAULT_CLASS, 300));
    }

    public int ttlSeconds(String directoryId) {
        return seconds.getOrDefault(directoryId, fallback);
    }

    /** The longest TTL of any class (the default included). */
    public int longestSeconds() {
        return seconds.values().stream().mapToInt(Integer::intValue).reduce(fallback, Math::max);
    }

    public Map<String, Integer> asMap() {
        return seconds;
    }
}
