package io.cxbridge.directory.cache;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The in-process level's rules: least recently used goes first, by count and by bytes, never the value just put. */
class LruCacheUnitTest {

    @Test
    void theLeastRecentlyUsedIsEvictedWhenTheCountIsReached() {
        LruCache<String> cache = new LruCache<>(2);
        cache.put("a", "1");
        cache.put("b", "2");
        assertThat(cache.get("a")).isEqualTo("1"); // a is now the most recently used
        cache.put("c", "3");
        assertThat(cache.keys()).containsExactly("a", "c");
        assertThat(cache.get("b")).isNull();
    }

    @Test
    void peekDoesNotCountAsAUse() {
        LruCache<String> cache = new LruCache<>(2);
        cache.put("a", "1");
        cache.put("b", "2");
        assertThat(cache.peek("a")).isEqualTo("1");
        cache.put("c", "3");
        assertThat(cache.keys()).containsExactly("b", "c");
    }

    @Test
    void theByteBoundEvictsAsManyAsNeededButNeverTheValueJustPut() {
        LruCache<String> cache = new LruCache<>(10, 10, String::length);
        cache.put("a", "xxxx");
        cache.put("b", "xxxx");
        assertThat(cache.weight()).isEqualTo(8);
        cache.put("c", "xxxxxxxx");
        assertThat(cache.keys()).containsExactly("c");
        assertThat(cache.weight()).isEqualTo(8);
        // Larger than the bound on its own: kept (the caller refuses such a value before putting it).
        cache.put("d", "xxxxxxxxxxxx");
        assertThat(cache.keys()).containsExactly("d");
        assertThat(cache.weight()).isEqualTo(12);
    }

    @Test
    void replacingAValueCountsOnlyItsNewWeight() {
        LruCache<String> cache = new LruCache<>(10, 100, String::length);
        cache.put("a", "xxxxx");
        cache.put("a", "xx");
        assertThat(cache.weight()).isEqualTo(2);
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void conditionalPutAndRemoveLookAtTheCurrentValue() {
        LruCache<String> cache = new LruCache<>(10, 100, String::length);
        cache.putIf("a", "old", current -> true);
        cache.putIf("a", "new", current -> current.equals("other"));
        assertThat(cache.get("a")).isEqualTo("old");
        cache.putIf("a", "newer", current -> current.equals("old"));
        assertThat(cache.get("a")).isEqualTo("newer");
        assertThat(cache.removeIf("a", v -> v.equals("old"))).isFalse();
        assertThat(cache.removeIf("a", v -> v.equals("newer"))).isTrue();
        assertThat(cache.size()).isZero();
        assertThat(cache.weight()).isZero();
    }

    @Test
    void anUpdateStoresWhatItMakesOfTheValueCountsAsAUseAndRemovesOnNull() {
        LruCache<String> cache = new LruCache<>(2, 100, String::length);
        cache.update("a", v -> v == null ? "1" : v + "1");
        cache.put("b", "2");
        cache.update("a", v -> v == null ? "1" : v + "1"); // a is now the most recently used
        assertThat(cache.get("a")).isEqualTo("11");
        cache.put("c", "3");
        assertThat(cache.keys()).containsExactly("a", "c");
        assertThat(cache.weight()).isEqualTo(3);

        cache.update("a", v -> null);
        cache.update("x", v -> null);
        assertThat(cache.keys()).containsExactly("c");
        assertThat(cache.weight()).isEqualTo(1);
    }
}
