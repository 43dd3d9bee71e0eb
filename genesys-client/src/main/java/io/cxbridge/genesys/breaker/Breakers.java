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
 * bounded by {@code maxFamilies}: past it the least recently used CLOSED family is dropped. An OPEN or HALF_OPEN
 * family is never dropped (else paths an attacker makes up would evict it, and the next call to it would find a fresh
 * CLOSED breaker). When every family is open, a new family gets no breaker of its own: its calls share one overflow
 * breaker (see {@link #overflow}).
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
    /**
     * The breaker of the families that found the map full of open breakers. Shared rather than none: the upstream is
     * still protected (when every family is open the platform is most likely failing) and memory stays bounded. A made-up
     * family failing there holds back only the other families that came while every breaker was open, never a family
     * with a breaker of its own; new families get their own again once a family closes.
     */
    private final CircuitBreaker overflow;

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
        this.overflow = new CircuitBreaker(OVERFLOW, threshold, delay, clock);
    }

    /** The overflow breaker's name (in a {@link CircuitOpenException}'s message). */
    static final String OVERFLOW = "overflow (every path family's breaker is open)";

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
            if (f == null) {
                return overflow;
            }
        }
        long now = clock.millis();
        if (f.lastUsed != now) { // to the millisecond: not a shared write on every call
            f.lastUsed = now;
        }
        return f.breaker;
    }

    /**
     * Adds a family's breaker; beyond max-families the least recently used one that is not OPEN is dropped (a scan, on
     * adds only). A half-open one may go: its delay is over and its next call would be let through as the probe,
     * which is what a fresh breaker does too; an open family nobody calls again turns half-open, so the map never
     * stays full of them. Null when every other family is open: the new family is not kept (the caller uses the
     * overflow breaker).
     */
    private synchronized Family add(String family) {
        Family existing = breakers.get(family);
        if (existing != null) {
            return existing;
        }
        if (breakers.size() >= maxFamilies) {
            Map.Entry<String, Family> eldest = null;
            for (Map.Entry<String, Family> e : breakers.entrySet()) {
                if ((eldest == null || e.getValue().lastUsed < eldest.getValue().lastUsed)
                        && e.getValue().breaker.state() != CircuitBreaker.State.OPEN) {
                    eldest = e;
                }
            }
            if (eldest == null) {
                return null;
            }
            breakers.remove(eldest.getKey(), eldest.getValue());
        }
        Family added = new Family(new CircuitBreaker(family, threshold, delay, clock), clock.millis());
        breakers.put(family, added);
        return added;
    }

    /** The state of the breaker of a path's family (CLOSED when it has none). */
    public CircuitBreaker.State state(String path) {
        Family f = breakers.get(family(path));
        return f == null ? CircuitBreaker.State.CLOSED : f.breaker.state();
    }

    /** Families whose breaker is open or half-open (the overflow breaker counts as one). */
    public int open() {
        return (int) breakers.values().stream()
                        .filter(f -> f.breaker.state() != CircuitBreaker.State.CLOSED)
                        .count()
                + (overflow.state() == CircuitBreaker.State.CLOSED ? 0 : 1);
    }

    /** Whether the family of {@code path} has a breaker of its own (for tests). */
    boolean tracks(String path) {
        return breakers.containsKey(family(path));
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
