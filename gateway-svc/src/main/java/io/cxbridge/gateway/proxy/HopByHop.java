package io.cxbridge.gateway.proxy;

import io.vertx.core.MultiMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/** Headers that belong to one connection (RFC 9110 section 7.6.1) and never cross the proxy. */
public final class HopByHop {

    private static final Set<String> ALWAYS = Set.of(
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
            "expect");

    /** The client's own credentials and session: never forwarded upstream. */
    private static final Set<String> CALLER_SECRETS = Set.of("authorization", "x-api-key", "cookie");

    public static MultiMap forRequest(MultiMap in) {
        if (in.contains("Transfer-Encoding")) {
            // RFC 9112 6.3: with Transfer-Encoding, Content-Length is wrong by definition; it never goes upstream.
            Set<String> drop = new HashSet<>(CALLER_SECRETS);
            drop.add("content-length");
            return copy(in, drop);
        }
        return copy(in, CALLER_SECRETS);
    }

    public static MultiMap forResponse(MultiMap in) {
        return copy(in, Set.of("set-cookie"));
    }

    private static MultiMap copy(MultiMap in, Set<String> alsoDrop) {
        Set<String> drop = new HashSet<>(ALWAYS);
        drop.addAll(alsoDrop);
        for (String named : in.getAll("Connection")) {
            for (String token : named.split(",")) {
                drop.add(token.trim().toLowerCase(Locale.ROOT));
            }
        }
        MultiMap out = MultiMap.caseInsensitiveMultiMap();
        in.forEach(h -> {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (!drop.contains(name) && !name.startsWith("proxy-")) {
                out.add(h.getKey(), h.getValue());
            }
        });
        return out;
    }

    private HopByHop() {}
}
