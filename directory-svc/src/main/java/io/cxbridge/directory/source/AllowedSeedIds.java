package io.cxbridge.directory.source;

import java.util.ArrayList;
import java.util.List;

/**
 * Which directory ids without a configured source may read the seed endpoint ({@code cxbridge.directory.seed.allowed-ids}):
 * globs over the id, {@code *} any run of characters and {@code ?} one, case-sensitive; {@code none} alone for no such
 * id. Globs, not regular expressions: ids are only letters, digits, {@code _} and {@code -}, so a glob says all an
 * operator needs, and its match is linear in the id, whatever pattern an operator writes (a regular expression would
 * run every id a client makes up through the operator's backtracking).
 */
public record AllowedSeedIds(List<String> patterns) {

    public static final String KEY = "cxbridge.directory.seed.allowed-ids";
    /** The value that allows no id without a configured source (SmallRye Config cannot give an empty list). */
    public static final String NONE = "none";

    private static final String GLOB_CHARACTERS = "[A-Za-z0-9_*?-]+";

    public static final AllowedSeedIds ALL = new AllowedSeedIds(List.of("*"));

    public AllowedSeedIds {
        patterns = List.copyOf(patterns);
    }

    /** The configured patterns, checked: a pattern that cannot match a directory id stops start-up, naming the key. */
    public static AllowedSeedIds parse(List<String> configured) {
        List<String> patterns = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (String raw : configured) {
            String p = raw == null ? "" : raw.strip();
            if (p.isEmpty()) {
                continue;
            }
            if (!p.matches(GLOB_CHARACTERS) && !p.equals(NONE)) {
                problems.add("'" + p + "'");
            }
            patterns.add(p);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(KEY + ": " + String.join(", ", problems) + " cannot match a directory"
                    + " id; a pattern has letters, digits, '_' and '-', with '*' for any run of characters and '?' for"
                    + " one (e.g. demo_*), or is " + NONE + " alone");
        }
        if (patterns.contains(NONE) && patterns.size() > 1) {
            throw new IllegalArgumentException(KEY + " is " + String.join(",", patterns) + "; " + NONE
                    + " allows no id and cannot be combined with patterns");
        }
        if (patterns.isEmpty()) {
            throw new IllegalArgumentException(KEY + " has no pattern; " + NONE + " allows no id, * every id");
        }
        return new AllowedSeedIds(patterns);
    }

    public boolean allows(String id) {
        for (String p : patterns) {
            if (!p.equals(NONE) && matches(p, id)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Glob match without backtracking beyond the last {@code *}: at most glob length x id length steps (ids are at
     * most 128 characters).
     */
    static boolean matches(String glob, String id) {
        int g = 0;
        int i = 0;
        int star = -1;
        int resume = 0;
        while (i < id.length()) {
            char c = g < glob.length() ? glob.charAt(g) : 0;
            if (g < glob.length() && (c == '?' || c == id.charAt(i))) {
                g++;
                i++;
            } else if (c == '*') {
                star = g++;
                resume = i;
            } else if (star >= 0) {
                g = star + 1;
                i = ++resume;
            } else {
                return false;
            }
        }
        while (g < glob.length() && glob.charAt(g) == '*') {
            g++;
        }
        return g == glob.length();
    }

    @Override
    public String toString() {
        return String.join(",", patterns);
    }
}
