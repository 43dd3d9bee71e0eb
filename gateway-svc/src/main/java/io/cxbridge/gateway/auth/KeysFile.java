package io.cxbridge.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The gateway's clients file:
 * <pre>
 * clients:
 *   - id: demo
 *     rateLimitPerMinute: 1200
 *     keys:
 *       - sha256: 1ad55274...   # ./stack hash-key &lt;key&gt;
 *     routes:
 *       - "ANY /api/v2/**"
 *       - "POST /v1/data-actions/failed-runs"
 *     tokenLifetime: 24h         # optional: access tokens from /login/oauth/token (1s to 48h)
 * </pre>
 * A {@code key:} entry (the key in clear) is accepted only where plain keys are allowed (local stack, tests).
 * Any mistake fails the whole file with a message naming the client and the field.
 */
public final class KeysFile {

    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)([smhSMH])");

    /** One digest per thread (every authenticated request hashes its key): no provider look-up per request. */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    public static List<GatewayClient> parse(String yaml, boolean allowPlainKeys) {
        Object root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
        } catch (MarkedYAMLException e) {
            // SnakeYAML's message quotes the line it stopped at, which may hold a key: only where it stopped
            Mark mark = e.getProblemMark();
            throw new IllegalArgumentException("the keys file is not valid YAML"
                    + (mark == null
                            ? ""
                            : " (line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) + ")"));
        } catch (YAMLException e) {
            throw new IllegalArgumentException("the keys file is not valid YAML");
        }
        if (root == null) {
            return List.of();
        }
        if (!(root instanceof Map<?, ?> top) || !(top.get("clients") instanceof List<?> entries)) {
            throw new IllegalArgumentException("the keys file must have a top-level 'clients:' list");
        }
        List<GatewayClient> clients = new ArrayList<>();
        Map<String, String> owners = new HashMap<>();
        for (Object entry : entries) {
            if (!(entry instanceof Map<?, ?> c)) {
                throw new IllegalArgumentException("each client is a map with id, keys, routes, rateLimitPerMinute");
            }
            String id = string(c.get("id"), "a client without 'id'");
            int limit = c.get("rateLimitPerMinute") instanceof Integer n && n > 0
                    ? n
                    : fail("client '" + id + "': rateLimitPerMinute must be a positive whole number");
            Set<String> hashes = new LinkedHashSet<>();
            for (Object k : list(c.get("keys"), "client '" + id + "': 'keys' must be a non-empty list")) {
                String hash = keyHash(id, k, allowPlainKeys);
                String previous = owners.putIfAbsent(hash, id);
                if (previous != null && !previous.equals(id)) {
                    throw new IllegalArgumentException("clients '" + previous + "' and '" + id + "' share a key");
                }
                hashes.add(hash);
            }
            List<RouteGrant> routes = new ArrayList<>();
            for (Object r : list(c.get("routes"), "client '" + id + "': 'routes' must be a non-empty list")) {
                try {
                    routes.add(RouteGrant.parse(string(r, "client '" + id + "': a route must be a string")));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("client '" + id + "': " + e.getMessage());
                }
            }
            clients.add(new GatewayClient(
                    id, Set.copyOf(hashes), List.copyOf(routes), limit, tokenLifetime(id, c.get("tokenLifetime"))));
        }
        return List.copyOf(clients);
    }

    /** Lowercase hex SHA-256 of a key, as {@code ./stack hash-key} prints it. */
    public static String sha256(String key) {
        return HexFormat.of().formatHex(SHA_256.get().digest(key.getBytes(StandardCharsets.UTF_8)));
    }

    private static String keyHash(String id, Object k, boolean allowPlainKeys) {
        if (!(k instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("client '" + id + "': each key is '- sha256: <hex>'");
        }
        if (m.get("sha256") != null) {
            String hash = String.valueOf(m.get("sha256")).trim().toLowerCase();
            if (!hash.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException(
                        "client '" + id + "': sha256 must be 64 hex digits (./stack hash-key <key>)");
            }
            return hash;
        }
        if (m.get("key") != null) {
            if (!allowPlainKeys) {
                throw new IllegalArgumentException("client '" + id + "' has a plain-text key: store its SHA-256 instead"
                        + " (./stack hash-key <key>); plain keys are allowed only in local and test profiles");
            }
            return sha256(String.valueOf(m.get("key")));
        }
        throw new IllegalArgumentException("client '" + id + "': a key entry needs 'sha256'");
    }

    /** {@code 90s}, {@code 30m}, {@code 24h} or ISO-8601 ({@code PT2S}); the platform allows up to 48 h. */
    private static Optional<Duration> tokenLifetime(String id, Object value) {
        if (value == null) {
            return Optional.empty();
        }
        String text = String.valueOf(value).trim();
        Matcher m = SIMPLE_DURATION.matcher(text);
        Duration d;
        try {
            d = m.matches()
                    ? Duration.parse("PT" + m.group(1) + m.group(2).toUpperCase(Locale.ROOT))
                    : Duration.parse(text);
        } catch (DateTimeParseException e) {
            d = null;
        }
        if (d == null || d.compareTo(Duration.ofSeconds(1)) < 0 || d.compareTo(Duration.ofHours(48)) > 0) {
            throw new IllegalArgumentException("client '" + id + "': tokenLifetime must be a duration from 1s to 48h"
                    + " (e.g. 30m, 24h), got '" + text + "'");
        }
        return Optional.of(d);
    }

    private static List<?> list(Object value, String message) {
        if (value instanceof List<?> l && !l.isEmpty()) {
            return l;
        }
        throw new IllegalArgumentException(message);
    }

    private static String string(Object value, String message) {
        if (value instanceof String s && !s.isBlank()) {
            return s.trim();
        }
        throw new IllegalArgumentException(message);
    }

    private static <T> T fail(String message) {
        throw new IllegalArgumentException(message);
    }

    private KeysFile() {}
}
