package io.cxbridge.gateway.auth;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One route a client may use: a method (or {@code ANY}) and a path glob where {@code *} matches within
 * one segment, never an empty one ({@code /api/v2/users/*} does not grant {@code /api/v2/users/}), and {@code **}
 * any number of segments ({@code /api/v2/**} also matches {@code /api/v2}).
 */
public record RouteGrant(String method, String glob, Pattern regex) {

    private static final Set<String> METHODS =
            Set.of("ANY", "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    /** Parses {@code "GET /api/v2/**"}. */
    public static RouteGrant parse(String spec) {
        String[] parts = spec.trim().split("\\s+");
        if (parts.length != 2) {
            throw new IllegalArgumentException(
                    "a route is '<METHOD> <path glob>', e.g. 'GET /api/v2/**'; got '" + spec + "'");
        }
        String method = parts[0].toUpperCase(Locale.ROOT);
        if (!METHODS.contains(method)) {
            throw new IllegalArgumentException(
                    "unknown method '" + parts[0] + "' in route '" + spec + "'; one of " + METHODS);
        }
        String glob = parts[1];
        if (!glob.startsWith("/")) {
            throw new IllegalArgumentException("a route's path starts with '/': '" + spec + "'");
        }
        return new RouteGrant(method, glob, compile(glob));
    }

    public boolean allows(String requestMethod, String path) {
        return (method.equals("ANY") || method.equalsIgnoreCase(requestMethod))
                && regex.matcher(path).matches();
    }

    static Pattern compile(String glob) {
        StringBuilder re = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c != '*') {
                literal.append(c);
                continue;
            }
            boolean doubleStar = i + 1 < glob.length() && glob.charAt(i + 1) == '*';
            if (doubleStar
                    && i + 2 == glob.length()
                    && literal.length() > 0
                    && literal.charAt(literal.length() - 1) == '/') {
                // a trailing "/**" also matches the bare prefix
                literal.setLength(literal.length() - 1);
                re.append(Pattern.quote(literal.toString())).append("(?:/.*)?");
                return Pattern.compile(re.toString());
            }
            if (literal.length() > 0) {
                re.append(Pattern.quote(literal.toString()));
                literal.setLength(0);
            }
            // A single star is at least one character: an empty segment (a trailing '/') is another resource.
            re.append(doubleStar ? ".*" : "[^/]+");
            if (doubleStar) {
                i++;
            }
        }
        if (literal.length() > 0) {
            re.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(re.toString());
    }

    @Override
    public String toString() {
        return method + " " + glob;
    }
}
