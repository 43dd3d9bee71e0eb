package io.cxbridge.fulfillment.action;

import com.fasterxml.jackson.databind.JsonNode;
import io.cxbridge.model.problem.Violation;
import io.vertx.uritemplate.UriTemplate;
import io.vertx.uritemplate.Variables;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An action's external URL: an RFC 6570 template limited to simple {@code {field}} expressions (every value is
 * percent-encoded, so {@code /}, {@code ?}, {@code #} and {@code %} in a value stay data), only in the path and
 * the query. Expanded by Vert.x's URI template library, never by joining strings.
 */
public final class UrlTemplate {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z0-9_]+)}");

    private final String action;
    private final UriTemplate template;
    private final Set<String> fields;
    private final Set<String> pathFields;
    private final URI origin;

    private UrlTemplate(String action, UriTemplate template, Set<String> fields, Set<String> pathFields, URI origin) {
        this.action = action;
        this.template = template;
        this.fields = fields;
        this.pathFields = pathFields;
        this.origin = origin;
    }

    /** Parses an action's template; throws {@link IllegalStateException} naming the action when it is unusable. */
    public static UrlTemplate parse(String action, String text) {
        if (text == null || text.isBlank()) {
            throw refused(action, "has no url");
        }
        String trimmed = text.trim();
        int schemeEnd = trimmed.indexOf("://");
        if (schemeEnd < 0) {
            throw refused(action, "url must be absolute (scheme://host/...)");
        }
        int authorityEnd = schemeEnd + 3;
        while (authorityEnd < trimmed.length() && "/?#".indexOf(trimmed.charAt(authorityEnd)) < 0) {
            authorityEnd++;
        }
        int brace = trimmed.indexOf('{');
        if (brace >= 0 && brace < authorityEnd) {
            throw refused(
                    action,
                    "url has a placeholder in its scheme or host; placeholders may only be in the "
                            + "path and the query");
        }
        if (trimmed.indexOf('#') >= 0) {
            throw refused(action, "url must not carry a fragment");
        }
        int queryStart = trimmed.indexOf('?');
        Set<String> fields = new LinkedHashSet<>();
        Set<String> pathFields = new LinkedHashSet<>();
        Matcher m = PLACEHOLDER.matcher(trimmed);
        StringBuilder rest = new StringBuilder();
        while (m.find()) {
            fields.add(m.group(1));
            if (queryStart < 0 || m.start() < queryStart) {
                pathFields.add(m.group(1));
            }
            m.appendReplacement(rest, "");
        }
        m.appendTail(rest);
        if (rest.indexOf("{") >= 0 || rest.indexOf("}") >= 0) {
            throw refused(action, "url may only hold simple {field} placeholders (letters, digits, _)");
        }
        URI origin;
        try {
            // The template with its placeholders filled in must be a valid URL: check it once here.
            Variables probe = Variables.variables();
            fields.forEach(f -> probe.set(f, "x"));
            URI sample = new URI(UriTemplate.of(trimmed).expandToString(probe));
            if (sample.getHost() == null || sample.getScheme() == null) {
                throw refused(action, "url must name a host");
            }
            origin = new URI(
                    sample.getScheme().toLowerCase(java.util.Locale.ROOT),
                    sample.getRawUserInfo(),
                    sample.getHost().toLowerCase(java.util.Locale.ROOT),
                    sample.getPort(),
                    null,
                    null,
                    null);
        } catch (URISyntaxException | RuntimeException e) {
            if (e instanceof IllegalStateException ise) {
                throw ise;
            }
            throw refused(action, "url is not a valid URL template");
        }
        return new UrlTemplate(action, UriTemplate.of(trimmed), Set.copyOf(fields), Set.copyOf(pathFields), origin);
    }

    private static IllegalStateException refused(String action, String why) {
        return new IllegalStateException("cxbridge.actions." + action + ": " + why);
    }

    /** Scheme, user info, host and port: what the URL policy judges (they never depend on the body). */
    public URI origin() {
        return origin;
    }

    public Set<String> fields() {
        return fields;
    }

    /** The URL for a body, or the fields that are missing or unusable (each with why). */
    public Expansion expand(JsonNode body) {
        Variables vars = Variables.variables();
        List<Violation> problems = new ArrayList<>();
        for (String field : fields) {
            JsonNode value = body != null && body.isObject() ? body.get(field) : null;
            if (value == null || value.isNull() || value.isMissingNode()) {
                problems.add(new Violation(field, "is required by the action's URL template"));
            } else if (!value.isValueNode()) {
                problems.add(new Violation(field, "must be a string, number or boolean"));
            } else if (pathFields.contains(field) && value.asText().matches("\\.{0,2}")) {
                // Encoding leaves dots alone: an empty, "." or ".." segment would change the path, not carry data.
                problems.add(new Violation(field, "must not be empty, '.' or '..'"));
            } else {
                vars.set(field, value.asText());
            }
        }
        if (!problems.isEmpty()) {
            return new Expansion(null, problems);
        }
        return new Expansion(template.expandToString(vars), List.of());
    }

    /** An expanded URL, or the violations ({field, message}) that kept the template from being filled. */
    public record Expansion(String url, List<Violation> problems) {
        public boolean ok() {
            return url != null;
        }
    }

    @Override
    public String toString() {
        return "UrlTemplate[" + action + "]";
    }
}
