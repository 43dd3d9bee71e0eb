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
    public static final Set<String> SECRET_HEADERS = Set.of(
            "authorization",
            "proxy-authorization",
            "cookie",
            "set-cookie",
            "x-api-key",
            "x-fulfillment-token",
            "x-cxbridge-signature");

    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");
    private static final Pattern SSN = Pattern.compile("(?<!\\d)\\d{3}-\\d{2}-\\d{4}(?!\\d)");
    // 13 to 19 digits, optionally grouped by spaces or dashes; confirmed by the Luhn check.
    private static final Pattern CARD = Pattern.compile("(?<![\\d-])(?:\\d[ -]?){12,18}\\d(?![\\d-])");
    // International or national phone numbers: 7 to 15 digits with the usual separators.
    private static final Pattern PHONE = Pattern.compile(
            "(?<![\\w.-])(?:\\+\\d{1,3}[ .-]?)?(?:\\(\\d{1,4}\\)[ .-]?)?\\d{2,4}(?:[ .-]?\\d{2,4}){1,4}(?![\\w-])");
    private static final Pattern BEARER = Pattern.compile("(?i)(bearer|basic)\\s+[A-Za-z0-9._~+/=-]+");

    /**
     * {@code key: value} or {@code key=value} (quoted or not) in any text: JSON, even malformed or cut short,
     * YAML flow and block lines, form pairs, logfmt, INI. The key is checked against the sensitive names.
     */
    private static final Pattern KEY_VALUE = Pattern.compile(
            "([\"']?)([A-Za-z0-9_.-]{1,64})\\1(\\s*[:=]\\s*)(\"(?:[^\"\\\\]|\\\\.)*\"?|'[^']*'?|[^\\s,;&}\\]\"']+)");
    /** An XML element holding text: {@code <password>x</password>}. */
    private static final Pattern XML_ELEMENT = Pattern.compile("<([A-Za-z_][\\w.-]{0,63})(\\s[^>]*)?>([^<]*)</\\1>");

    private static final Pattern YAML_KEY =
            Pattern.compile("^(\\s*(?:-\\s+)?)([\"']?)([^\"':#\\s][^\"':#]*?)\\2\\s*:(?:\\s+(.*)|\\s*)$");

    private final Set<String> fields;
    private final Set<String> safeQueryParameters;

    public Redactor(Collection<String> fields, Collection<String> safeQueryParameters) {
        this.fields = fields.stream().map(Redactor::normalise).collect(Collectors.toUnmodifiableSet());
        this.safeQueryParameters = safeQueryParameters.stream()
                .map(s -> s.toLowerCase(Locale.ROOT))
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
            return keyed(body); // malformed or cut short: sensitive keys by pattern, then the PII patterns
        }
        if (node == null) {
            return keyed(body);
        }
        try {
            return Json.mapper().writeValueAsString(redact(node));
        } catch (JsonProcessingException e) {
            return MASK;
        }
    }

    /**
     * Any body for a log line, by its media type: JSON (also malformed or cut short), form-urlencoded, YAML and
     * other text have sensitive keys masked and the patterns applied; a binary or unknown type that is not
     * readable text is only its size and SHA-256. Never returns a byte of a secret it can recognise.
     */
    public String body(String contentType, byte[] body) {
        if (body == null || body.length == 0) {
            return "";
        }
        String type = contentType == null
                ? ""
                : contentType.toLowerCase(Locale.ROOT).split(";", 2)[0].trim();
        String text = textual(type) || type.isEmpty() ? utf8(body) : null;
        if (text == null) {
            return digest(body);
        }
        if (type.equals("application/x-www-form-urlencoded")) {
            return form(text);
        }
        if (type.endsWith("yaml") || type.endsWith("yml")) {
            return yaml(text);
        }
        if (type.equals("application/json") || type.endsWith("+json") || type.isEmpty()) {
            String trimmed = text.stripLeading();
            if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
                return json(text);
            }
        }
        return keyed(text);
    }

    /** A form body ({@code a=1&b=2}) decoded for the log: sensitive names masked, every value redacted as text. */
    public String form(String body) {
        return List.of(body.split("&", -1)).stream()
                .map(pair -> {
                    int eq = pair.indexOf('=');
                    String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                    if (eq < 0) {
                        return keyed(name);
                    }
                    String value = decode(pair.substring(eq + 1));
                    return text(name) + "=" + (isSensitiveField(name) ? MASK : keyed(value));
                })
                .collect(Collectors.joining("&"));
    }

    /** YAML, line by line: a sensitive key's value (and any block nested under it) masked, the rest as text. */
    public String yaml(String body) {
        StringBuilder out = new StringBuilder(body.length());
        int maskDeeperThan = -1;
        for (String line : body.split("\n", -1)) {
            int indent = line.length() - line.stripLeading().length();
            if (maskDeeperThan >= 0 && (line.isBlank() || indent > maskDeeperThan)) {
                out.append(line.isBlank() ? line : line.substring(0, indent) + MASK)
                        .append('\n');
                continue;
            }
            maskDeeperThan = -1;
            Matcher m = YAML_KEY.matcher(line);
            if (m.matches() && isSensitiveField(m.group(3).trim())) {
                String value = m.group(4) == null ? "" : m.group(4).trim();
                out.append(m.group(1))
                        .append(m.group(2))
                        .append(m.group(3))
                        .append(m.group(2))
                        .append(": ");
                out.append(MASK).append('\n');
                // an empty value or a block scalar (|, >): what is indented below belongs to the key
                if (value.isEmpty() || value.startsWith("|") || value.startsWith(">") || value.startsWith("&")) {
                    maskDeeperThan = indent;
                }
                continue;
            }
            out.append(keyed(line)).append('\n');
        }
        out.setLength(out.length() - 1);
        return out.toString();
    }

    /** Free text with {@code key: value}, {@code key=value} and XML elements of sensitive names masked, then {@link #text}. */
    public String keyed(String value) {
        if (value == null || value.isEmpty()) {
            return value;
        }
        Matcher m = KEY_VALUE.matcher(value);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String replacement =
                    isSensitiveField(m.group(2)) ? m.group(1) + m.group(2) + m.group(1) + m.group(3) + MASK : m.group();
            m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(sb);
        Matcher x = XML_ELEMENT.matcher(sb.toString());
        StringBuilder xml = new StringBuilder();
        while (x.find()) {
            String replacement = isSensitiveField(x.group(1)) && !x.group(3).isEmpty()
                    ? "<" + x.group(1) + (x.group(2) == null ? "" : x.group(2)) + ">" + MASK + "</" + x.group(1) + ">"
                    : x.group();
            x.appendReplacement(xml, Matcher.quoteReplacement(replacement));
        }
        x.appendTail(xml);
        return text(xml.toString());
    }

    /** What is logged of a body that is not text: its size and SHA-256. */
    public static String digest(byte[] body) {
        try {
            return body.length + " B sha256 "
                    + java.util.HexFormat.of()
                            .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                                    .digest(body));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean textual(String type) {
        return type.startsWith("text/")
                || type.equals("application/json")
                || type.endsWith("+json")
                || type.equals("application/x-www-form-urlencoded")
                || type.endsWith("yaml")
                || type.endsWith("yml")
                || type.equals("application/xml")
                || type.endsWith("+xml")
                || type.equals("application/x-ndjson")
                || type.equals("application/problem+json")
                || type.equals("application/javascript");
    }

    /** The body as UTF-8 when it is readable text (valid UTF-8, no control characters but whitespace), else null. */
    private static String utf8(byte[] body) {
        try {
            String s = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(body))
                    .toString();
            return s.chars().anyMatch(c -> c < 0x20 && c != '\n' && c != '\r' && c != '\t') ? null : s;
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s; // a malformed %-escape: logged as it came, still redacted as text
        }
    }

    /** A redacted deep copy of a JSON tree. */
    public JsonNode redact(JsonNode node) {
        if (node.isObject()) {
            ObjectNode copy = Json.mapper().createObjectNode();
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                copy.set(
                        e.getKey(),
                        isSensitiveField(e.getKey()) && !e.getValue().isNull()
                                ? TextNode.valueOf(MASK)
                                : redact(e.getValue()));
            }
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = Json.mapper().createArrayNode();
            node.forEach(child -> copy.add(redact(child)));
            return copy;
        }
        if (node.isTextual()) {
            return TextNode.valueOf(keyed(node.asText())); // a string may itself hold "password=..." or a form
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
        return List.of(query.split("&")).stream()
                .map(pair -> {
                    int eq = pair.indexOf('=');
                    String name = eq < 0 ? pair : pair.substring(0, eq);
                    if (eq < 0) {
                        return text(name);
                    }
                    String decodedName =
                            URLDecoder.decode(name, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
                    String value = pair.substring(eq + 1);
                    return text(name) + "="
                            + (safeQueryParameters.contains(decodedName) && !isSensitiveField(decodedName)
                                    ? text(value)
                                    : MASK);
                })
                .collect(Collectors.joining("&"));
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
            boolean phoneLike = digits >= 7
                    && digits <= 15
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
