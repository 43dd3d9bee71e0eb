package io.cxbridge.genesys.webhook;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * One configured webhook: where, with which signing secret, and how long each attempt may take. Built once at
 * start-up by {@link #of}, which refuses a configuration that could only fail later (a URL without a secret, or a
 * URL that is not absolute http(s)) with a message naming the property.
 *
 * @param name the webhook's name in metrics and logs ({@code retry}, {@code retention}, {@code directory})
 */
public record WebhookTarget(String name, URI url, String secret, Duration timeout) {

    @Override
    public String toString() {
        return "WebhookTarget[" + name + " -> " + url.getHost() + "]"; // never the secret, nor a token in the URL
    }

    /** Empty when no URL is configured (the webhook is off). */
    public static Optional<WebhookTarget> of(
            String name,
            String urlProperty,
            Optional<String> url,
            String secretProperty,
            Optional<String> secret,
            Duration timeout) {
        Optional<String> configured = url.map(String::trim).filter(u -> !u.isEmpty());
        if (configured.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> key = secret.filter(s -> !s.isBlank());
        if (key.isEmpty()) {
            throw new IllegalStateException(urlProperty + " is set but " + secretProperty
                    + " is not: webhooks are signed, so the secret is required with the URL");
        }
        URI uri;
        try {
            uri = URI.create(configured.get());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(urlProperty + " is not a valid URL", e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new IllegalStateException(urlProperty + " must be an absolute http or https URL");
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalStateException("the timeout of webhook " + name + " must be positive");
        }
        return Optional.of(new WebhookTarget(name, uri, key.get(), timeout));
    }
}
