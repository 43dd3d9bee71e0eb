package io.cxbridge.genesys.urlpolicy;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The fulfillment URL policy, one piece of code for the gateway (on intake) and fulfillment-svc (before any
 * request): https only (plain http only for configured test hosts), the host on the allow-list of Genesys
 * hosts, no user info, and no loopback, private, link-local (169.254.0.0/16), multicast, wildcard or
 * unresolvable address unless the host is a configured test host. Redirects are never followed by the
 * callers, so what is checked is where the post goes. {@link #check} resolves DNS: call it off the event loop.
 */
public final class FulfillmentUrlPolicy {

    private final Set<String> allowedHosts;
    private final Set<String> testHosts;
    private final Function<String, InetAddress[]> resolver;

    public FulfillmentUrlPolicy(FulfillmentUrlConfig config) {
        this(config.allowedHosts(), config.testHosts().orElse(List.of()), FulfillmentUrlPolicy::resolve);
    }

    public FulfillmentUrlPolicy(List<String> allowedHosts, List<String> testHosts, Function<String, InetAddress[]> resolver) {
        this.allowedHosts = allowedHosts.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        this.testHosts = testHosts.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        this.resolver = resolver;
    }

    /** Why {@code url} is refused, or empty when a result may be posted to it. */
    public Optional<String> check(String url) {
        if (url == null || url.isBlank()) {
            return Optional.of("is required");
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            return Optional.of("is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost() == null ? null : uri.getHost().toLowerCase(Locale.ROOT);
        if (host == null || !uri.isAbsolute()) {
            return Optional.of("must be an absolute URL with a host");
        }
        if (uri.getRawUserInfo() != null) {
            return Optional.of("must not carry user info");
        }
        int port = uri.getPort() > 0 ? uri.getPort() : scheme.equals("http") ? 80 : 443;
        boolean testHost = testHosts.contains(host + ":" + port);
        if (!scheme.equals("https") && !(scheme.equals("http") && testHost)) {
            return Optional.of("must use https");
        }
        if (!testHost && !allowedHosts.contains(host)) {
            return Optional.of("host " + host + " is not an allowed Genesys host");
        }
        if (testHost) {
            return Optional.empty();
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.apply(host);
        } catch (RuntimeException e) {
            return Optional.of("host " + host + " does not resolve");
        }
        if (addresses == null || addresses.length == 0) {
            return Optional.of("host " + host + " does not resolve");
        }
        for (InetAddress a : addresses) {
            if (a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()
                    || a.isMulticastAddress() || isUniqueLocalV6(a)) {
                return Optional.of("host " + host + " resolves to a private, loopback or link-local address");
            }
        }
        return Optional.empty();
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
