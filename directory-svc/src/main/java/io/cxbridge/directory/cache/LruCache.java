package io.cxbridge.directory.cache;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import java.util.function.UnaryOperator;

/**
 * The in-process level: a strict least-recently-used map with hard bounds on the count and on the estimated
 * bytes of its values. (Caffeine's W-TinyLFU may refuse a new entry instead of evicting the least recently used
 * one, and bounds lazily; the spec asks for LRU and a hard bound, and a hundred directories need no more than one
 * lock.) The value just put is never evicted by its own put; the caller refuses a value larger than the bound.
 * Public for the other bookkeeping of the service that must stay bounded whatever ids clients name (count bound only).
 */
public final class LruCache<V> {

    private final int capacity;
    private final long maxWeight;
    private final ToLongFunction<V> weigher;
    private final LinkedHashMap<String, V> map = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<String, Long> weights = new HashMap<>();
    private long weight;

    public LruCache(int capacity) {
        this(capacity, Long.MAX_VALUE, v -> 0);
    }

    LruCache(int capacity, long maxWeight, ToLongFunction<V> weigher) {
        this.capacity = capacity;
        this.maxWeight = maxWeight;
        this.weigher = weigher;
    }

    public synchronized V get(String key) {
        return map.get(key);
    }

    public synchronized void put(String key, V value) {
        store(key, value);
    }

    /** Replaces the value only while {@code keep} holds for the current one (or there is none); true when stored. */
    synchronized boolean putIf(String key, V value, Predicate<V> replaceCurrent) {
        V current = map.get(key);
        if (current == null || replaceCurrent.test(current)) {
            store(key, value);
            return true;
        }
        return false;
    }

    private void store(String key, V value) {
        long w = weigher.applyAsLong(value);
        Long old = weights.put(key, w);
        weight += w - (old == null ? 0 : old);
        map.put(key, value);
        Iterator<Map.Entry<String, V>> eldest = map.entrySet().iterator();
        while ((map.size() > capacity || weight > maxWeight) && eldest.hasNext()) {
            Map.Entry<String, V> e = eldest.next();
            if (e.getKey().equals(key)) {
                break;
            }
            eldest.remove();
            weight -= weights.remove(e.getKey());
        }
    }

    /** Replaces the value by what {@code update} makes of it (null when there is none); a null answer removes it. */
    synchronized void update(String key, UnaryOperator<V> update) {
        V next = update.apply(map.get(key));
        if (next != null) {
            store(key, next);
        } else if (map.remove(key) != null) {
            weight -= weights.remove(key);
        }
    }

    /** Removes the value when {@code test} holds for it; true when removed. */
    synchronized boolean removeIf(String key, Predicate<V> test) {
        V current = map.get(key);
        if (current != null && test.test(current)) {
            map.remove(key);
            weight -= weights.remove(key);
            return true;
        }
        return false;
    }

    public synchronized int size() {
        return map.size();
    }

    /** The estimated bytes held. */
    synchronized long weight() {
        return weight;
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
