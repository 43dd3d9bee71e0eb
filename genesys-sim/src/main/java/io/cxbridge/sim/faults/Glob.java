package io.cxbridge.sim.faults;

import java.util.regex.Pattern;

/**
 * A path glob: {@code *} matches within one segment (no {@code /}), {@code **} any number of segments
 * ({@code /api/v2/routing/**} matches {@code /api/v2/routing} and everything below it). Everything else is literal.
 */
public final class Glob {

    private final String glob;
    private final Pattern pattern;

    public Glob(String glob) {
        this.glob = glob;
        this.pattern = Pattern.compile(toRegex(glob));
    }

    public boolean matches(String path) {
        return pattern.matcher(path).matches();
    }

    @Override
    public String toString() {
        return glob;
    }

    static String toRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < glob.length()) {
            char c = glob.charAt(i);
            if (c == '/' && glob.startsWith("/**", i) && (i + 3 == glob.length() || glob.charAt(i + 3) == '/')) {
                flush(literal, regex);
                regex.append("(?:/.*)?");
                i += 3;
            } else if (c == '*' && glob.startsWith("**", i)) {
                flush(literal, regex);
                regex.append(".*");
                i += 2;
            } else if (c == '*') {
                flush(literal, regex);
                regex.append("[^/]*");
                i++;
            } else {
                literal.append(c);
                i++;
            }
        }
        flush(literal, regex);
        return regex.toString();
    }

    private static void flush(StringBuilder literal, StringBuilder regex) {
        if (!literal.isEmpty()) {
            regex.append(Pattern.quote(literal.toString()));
            literal.setLength(0);
        }
    }
}
