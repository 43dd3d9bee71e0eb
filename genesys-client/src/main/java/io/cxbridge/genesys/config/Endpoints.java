package io.cxbridge.genesys.config;

import io.cxbridge.genesys.url.RequestTarget;
import io.cxbridge.genesys.url.UpstreamUrl;
import java.net.URI;

/**
 * Where the API and the login host are: an explicit base URL (and login URL) wins over a region. Both are refused at
 * start-up unless they are {@code http(s)://host[:port][/path]}: no user info, query or fragment.
 */
public record Endpoints(URI apiBase, URI loginBase) {

    /** The token endpoint's path on the login base. */
    static final String TOKEN_PATH = "/oauth/token";

    public Endpoints {
        // Built once here, so a base the URL builder refuses fails the start, not the first token request.
        UpstreamUrl.of(loginBase, RequestTarget.parse(TOKEN_PATH));
    }

    /** The OAuth token endpoint: {@code /oauth/token} on the login base, built by the one URL builder. */
    public UpstreamUrl tokenUrl() {
        return UpstreamUrl.of(loginBase, RequestTarget.parse(TOKEN_PATH));
    }

    public static Endpoints of(GenesysConfig config) {
        if (config.baseUrl().isPresent()) {
            URI api = uri(config.baseUrl().get(), "cxbridge.genesys.base-url");
            URI login = config.loginUrl()
                    .map(u -> uri(u, "cxbridge.genesys.login-url"))
                    .orElseGet(() -> derivedLogin(api));
            return new Endpoints(api, login);
        }
        Region region = Region.parse(config.region()
                .orElseThrow(() -> new IllegalArgumentException(
                        "set cxbridge.genesys.region (e.g. eu_west_1) or cxbridge.genesys.base-url")));
        URI login = config.loginUrl()
                .map(u -> uri(u, "cxbridge.genesys.login-url"))
                .orElse(URI.create(region.loginBaseUrl()));
        return new Endpoints(URI.create(region.apiBaseUrl()), login);
    }

    /** {@code https://api.X} logs in at {@code https://login.X}; any other host (a sandbox) at itself. */
    static URI derivedLogin(URI api) {
        String host = api.getHost();
        if (host != null && host.startsWith("api.")) {
            return URI.create(
                    api.getScheme() + "://login." + host.substring(4) + (api.getPort() > 0 ? ":" + api.getPort() : ""));
        }
        return api;
    }

    private static URI uri(String value, String key) {
        URI uri;
        try {
            uri = URI.create(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " must be an absolute http(s) URL, was '" + value + "'", e);
        }
        String scheme = uri.getScheme();
        if (scheme == null
                || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                || uri.getHost() == null) {
            throw new IllegalArgumentException(key + " must be an absolute http(s) URL, was '" + value + "'");
        }
        // Neither is ever shown whole: a URL with credentials in it is refused without repeating it.
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException(
                    key + " must not carry user info (credentials go in cxbridge.genesys.client-id and client-secret)");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(
                    key + " must be scheme://host[:port][/path], without a query or fragment, was '" + value + "'");
        }
        return uri;
    }
}
