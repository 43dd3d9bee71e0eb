package io.cxbridge.genesys.redaction;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.cxbridge.model.Json;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Makes text safe for a log line: sensitive fields at any depth of a JSON body, values that look like
 * e-mail addresses, phone numbers, card numbers (Luhn-checked) or SSNs anywhere, every query value
 * not known to be harmless, and credential headers. Used by every service; nothing it returns carries
 * a secret or a customer's contact data.
 */
public final class Redactor {

    public static final String MASK = "[REDACTED]";

    /** Headers that carry credentials or session state; their values never reach a log. */
    public static final Set<String> SECRET_HEADERS = Set.of("authorization", "proxy-authorization", "cookie",
            "set-cookie", "x-api-key", "x-fulfillment-token", "x-cxbridge-signature");

    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");
    private static final Pattern SSN = Pattern.compile("(?<!\\d)\\d{3}-\\d{2}-\\d{4}(?!\\d)");
    // 13 to 19 digits, optionally grouped by spaces or dashes; confirmed by the Luhn check.
    private static final Pattern CARD = Pattern.compile("(?<![\\d-])(?:\\d[ -]?){12,18}\\d(?![\\d-])");
    // International or national phone numbers: 7 to 15 digits with the usual separators.
    private static final Pattern PHONE = Pattern.compile(
            "(?<![\\w.-])(?:\\+\\d{1,3}[ .-]?)?(?:\\(\\d{1,4}\\)[ .-]?)?\\d{2,4}(?:[ .-]?\\d{2,4}){1,4}(?![\\w-])");
    private static final Pattern BEARER = Pattern.compile("(?i)(bearer|basic)\\s+[A-Za-z0-9._~+/=-]+");

    private final Set<String> fields;
    private final Set<String> safeQueryParameters;

    public Redactor(Collection<String> fields, Collection<String> safeQueryParameters) {
        this.fields = fields.stream().map(Redactor::normalise).collect(Collectors.toUnmodifiableSet());
        this.safeQueryParameters = safeQueryParameters.stream().map(s -> s.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
    }

    public boolean isSensitiveField(String name) {
        return fields.contains(normalise(name));
    }

    /** A JSON document with sensitive fields and PII-looking strings masked; text that is not JSON is redacted as text. */
    public String json(String body) {
        if (body == null || body.isBlank()) {
            return body;
        }
        JsonNode node;
        try {
            node = Json.mapper().readTree(body);
        } catch (JsonProcessingException e) {
            return text(body);
        }
        if (node == null) {
            return text(body);
        }
        try {
            return Json.mapper().writeValueAsString(redact(node));
        } catch (JsonProcessingException e) {
            return MASK;
        }
    }

    /** A redacted deep copy of a JSON tree. */
    public JsonNode redact(JsonNode node) {
        if (node.isObject()) {
            ObjectNode copy = Json.mapper().createObjectNode();
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                copy.set(e.getKey(), isSensitiveField(e.getKey()) && !e.getValue().isNull()
                        ? TextNode.valueOf(MASK) : redact(e.getValue()));
            }
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = Json.mapper().createArrayNode();
            node.forEach(child -> copy.add(redact(child)));
            return copy;
        }
        if (node.isTextual()) {
            return TextNode.valueOf(text(node.asText()));
        }
        if (node.isNumber() && node.isIntegralNumber()) {
            String digits = node.asText();
            // a card number or phone number sent as a JSON number
            if (digits.length() >= 7) {
                String redacted = text(digits);
                return redacted.equals(digits) ? node : TextNode.valueOf(redacted);
            }
        }
        return node;
    }

    /** Free text with credentials, e-mail addresses, SSNs, card and phone numbers masked. */
    public String text(String value) {
        if (value == null || value.isEmpty()) {
            return value;
        }
        String out = BEARER.matcher(value).replaceAll("$1 " + Matcher.quoteReplacement(MASK));
        out = EMAIL.matcher(out).replaceAll(Matcher.quoteReplacement(MASK));
        out = SSN.matcher(out).replaceAll(Matcher.quoteReplacement(MASK));
        out = replaceCards(out);
        out = replacePhones(out);
        return out;
    }

    /** A query string ({@code a=1&b=2}) with every value not known to be harmless masked. */
    public String query(String query) {
        if (query == null || query.isEmpty()) {
            return query;
        }
        return List.of(query.split("&")).stream().map(pair -> {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            if (eq < 0) {
                return text(name);
            }
            String decodedName = URLDecoder.decode(name, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
            String value = pair.substring(eq + 1);
            return text(name) + "=" + (safeQueryParameters.contains(decodedName) && !isSensitiveField(decodedName)
                    ? text(value) : MASK);
        }).collect(Collectors.joining("&"));
    }

    /** Headers for a log line: credential headers masked, the others redacted as text. */
    public Map<String, String> headers(Map<String, String> headers) {
        Map<String, String> out = new LinkedHashMap<>();
        headers.forEach((k, v) -> out.put(k, SECRET_HEADERS.contains(k.toLowerCase(Locale.ROOT)) ? MASK : text(v)));
        return out;
    }

    private static String replaceCards(String value) {
        Matcher m = CARD.matcher(value);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String digits = m.group().replaceAll("[ -]", "");
            m.appendReplacement(sb, Matcher.quoteReplacement(luhn(digits) ? MASK : m.group()));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static String replacePhones(String value) {
        Matcher m = PHONE.matcher(value);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String match = m.group();
            long digits = match.chars().filter(Character::isDigit).count();
            // Seven or more digits with a separator or a leading +, or a long bare number: a phone.
            boolean phoneLike = digits >= 7 && digits <= 15
                    && (match.startsWith("+") || match.matches(".*[ .()-].*") || digits >= 10);
            m.appendReplacement(sb, Matcher.quoteReplacement(phoneLike && !isDateOrTime(match) ? MASK : match));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static boolean isDateOrTime(String s) {
        return s.matches("\\d{4}-\\d{2}-\\d{2}") || s.matches("\\d{2}:\\d{2}(:\\d{2})?");
    }

    static boolean luhn(String digits) {
        if (digits.length() < 13 || digits.length() > 19) {
            return false;
        }
        int sum = 0;
        boolean twice = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (twice) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            twice = !twice;
        }
        return sum % 10 == 0;
    }

    private static String normalise(String name) {
        return name.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
    }
}
