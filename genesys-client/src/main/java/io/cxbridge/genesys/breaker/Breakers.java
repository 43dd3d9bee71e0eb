package io.cxbridge.genesys.breaker;

import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link CircuitBreaker} per Genesys path family, so a family that fails (or that one client makes fail)
 * does not stop calls to the others. A family is the first two segments after {@code /api/v2/}, id-like
 * segments replaced by {@code {id}} ({@code /api/v2/users/{id}}, {@code /api/v2/routing/queues}). The map is
 * an LRU bounded by {@code maxFamilies}: paths an attacker makes up evict the least recently used breakers
 * instead of growing memory.
 */
public final class Breakers {

    static final String PREFIX = "/api/v2/";
    /** Paths outside {@code /api/v2/} (none today) share one breaker. */
    static final String OTHER = "other";

    private final int threshold;
    private final Duration delay;
    private final Clock clock;
    private final int maxFamilies;
    /** Read without a lock on every call; only adding a family (and evicting one) takes the lock. */
    private final Map<String, Family> breakers = new ConcurrentHashMap<>();

    /** A family's breaker and when it was last used (the clock's millisecond), for the LRU bound. */
    private static final class Family {
        final CircuitBreaker breaker;
        volatile long lastUsed;

        Family(CircuitBreaker breaker, long now) {
            this.breaker = breaker;
            this.lastUsed = now;
        }
    }

    public Breakers(int threshold, Duration delay, int maxFamilies, Clock clock) {
        if (maxFamilies < 1) {
            throw new IllegalArgumentException("breaker max-families must be at least 1");
        }
        if (threshold < 1) {
            throw new IllegalArgumentException("breaker failure-threshold must be at least 1");
        }
        this.threshold = threshold;
        this.delay = delay;
        this.clock = clock;
        this.maxFamilies = maxFamilies;
    }

    /** The family of a path (query and fragment ignored). */
    public static String family(String pathAndQuery) {
        String path = pathAndQuery == null ? "" : pathAndQuery;
        int cut = indexOfAny(path, '?', '#');
        if (cut >= 0) {
            path = path.substring(0, cut);
        }
        if (!path.startsWith(PREFIX)) {
            return OTHER;
        }
        StringBuilder family = new StringBuilder(PREFIX.length() + 32).append(PREFIX, 0, PREFIX.length() - 1);
        int taken = 0;
        for (String segment : path.substring(PREFIX.length()).split("/")) {
            if (segment.isEmpty()) {
                continue;
            }
            family.append('/').append(idLike(segment) ? "{id}" : segment.toLowerCase(Locale.ROOT));
            if (++taken == 2) {
                break;
            }
        }
        return family.toString();
    }

    /**
     * A UUID, digits only, longer than 64 characters, or 16+ characters of {@code [A-Za-z0-9_-]} with a digit. Written
     * as one scan rather than three regular expressions: it runs for two segments of every call (issue #20).
     */
    static boolean idLike(String segment) {
        int n = segment.length();
        if (n > 64 || isUuid(segment)) {
            return true;
        }
        boolean digitsOnly = n > 0;
        boolean urlSafe = true;
        boolean digit = false;
        for (int i = 0; i < n; i++) {
            char c = segment.charAt(i);
            boolean isDigit = c >= '0' && c <= '9';
            digit |= isDigit;
            digitsOnly &= isDigit;
            urlSafe &= isDigit || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '-';
        }
        return digitsOnly || (n >= 16 && urlSafe && digit);
    }

    /** 8-4-4-4-12 hexadecimal digits, either case. */
    private static boolean isUuid(String s) {
        if (s.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = s.charAt(i);
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (dash ? c != '-' : !hex) {
                return false;
            }
        }
        return true;
    }

    /** Permission for one call to {@code pathAndQuery}'s family; throws {@link CircuitOpenException} while it is open. */
    public Permit acquire(String pathAndQuery) {
        CircuitBreaker breaker = breaker(family(pathAndQuery));
        return new Permit(breaker, breaker.acquire());
    }

    private CircuitBreaker breaker(String family) {
        Family f = breakers.get(family);
        if (f == null) {
            f = add(family);
        }
        long now = clock.millis();
        if (f.lastUsed != now) { // to the millisecond: not a shared write on every call
            f.lastUsed = now;
        }
        return f.breaker;
    }

    /** Adds a family's breaker; beyond max-families the least recently used one is dropped (a scan, on adds only). */
    private synchronized Family add(String family) {
        Family added = breakers.computeIfAbsent(
                family, name -> new Family(new CircuitBreaker(name, threshold, delay, clock), clock.millis()));
        while (breakers.size() > maxFamilies) {
            Map.Entry<String, Family> eldest = null;
            for (Map.Entry<String, Family> e : breakers.entrySet()) {
                if (e.getValue() != added && (eldest == null || e.getValue().lastUsed < eldest.getValue().lastUsed)) {
                    eldest = e;
                }
            }
            if (eldest == null) {
                break;
            }
            breakers.remove(eldest.getKey(), eldest.getValue());
        }
        return added;
    }

    /** The state of the breaker of a path's family (CLOSED when it has none). */
    public CircuitBreaker.State state(String path) {
        Family f = breakers.get(family(path));
        return f == null ? CircuitBreaker.State.CLOSED : f.breaker.state();
    }

    /** Families whose breaker is open or half-open. */
    public int open() {
        return (int) breakers.values().stream()
                .filter(f -> f.breaker.state() != CircuitBreaker.State.CLOSED)
                .count();
    }

    /** Families with a breaker (at most max-families). */
    public int size() {
        return breakers.size();
    }

    private static int indexOfAny(String s, char a, char b) {
        int i = s.indexOf(a);
        int j = s.indexOf(b);
        return i < 0 ? j : j < 0 ? i : Math.min(i, j);
    }
}
