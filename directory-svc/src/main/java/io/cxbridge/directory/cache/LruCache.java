package io.cxbridge.directory.cache;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The in-process level: a strict least-recently-used map with a hard bound. (Caffeine's W-TinyLFU may refuse a
 * new entry instead of evicting the least recently used one, and bounds lazily; the spec asks for LRU and a hard
 * bound, and a hundred directories need no more than one lock.)
 */
final class LruCache<V> {

    private final int capacity;
    private final LinkedHashMap<String, V> map;

    LruCache(int capacity) {
        this.capacity = capacity;
        this.map = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > LruCache.this.capacity;
            }
        };
    }

    synchronized V get(String key) {
        return map.get(key);
    }

    synchronized void put(String key, V value) {
        map.put(key, value);
    }

    /** Replaces the value only while {@code keep} holds for the current one (or there is none). */
    synchronized void putIf(String key, V value, Predicate<V> replaceCurrent) {
        V current = map.get(key);
        if (current == null || replaceCurrent.test(current)) {
            map.put(key, value);
        }
    }

    /** Removes the value when {@code test} holds for it; true when removed. */
    synchronized boolean removeIf(String key, Predicate<V> test) {
        V current = map.get(key);
        if (current != null && test.test(current)) {
            map.remove(key);
            return true;
        }
        return false;
    }

    synchronized int size() {
        return map.size();
    }

    /** Keys from least to most recently used, without touching the order. */
    synchronized List<String> keys() {
        return new ArrayList<>(map.keySet());
    }

    /** The value without counting as a use. */
    synchronized V peek(String key) {
        for (Map.Entry<String, V> e : map.entrySet()) {
            if (e.getKey().equals(key)) {
                return e.getValue();
            }
        }
        return null;
    }
}
