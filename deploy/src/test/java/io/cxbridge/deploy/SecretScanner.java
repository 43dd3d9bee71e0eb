package io.cxbridge.deploy;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tells a placeholder from a value that looks like a real credential. A Secret in this repository may hold
 * only {@value #PLACEHOLDER} placeholders (or genesys-sim's documented public credentials).
 */
final class SecretScanner {

    static final String PLACEHOLDER = "CHANGE_ME";

    /**
     * Public, documented values (SPEC, genesys-sim: "Default credentials"; the local stack's genesys-client
     * token key, in every service's %local profile), allowed in the dev overlay.
     */
    static final Set<String> PUBLIC_VALUES = Set.of(
            "cxbridge-local",
            "cxbridge-local-secret",
            "genesys-local-1",
            "genesys-local-1=5VFldDlsLCf8FoJ1yZEhAADQAFY0HpKuLhvTiVAif8Q=");

    private static final Pattern PEM = Pattern.compile("-----BEGIN [A-Z ]+-----");
    private static final Pattern AWS_KEY_ID = Pattern.compile("\\b(AKIA|ASIA)[0-9A-Z]{16}\\b");
    private static final Pattern JWT = Pattern.compile("\\beyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}\\.");
    /** user:password@ in a URL, unless the password is a placeholder or a configuration expression. */
    private static final Pattern URL_WITH_PASSWORD = Pattern.compile("[a-z][a-z0-9+.-]*://[^/\\s:@]*:([^/\\s@]+)@");

    private static final Pattern KNOWN_TOKEN_PREFIX = Pattern.compile(
            "\\b(gh[pousr]_[A-Za-z0-9]{20,}|xox[abprs]-[A-Za-z0-9-]{10,}|sk_live_[A-Za-z0-9]{10,}|AIza[0-9A-Za-z_-]{30,})");
    private static final Pattern TOKEN_SPLIT = Pattern.compile("[\\s\"'`:=,;()\\[\\]{}<>|]+");
    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]{32,}");
    private static final Pattern BASE64ISH = Pattern.compile("[A-Za-z0-9+/_\\-.]{20,}={0,2}");

    /** Why a Secret value is not acceptable in the repository, or empty when it is. */
    static Optional<String> problem(String value) {
        if (value == null || PUBLIC_VALUES.contains(value)) {
            return Optional.empty();
        }
        Optional<String> real = realLooking(value);
        if (real.isPresent()) {
            return real;
        }
        if (!value.contains(PLACEHOLDER)) {
            return Optional.of("is not a " + PLACEHOLDER + " placeholder");
        }
        return Optional.empty();
    }

    /** Why the value looks like a real credential, or empty. */
    static Optional<String> realLooking(String value) {
        if (PEM.matcher(value).find()) {
            return Optional.of("contains a PEM block");
        }
        if (AWS_KEY_ID.matcher(value).find()) {
            return Optional.of("contains an AWS access key id");
        }
        if (JWT.matcher(value).find()) {
            return Optional.of("contains a JWT");
        }
        Matcher url = URL_WITH_PASSWORD.matcher(value);
        while (url.find()) {
            String password = url.group(1);
            if (!password.contains(PLACEHOLDER) && !password.matches("\\$\\{[^}]+}|\\$\\([A-Za-z0-9_]+\\)")) {
                return Optional.of("contains a URL with a password");
            }
        }
        if (KNOWN_TOKEN_PREFIX.matcher(value).find()) {
            return Optional.of("contains a well-known API token format");
        }
        for (String token : TOKEN_SPLIT.split(value)) {
            if (token.contains(PLACEHOLDER)) {
                continue;
            }
            if (HEX.matcher(token).matches()) {
                return Optional.of("contains a long hex string (a key or a hash)");
            }
            if (BASE64ISH.matcher(token).matches() && mixed(token) && entropy(token) >= 3.5) {
                return Optional.of("contains a random-looking string");
            }
        }
        return Optional.empty();
    }

    /** Upper case, lower case and digits together: what generated keys look like, and words do not. */
    private static boolean mixed(String s) {
        return s.chars().anyMatch(Character::isUpperCase)
                && s.chars().anyMatch(Character::isLowerCase)
                && s.chars().anyMatch(Character::isDigit);
    }

    /** Shannon entropy in bits per character. */
    static double entropy(String s) {
        Map<Integer, Integer> counts = new HashMap<>();
        s.chars().forEach(c -> counts.merge(c, 1, Integer::sum));
        double h = 0;
        for (int n : counts.values()) {
            double p = (double) n / s.length();
            h -= p * (Math.log(p) / Math.log(2));
        }
        return h;
    }

    private SecretScanner() {}
}
