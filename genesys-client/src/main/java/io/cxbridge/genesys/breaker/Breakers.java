package io.cxbridge.genesys.breaker;

import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

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

    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern DIGITS = Pattern.compile("\\d+");
    private static final Pattern HEX_OR_BASE64 = Pattern.compile("[A-Za-z0-9_-]{16,}");

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

    static boolean idLike(String segment) {
        String s = segment.toLowerCase(Locale.ROOT);
        return UUID.matcher(s).matches()
                || DIGITS.matcher(s).matches()
                || segment.length() > 64
                || (HEX_OR_BASE64.matcher(segment).matches() && segment.chars().anyMatch(Character::isDigit));
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
