package io.cxbridge.gateway.proxy;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Headers that belong to one connection (RFC 9110 section 7.6.1) and never cross the proxy. Runs twice per proxied
 * request, so it compares names in place (no lower-cased copy of each name, no set built per call) and writes the
 * headers it keeps straight into their destination.
 */
public final class HopByHop {

    private static final String[] ALWAYS = {
        "connection",
        "keep-alive",
        "transfer-encoding",
        "upgrade",
        "te",
        "trailer",
        "trailers",
        "proxy-connection",
        "proxy-authenticate",
        "proxy-authorization",
        "host",
        // The gateway answers 100-continue itself; the upstream gets the body without waiting for one.
        "expect"
    };

    /** The client's own credentials and session: never forwarded upstream. */
    private static final String[] CALLER_SECRETS = {"authorization", "x-api-key", "cookie"};

    /** RFC 9112 6.3: with Transfer-Encoding, Content-Length is wrong by definition; it never goes upstream. */
    private static final String[] CALLER_SECRETS_AND_LENGTH = {"authorization", "x-api-key", "cookie", "content-length"
    };

    private static final String[] RESPONSE = {"set-cookie"};

    public static MultiMap forRequest(MultiMap in) {
        MultiMap out = MultiMap.caseInsensitiveMultiMap();
        copy(in, out, in.contains(HttpHeaders.TRANSFER_ENCODING) ? CALLER_SECRETS_AND_LENGTH : CALLER_SECRETS);
        return out;
    }

    /** Adds the upstream answer's end-to-end headers ({@code Set-Cookie} never) to {@code out}, with no copy between. */
    public static void copyResponse(MultiMap in, MultiMap out) {
        copy(in, out, RESPONSE);
    }

    private static void copy(MultiMap in, MultiMap out, String[] alsoDrop) {
        Set<String> named = connectionNamed(in);
        in.forEach((name, value) -> {
            if (!dropped(name, alsoDrop, named)) {
                out.add(name, value);
            }
        });
    }

    private static boolean dropped(String name, String[] alsoDrop, Set<String> connectionNamed) {
        return name.regionMatches(true, 0, "proxy-", 0, 6)
                || anyIgnoringCase(name, ALWAYS)
                || anyIgnoringCase(name, alsoDrop)
                || (connectionNamed != null && connectionNamed.contains(name.toLowerCase(Locale.ROOT)));
    }

    private static boolean anyIgnoringCase(String name, String[] lowerCaseNames) {
        for (String n : lowerCaseNames) {
            if (n.equalsIgnoreCase(name)) { // compares the lengths first: most names fail at once
                return true;
            }
        }
        return false;
    }

    /** The header names a {@code Connection} header lists (lower-cased), or null when there is none. */
    private static Set<String> connectionNamed(MultiMap in) {
        if (!in.contains(HttpHeaders.CONNECTION)) {
            return null;
        }
        Set<String> named = new HashSet<>();
        for (String value : in.getAll(HttpHeaders.CONNECTION)) {
            for (String token : value.split(",")) {
                named.add(token.trim().toLowerCase(Locale.ROOT));
            }
        }
        return named;
    }

    private HopByHop() {}
}
