package io.cxbridge.bench.suite;

import io.vertx.core.MultiMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;

/** Counts the values one response header took during a phase ("HIT-L1:2000 MISS:1"), to prove what was measured. */
final class HeaderCounts {

    private final String header;
    private final Map<String, LongAdder> seen = new ConcurrentHashMap<>();

    HeaderCounts(String header) {
        this.header = header;
    }

    /** The open loop's per-response callback. */
    BiConsumer<Integer, MultiMap> counter() {
        return (status, headers) -> seen.computeIfAbsent(String.valueOf(headers.get(header)), k -> new LongAdder())
                .increment();
    }

    long count(String value) {
        LongAdder n = seen.get(value);
        return n == null ? 0 : n.sum();
    }

    String text() {
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(seen)
                .forEach((k, v) ->
                        sb.append(sb.isEmpty() ? "" : " ").append(k).append(':').append(v.sum()));
        return sb.toString();
    }
}
