package io.cxbridge.genesys.config;

import java.net.URI;

/** Where the API and the login host are: an explicit base URL (and login URL) wins over a region. */
public record Endpoints(URI apiBase, URI loginBase) {

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
        URI uri = URI.create(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
        if (uri.getScheme() == null || uri.getHost() == null) {
            throw new IllegalArgumentException(key + " must be an absolute http(s) URL, was '" + value + "'");
        }
        return uri;
    }
}
