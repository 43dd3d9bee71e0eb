package io.cxbridge.genesys.url;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The one way cxbridge addresses an upstream: scheme, host and port come only from the configured base, the
 * path is the base's own path plus a {@link RequestTarget}'s normalised path, the query is re-encoded from its
 * parameters. Nothing the client sent can change where the request goes. It is handed to Vert.x as parts
 * ({@link #options}), never as a string glued together.
 */
public record UpstreamUrl(boolean ssl, String host, int port, String pathAndQuery) {

    /** The Genesys API accepts nothing outside this prefix. */
    public static final String GENESYS_API_PREFIX = "/api/v2/";

    /** A call to the Genesys API at {@code base}: the target's path must start with {@code /api/v2/}. */
    public static UpstreamUrl genesys(URI base, String pathAndQuery) {
        RequestTarget target = RequestTarget.parse(pathAndQuery);
        if (!target.path().startsWith(GENESYS_API_PREFIX)) {
            throw new UnsafeTargetException("a Genesys API path must start with " + GENESYS_API_PREFIX);
        }
        return of(base, target);
    }

    /** {@code target} at {@code base} (an absolute http(s) URL whose own path, if any, prefixes the target's). */
    public static UpstreamUrl of(URI base, RequestTarget target) {
        String scheme = base.getScheme() == null ? "" : base.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("an upstream base must be an http(s) URL, was '" + base + "'");
        }
        if (base.getHost() == null
                || base.getRawUserInfo() != null
                || base.getRawQuery() != null
                || base.getRawFragment() != null) {
            throw new IllegalArgumentException(
                    "an upstream base must be scheme://host[:port][/path], was '" + base + "'");
        }
        boolean ssl = scheme.equals("https");
        int port = base.getPort() > 0 ? base.getPort() : ssl ? 443 : 80;
        String basePath = withoutTrailingSlashes(base.getRawPath());
        if (!basePath.isEmpty()) {
            basePath = RequestTarget.parse(basePath).path();
        }
        return new UpstreamUrl(ssl, base.getHost(), port, basePath + target.pathAndQuery());
    }

    /**
     * {@code path} without its trailing slashes ("" for null). Not {@code replaceAll("/+$", "")}: this runs for every
     * proxied request, and that compiles a regular expression each time (0.5 % of the gateway's event loops).
     */
    private static String withoutTrailingSlashes(String path) {
        if (path == null) {
            return "";
        }
        int end = path.length();
        while (end > 0 && path.charAt(end - 1) == '/') {
            end--;
        }
        return path.substring(0, end);
    }

    /** Request options addressing this URL (host, port, TLS and request URI set separately). */
    public RequestOptions options(HttpMethod method) {
        return new RequestOptions()
                .setMethod(method)
                .setHost(host)
                .setPort(port)
                .setSsl(ssl)
                .setURI(pathAndQuery);
    }

    /** For logs and tests: the same parts as a URI (the target resolved against the authority, never glued on). */
    public URI toUri() {
        try {
            return new URI(ssl ? "https" : "http", null, host, port, null, null, null).resolve(new URI(pathAndQuery));
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
