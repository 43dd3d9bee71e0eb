package io.cxbridge.genesys.urlpolicy;

import io.cxbridge.model.event.Ids;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The fulfillment URL policy, one piece of code for the gateway (on intake) and fulfillment-svc (before any
 * request): https only (plain http only for configured test hosts), the host on the allow-list of Genesys
 * hosts on the default port of the scheme, no user info, no query or fragment, the raw path exactly the callback
 * path ({@code /api/v2/dataactions/fulfillments/{fulfillmentId}}, one segment, no dot segment or encoding), and no
 * loopback, private, link-local (169.254.0.0/16), carrier-grade NAT (100.64.0.0/10), multicast, wildcard or
 * unresolvable address unless the host is a configured test host ({@code host:port}, plain http allowed).
 * Redirects are never followed by the callers, so what is checked is where the post goes. {@link #check} resolves DNS:
 * call it off the event loop unless {@link #resolvesDns} says it will not.
 */
public final class FulfillmentUrlPolicy {

    public static final String DEFAULT_CALLBACK_PATH = "/api/v2/dataactions/fulfillments/{fulfillmentId}";

    private static final String PLACEHOLDER = "{fulfillmentId}";
    private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final Set<String> allowedHosts;
    private final Set<String> testHosts;
    private final Function<String, InetAddress[]> resolver;
    private final String callbackPath;
    private final Pattern callback;

    public FulfillmentUrlPolicy(FulfillmentUrlConfig config) {
        this(
                config.allowedHosts(),
                config.testHosts().orElse(List.of()),
                config.callbackPath(),
                FulfillmentUrlPolicy::resolve);
    }

    public FulfillmentUrlPolicy(
            List<String> allowedHosts, List<String> testHosts, Function<String, InetAddress[]> resolver) {
        this(allowedHosts, testHosts, DEFAULT_CALLBACK_PATH, resolver);
    }

    public FulfillmentUrlPolicy(
            List<String> allowedHosts,
            List<String> testHosts,
            String callbackPath,
            Function<String, InetAddress[]> resolver) {
        this.allowedHosts = allowedHosts.stream()
                .map(h -> h.trim().toLowerCase(Locale.ROOT))
                .collect(Collectors.toSet());
        this.testHosts =
                testHosts.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        this.resolver = resolver;
        int at = callbackPath.indexOf(PLACEHOLDER);
        if (!callbackPath.startsWith("/")
                || at < 0
                || callbackPath.indexOf(PLACEHOLDER, at + 1) >= 0
                || callbackPath.contains("..")) {
            throw new IllegalArgumentException("cxbridge.fulfillment-url.callback-path must be an absolute path with "
                    + "exactly one " + PLACEHOLDER + ", was " + callbackPath);
        }
        this.callbackPath = callbackPath;
        // One fulfillment id as a path segment (shared-model's rule, which FulfillmentJob holds its fulfillmentId
        // to): URL-unreserved characters only, so it needs no encoding; captured for fulfillmentIdOf.
        this.callback = Pattern.compile(Pattern.quote(callbackPath.substring(0, at))
                + "(" + Ids.FULFILLMENT_ID_REGEX + ")"
                + Pattern.quote(callbackPath.substring(at + PLACEHOLDER.length())));
    }

    /**
     * The fulfillment id {@code url} names: its {@code {fulfillmentId}} segment (the last one on the default callback
     * path), or empty when its raw path is not the callback path. Says nothing of the rest of the policy: call
     * {@link #check} too. The id a job carries must be this one, as it keys the posted mark and the Idempotency-Key
     * of the post to this URL.
     */
    public Optional<String> fulfillmentIdOf(String url) {
        if (url == null) {
            return Optional.empty();
        }
        String path;
        try {
            path = new URI(url.trim()).getRawPath();
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
        Matcher m = callback.matcher(path == null ? "" : path);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /**
     * How a check ended: refused (the reason), admitted, or neither because the host's name could not be looked up
     * ({@code unresolvedHost}): no address came back, which a resolver outage looks like too, so a caller may take it
     * as infrastructure and ask again.
     */
    public record Verdict(Optional<String> refusal, String unresolvedHost) {

        static final Verdict ADMITTED = new Verdict(Optional.empty(), null);

        static Verdict refused(String reason) {
            return new Verdict(Optional.of(reason), null);
        }

        public boolean lookupFailed() {
            return unresolvedHost != null;
        }

        /** Admitted: neither refused nor left unlooked-up. */
        public boolean admitted() {
            return refusal.isEmpty() && unresolvedHost == null;
        }
    }

    /** Why {@code url} is refused (a host that could not be looked up is too), or empty when a result may go there. */
    public Optional<String> check(String url) {
        Verdict v = verdict(url);
        return v.lookupFailed() ? Optional.of("host " + v.unresolvedHost() + " does not resolve") : v.refusal();
    }

    /** As {@link #check}, telling a failed lookup from a refusal. */
    public Verdict verdict(String url) {
        Precheck pre = precheck(url);
        if (pre.refusal() != null) {
            return Verdict.refused(pre.refusal());
        }
        return pre.hostToResolve() == null ? Verdict.ADMITTED : checkAddresses(pre.hostToResolve());
    }

    /**
     * Whether {@link #check} would ask DNS about {@code url}'s host (and so may block): false when it refuses the URL
     * before that, for a test host, and for an IPv4 or IPv6 literal, which resolve without a lookup.
     */
    public boolean resolvesDns(String url) {
        Precheck pre = precheck(url);
        String host = pre.hostToResolve();
        return pre.refusal() == null
                && host != null
                && !host.startsWith("[")
                && !IPV4_LITERAL.matcher(host).matches();
    }

    /** A refusal, or the host whose addresses are still to be checked (null: none to check). */
    private record Precheck(String refusal, String hostToResolve) {
        static Precheck refused(String reason) {
            return new Precheck(reason, null);
        }
    }

    private Precheck precheck(String url) {
        if (url == null || url.isBlank()) {
            return Precheck.refused("is required");
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            return Precheck.refused("is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost() == null ? null : uri.getHost().toLowerCase(Locale.ROOT);
        if (host == null || !uri.isAbsolute()) {
            return Precheck.refused("must be an absolute URL with a host");
        }
        if (uri.getRawUserInfo() != null) {
            return Precheck.refused("must not carry user info");
        }
        int defaultPort = scheme.equals("http") ? 80 : 443;
        int port = uri.getPort() > 0 ? uri.getPort() : defaultPort;
        boolean testHost = testHosts.contains(host + ":" + port);
        if (!scheme.equals("https") && !(scheme.equals("http") && testHost)) {
            return Precheck.refused("must use https");
        }
        if (!testHost && !allowedHosts.contains(host)) {
            return Precheck.refused("host " + host + " is not an allowed Genesys host");
        }
        if (!testHost && port != defaultPort) {
            return Precheck.refused("must use the default port of " + scheme);
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            return Precheck.refused("must not carry a query or a fragment");
        }
        // The raw path, before any decoding: an encoded character, a dot segment or an extra segment is refused.
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (!callback.matcher(path).matches()) {
            // the refused path is not quoted: a job's refusal goes to logs, audit and dead letters, and a path can
            // carry anything (a phone number in a segment)
            return Precheck.refused("path must be " + callbackPath + " (one fulfillment id of A-Z a-z 0-9 . _ ~ -)");
        }
        return new Precheck(null, testHost ? null : host);
    }

    private Verdict checkAddresses(String host) {
        InetAddress[] addresses;
        try {
            addresses = resolver.apply(host);
        } catch (RuntimeException e) {
            return new Verdict(Optional.empty(), host);
        }
        if (addresses == null || addresses.length == 0) {
            return new Verdict(Optional.empty(), host);
        }
        for (InetAddress a : addresses) {
            if (a.isLoopbackAddress()
                    || a.isSiteLocalAddress()
                    || a.isLinkLocalAddress()
                    || a.isAnyLocalAddress()
                    || a.isMulticastAddress()
                    || isUniqueLocalV6(a)) {
                return Verdict.refused("host " + host + " resolves to a private, loopback or link-local address");
            }
            if (isCarrierGradeNat(a)) {
                return Verdict.refused("host " + host + " resolves to a carrier-grade NAT address (100.64.0.0/10)");
            }
        }
        return Verdict.ADMITTED;
    }

    /** 100.64.0.0/10 (RFC 6598): shared address space, private to a provider's network. */
    private static boolean isCarrierGradeNat(InetAddress a) {
        byte[] b = a.getAddress();
        return b.length == 4 && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64;
    }

    /** fc00::/7, IPv6 unique local addresses (Java's isSiteLocalAddress covers only the old fec0::/10). */
    private static boolean isUniqueLocalV6(InetAddress a) {
        byte[] b = a.getAddress();
        return b.length == 16 && (b[0] & 0xfe) == 0xfc;
    }

    private static InetAddress[] resolve(String host) {
        try {
            return InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
