package io.cxbridge.fulfillment.action;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where an action may call: https only (plain http only for a configured test host), no user info, the host on the
 * action's allow-list when it has one, and no loopback, private, link-local, multicast or wildcard address unless the
 * host is a test host. Redirects are never followed by the caller, so the checked origin is where calls go. Kept
 * apart from genesys-client's fulfillment URL policy on purpose: that one judges Genesys callback URLs (Genesys
 * hosts, callback paths); this one judges a customer's external API.
 */
final class ActionUrlPolicy {

    /** Resolves a host to its addresses (tests map names to chosen addresses). */
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final Set<String> allowedHosts;
    private final Set<String> testHosts;
    private final Resolver resolver;

    ActionUrlPolicy(ActionsConfig.UrlPolicy config, Resolver resolver) {
        this(config.allowedHosts().orElse(List.of()), config.testHosts().orElse(List.of()), resolver);
    }

    ActionUrlPolicy(List<String> allowedHosts, List<String> testHosts, Resolver resolver) {
        this.allowedHosts = normalise(allowedHosts);
        this.testHosts = normalise(testHosts);
        this.resolver = resolver;
    }

    private static Set<String> normalise(List<String> hosts) {
        return hosts.stream()
                .map(h -> h.trim().toLowerCase(Locale.ROOT))
                .filter(h -> !h.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    /** Why calls to {@code origin} are refused, or empty when they may be made. Resolves DNS: not on an event loop. */
    Optional<String> check(URI origin) {
        String scheme = origin.getScheme() == null ? "" : origin.getScheme().toLowerCase(Locale.ROOT);
        String host = origin.getHost() == null ? "" : origin.getHost().toLowerCase(Locale.ROOT);
        if (host.isEmpty()) {
            return Optional.of("url must name a host");
        }
        if (origin.getRawUserInfo() != null) {
            return Optional.of("url must not carry user info");
        }
        int port = origin.getPort() > 0 ? origin.getPort() : scheme.equals("http") ? 80 : 443;
        boolean testHost = testHosts.contains(host + ":" + port);
        if (!scheme.equals("https") && !(scheme.equals("http") && testHost)) {
            return Optional.of("url must use https");
        }
        if (!allowedHosts.isEmpty() && !testHost && !allowedHosts.contains(host)) {
            return Optional.of("host " + host + " is not on the action's url-policy.allowed-hosts");
        }
        if (testHost) {
            return Optional.empty();
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException | RuntimeException e) {
            return Optional.of("host " + host + " does not resolve");
        }
        if (addresses == null || addresses.length == 0) {
            return Optional.of("host " + host + " does not resolve");
        }
        for (InetAddress a : addresses) {
            byte[] b = a.getAddress();
            boolean uniqueLocalV6 = b.length == 16 && (b[0] & 0xfe) == 0xfc;
            if (a.isLoopbackAddress()
                    || a.isSiteLocalAddress()
                    || a.isLinkLocalAddress()
                    || a.isAnyLocalAddress()
                    || a.isMulticastAddress()
                    || uniqueLocalV6) {
                return Optional.of("host " + host + " resolves to a private, loopback or link-local address");
            }
        }
        return Optional.empty();
    }
}
