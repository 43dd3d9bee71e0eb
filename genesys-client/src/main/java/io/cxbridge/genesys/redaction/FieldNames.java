package io.cxbridge.genesys.redaction;

import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The configured sensitive field names, compared ignoring case, '-' and '_'. A lookup walks the name's characters
 * once and allocates nothing (it runs for every JSON field and every {@code key=value} in every logged body); a name
 * with a character outside ASCII takes the slow path through the normalised set, so both agree exactly.
 */
final class FieldNames {

    private final Set<String> normalised;
    /** Open addressing by {@link #hash}: the normalised names that are pure ASCII. */
    private final String[] table;

    private final int mask;
    private final int shortest;
    private final int longest;

    FieldNames(Collection<String> names) {
        this.normalised = names.stream().map(FieldNames::normalise).collect(Collectors.toUnmodifiableSet());
        int size = Integer.highestOneBit(Math.max(4, normalised.size() * 4) - 1) << 1;
        this.table = new String[size];
        this.mask = size - 1;
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (String name : normalised) {
            if (!name.chars().allMatch(c -> c < 0x80)) {
                continue;
            }
            int slot = hash(name, 0, name.length()) & mask;
            while (table[slot] != null) {
                slot = (slot + 1) & mask;
            }
            table[slot] = name;
            min = Math.min(min, name.length());
            max = Math.max(max, name.length());
        }
        this.shortest = min;
        this.longest = max;
    }

    boolean contains(CharSequence name) {
        return contains(name, 0, name.length());
    }

    /** Whether {@code name[start, end)} is one of the names. */
    boolean contains(CharSequence name, int start, int end) {
        int h = 0;
        int length = 0;
        for (int i = start; i < end; i++) {
            char c = name.charAt(i);
            if (c >= 0x80) {
                return normalised.contains(
                        normalise(name.subSequence(start, end).toString()));
            }
            if (c != '-' && c != '_') {
                h = 31 * h + lower(c);
                length++;
            }
        }
        if (length < shortest || length > longest) {
            return false;
        }
        for (int slot = h & mask; table[slot] != null; slot = (slot + 1) & mask) {
            if (sameName(table[slot], name, start, end)) {
                return true;
            }
        }
        return false;
    }

    private static boolean sameName(String known, CharSequence name, int start, int end) {
        int k = 0;
        for (int i = start; i < end; i++) {
            char c = name.charAt(i);
            if (c == '-' || c == '_') {
                continue;
            }
            if (k == known.length() || known.charAt(k++) != lower(c)) {
                return false;
            }
        }
        return k == known.length();
    }

    private static int hash(CharSequence name, int start, int end) {
        int h = 0;
        for (int i = start; i < end; i++) {
            char c = name.charAt(i);
            if (c != '-' && c != '_') {
                h = 31 * h + lower(c);
            }
        }
        return h;
    }

    private static char lower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }

    static String normalise(String name) {
        return name.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
    }
}
