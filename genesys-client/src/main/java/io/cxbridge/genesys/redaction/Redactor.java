package io.cxbridge.genesys.redaction;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.cxbridge.genesys.url.RequestTarget;
import io.cxbridge.model.Json;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URLDecoder;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Makes text safe for a log line: sensitive fields at any depth of a JSON body, values that look like
 * e-mail addresses, phone numbers, card numbers (Luhn-checked) or SSNs anywhere, every query value
 * not known to be harmless, and credential headers. Used by every service; nothing it returns carries
 * a secret or a customer's contact data.
 *
 * <p>It runs for every request the gateway logs, so it is built for that: a JSON body is redacted in one streaming
 * pass (parser to generator, no tree), field names are matched without building a normalised copy, and each
 * precompiled pattern runs only on a value that a cheap look says it could match (an '@' for an e-mail address,
 * seven digits in a row for a phone number, and so on). The looks are necessary conditions of the patterns, so the
 * result is what running every pattern on every value would give.
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

    // Every pattern here runs in time linear in its input (bodies up to log-body-limit, on the event loop): a match
    // starts only where a run of its characters starts (the look-behind), and what cannot give a match back is
    // possessive. "[A-Za-z0-9._%+-]+@..." started at every character of a long run and rescanned it: 1.5 s of CPU
    // for 10 KiB of "a.a.a.", from any client that can send a logged body. RedactorTest holds each to a budget.
    // An address's letters and digits are of any script (\p{L}, \p{M} for combining marks, \p{Nd}), not only ASCII:
    // an internationalised one (an IDN domain, a local part in Cyrillic or with an umlaut) is as much an address. On
    // ASCII text the classes are the ASCII ones; the '@' look keeps the pattern off text without one. The look-behind
    // spans one or two chars: Java's takes a class as one char wide, so after a letter or digit outside the BMP (a
    // surrogate pair) a match could start at each code point of a run, quadratic (U+1D7D9 "-" repeated: 13 M reads).
    private static final String EMAIL_LOCAL = "[\\p{L}\\p{M}\\p{Nd}._%+-]";
    private static final Pattern EMAIL = Pattern.compile(
            "(?<!" + EMAIL_LOCAL + "{1,2})" + EMAIL_LOCAL + "++@[\\p{L}\\p{M}\\p{Nd}.-]+\\.[\\p{L}\\p{M}]{2,}");
    // The digit patterns take a decimal digit of any script (\p{Nd}: Arabic-Indic, full-width, Devanagari, ...), not
    // only ASCII: a number written in other digits is as much a phone number, and the looks below keep the cost to
    // values that hold such digits. (A look-behind sees one char, so after a digit outside the BMP a match may start
    // mid-run: that masks more, never less.)
    private static final Pattern SSN = Pattern.compile("(?<!\\p{Nd})\\p{Nd}{3}-\\p{Nd}{2}-\\p{Nd}{4}(?!\\p{Nd})");
    // 13 to 19 digits, optionally grouped by spaces or dashes; confirmed by the Luhn check.
    private static final Pattern CARD = Pattern.compile("(?<![\\p{Nd}-])(?:\\p{Nd}[ -]?){12,18}\\p{Nd}(?![\\p{Nd}-])");
    // International or national phone numbers: 7 to 15 digits with the usual separators.
    private static final Pattern PHONE =
            Pattern.compile("(?<![\\w\\p{Nd}.-])(?:\\+\\p{Nd}{1,3}[ .-]?)?(?:\\(\\p{Nd}{1,4}\\)[ .-]?)?"
                    + "\\p{Nd}{2,4}(?:[ .-]?\\p{Nd}{2,4}){1,4}(?![\\w\\p{Nd}-])");
    private static final Pattern PHONE_SEPARATOR = Pattern.compile("[ .()-]");
    private static final Pattern CARD_SEPARATOR = Pattern.compile("[ -]");
    private static final Pattern DATE = Pattern.compile("\\p{Nd}{4}-\\p{Nd}{2}-\\p{Nd}{2}");
    private static final Pattern TIME = Pattern.compile("\\p{Nd}{2}:\\p{Nd}{2}(:\\p{Nd}{2})?");
    private static final Pattern BEARER = Pattern.compile("(?i)(bearer|basic)\\s+[A-Za-z0-9._~+/=-]+");
    /**
     * The user info of a URL ({@code redis://svc:hunter2@redis:6379}, {@code https://admin:pa$$word@db/x}): the scheme
     * starts where a run of scheme characters starts (the look-behind), and the user info runs to the last '@' before
     * the path, query, fragment or white space, so a password with an '@' in it is masked whole.
     */
    private static final Pattern USERINFO =
            Pattern.compile("(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]*+://)[^\\s/?#@][^\\s/?#]*@");

    private static final String USERINFO_REPLACEMENT = "$1" + Matcher.quoteReplacement(MASK) + "@";
    private static final String BEARER_REPLACEMENT = "$1 " + Matcher.quoteReplacement(MASK);

    /** The fewest digits in a row (spaces, dots, dashes, parentheses and '+' between them) each pattern needs. */
    private static final int PHONE_DIGITS = 7;

    private static final int SSN_DIGITS = 9;
    private static final int CARD_DIGITS = 13;
    /** {@link #KEY_VALUE}'s key is at most this long. */
    private static final int MAX_KEY = 64;

    /**
     * {@code key: value} or {@code key=value} (quoted or not) in any text: JSON, even malformed or cut short,
     * YAML flow and block lines, form pairs, logfmt, INI. The key is checked against the sensitive names.
     */
    private static final Pattern KEY_VALUE = Pattern.compile(
            "([\"']?)(?<![A-Za-z0-9_.-])([A-Za-z0-9_.-]{1,64}+)\\1(\\s*+[:=]\\s*)(\"(?:[^\"\\\\]|\\\\.)*\"?|'[^']*'?|[^\\s,;&}\\]\"']+)");
    /** An XML element holding text: {@code <password>x</password>}. */
    private static final Pattern XML_ELEMENT = Pattern.compile("<([A-Za-z_][\\w.-]{0,63})(\\s[^<>]*+)?>([^<]*+)</\\1>");

    private static final Pattern YAML_KEY =
            // the key: words and the white space between them, never the white space before the colon (which a lazy
            // key tried once per character of it)
            Pattern.compile(
                    "^(\\s*+(?:-\\s+)?)([\"']?)([^\"':#\\s](?:[^\"':#\\s]|\\s++(?=[^\"':#\\s]))*+)\\s*+\\2\\s*+:"
                            + "(?:\\s+(.*)|\\s*)$");

    /** The patterns that search a value or a body (for the test that holds each to linear time). */
    static List<Pattern> searchPatterns() {
        return List.of(EMAIL, SSN, CARD, PHONE, DATE, TIME, BEARER, USERINFO, KEY_VALUE, XML_ELEMENT, YAML_KEY);
    }

    private final FieldNames fields;
    private final Set<String> safeQueryParameters;

    public Redactor(Collection<String> fields, Collection<String> safeQueryParameters) {
        this.fields = new FieldNames(fields);
        this.safeQueryParameters = safeQueryParameters.stream()
                .map(s -> s.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
    }

    public boolean isSensitiveField(String name) {
        return fields.contains(name);
    }

    /** A JSON document with sensitive fields and PII-looking strings masked; text that is not JSON is redacted as text. */
    public String json(String body) {
        if (body == null || body.isBlank()) {
            return body;
        }
        String out;
        try (JsonParser parser = Json.mapper().createParser(body)) {
            out = stream(parser, body.length());
        } catch (IOException e) {
            out = null;
        }
        return out != null
                ? out
                : keyed(body); // malformed or cut short: sensitive keys by pattern, then the PII patterns
    }

    /**
     * Any body for a log line, by its media type: JSON (also malformed or cut short), form-urlencoded, YAML and
     * other text have sensitive keys masked and the patterns applied; a binary or unknown type that is not
     * readable text is only its size and SHA-256. Never returns a byte of a secret it can recognise.
     */
    public String body(String contentType, byte[] body) {
        return body == null ? "" : body(contentType, body, 0, body.length);
    }

    /** {@link #body(String, byte[])} of {@code body[offset, offset + length)}, read in place (no copy of the bytes). */
    public String body(String contentType, byte[] body, int offset, int length) {
        if (body == null || length == 0) {
            return "";
        }
        String type = mediaType(contentType);
        if (!(textual(type) || type.isEmpty()) || !readableUtf8(body, offset, length)) {
            return digest(body, offset, length);
        }
        if (type.equals("application/x-www-form-urlencoded")) {
            return form(new String(body, offset, length, StandardCharsets.UTF_8));
        }
        if (type.endsWith("yaml") || type.endsWith("yml")) {
            return yaml(new String(body, offset, length, StandardCharsets.UTF_8));
        }
        if ((type.equals("application/json") || type.endsWith("+json") || type.isEmpty())
                && startsLikeJson(body, offset, length)) {
            String out;
            try (JsonParser parser = Json.mapper().createParser(body, offset, length)) {
                out = stream(parser, length);
            } catch (IOException e) {
                out = null;
            }
            if (out != null) {
                return out;
            }
        }
        return keyed(new String(body, offset, length, StandardCharsets.UTF_8));
    }

    /** A form body ({@code a=1&b=2}) decoded for the log: sensitive names masked, every value redacted as text. */
    public String form(String body) {
        return eachPair(body.split("&", -1), body.length(), pair -> {
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            if (eq < 0) {
                return keyed(name);
            }
            return text(name) + "=" + (isSensitiveField(name) ? MASK : keyed(decode(pair.substring(eq + 1))));
        });
    }

    /** The pairs, each redacted, joined by '&'. */
    private static String eachPair(String[] pairs, int size, UnaryOperator<String> redact) {
        StringBuilder out = new StringBuilder(size + 16);
        for (int i = 0; i < pairs.length; i++) {
            if (i > 0) {
                out.append('&');
            }
            out.append(redact.apply(pairs[i]));
        }
        return out.toString();
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
            Matcher m = line.indexOf(':') < 0 ? null : YAML_KEY.matcher(line); // no ':', no key
            if (m != null && m.matches() && isSensitiveField(m.group(3).trim())) {
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
        String out = hasSensitiveKey(value) ? maskKeys(value) : value;
        return text(out.contains("</") ? maskXml(out) : out);
    }

    /** {@link #KEY_VALUE} with a sensitive key: the value masked. */
    String maskKeys(String value) {
        Matcher m = KEY_VALUE.matcher(value);
        StringBuilder sb = new StringBuilder(value.length() + 16);
        while (m.find()) {
            String replacement =
                    isSensitiveField(m.group(2)) ? m.group(1) + m.group(2) + m.group(1) + m.group(3) + MASK : m.group();
            m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** {@link #XML_ELEMENT} of a sensitive name holding text: the text masked. */
    String maskXml(String value) {
        Matcher x = XML_ELEMENT.matcher(value);
        StringBuilder xml = new StringBuilder(value.length() + 16);
        while (x.find()) {
            String replacement = isSensitiveField(x.group(1)) && !x.group(3).isEmpty()
                    ? "<" + x.group(1) + (x.group(2) == null ? "" : x.group(2)) + ">" + MASK + "</" + x.group(1) + ">"
                    : x.group();
            x.appendReplacement(xml, Matcher.quoteReplacement(replacement));
        }
        x.appendTail(xml);
        return xml.toString();
    }

    /** What is logged of a body that is not text: its size and SHA-256. */
    public static String digest(byte[] body) {
        return digest(body, 0, body.length);
    }

    /** {@link #digest(byte[])} of {@code body[offset, offset + length)}. */
    public static String digest(byte[] body, int offset, int length) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(body, offset, length);
            return length + " B sha256 " + HexFormat.of().formatHex(sha256.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The media type of a Content-Type header, lower case, without parameters; "" when there is none. */
    private static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
                .trim()
                .toLowerCase(Locale.ROOT);
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

    /**
     * Whether the bytes are readable text: well-formed UTF-8 (what the JDK's decoder accepts: no overlong forms,
     * no surrogates, nothing past U+10FFFF, no sequence cut short) with no control character but tab, CR and LF.
     * One pass over the bytes, no decoding: in UTF-8 a control character is always its own single byte.
     */
    static boolean readableUtf8(byte[] bytes, int offset, int length) {
        int end = offset + length;
        int i = offset;
        while (i < end) {
            int b = bytes[i];
            if (b >= 0) {
                if (b < 0x20 && b != '\n' && b != '\r' && b != '\t') {
                    return false;
                }
                i++;
                continue;
            }
            b &= 0xff;
            int following;
            int low = 0x80;
            int high = 0xbf;
            if (b >= 0xc2 && b <= 0xdf) {
                following = 1;
            } else if (b == 0xe0) {
                following = 2;
                low = 0xa0; // shorter forms are overlong
            } else if (b == 0xed) {
                following = 2;
                high = 0x9f; // above are the surrogates
            } else if (b >= 0xe1 && b <= 0xef) {
                following = 2;
            } else if (b == 0xf0) {
                following = 3;
                low = 0x90;
            } else if (b >= 0xf1 && b <= 0xf3) {
                following = 3;
            } else if (b == 0xf4) {
                following = 3;
                high = 0x8f; // above is past U+10FFFF
            } else {
                return false;
            }
            if (end - i <= following) {
                return false;
            }
            int second = bytes[i + 1] & 0xff;
            if (second < low || second > high) {
                return false;
            }
            for (int k = 2; k <= following; k++) {
                if ((bytes[i + k] & 0xc0) != 0x80) {
                    return false;
                }
            }
            i += following + 1;
        }
        return true;
    }

    /** The first byte that is not JSON white space opens an object or an array. */
    private static boolean startsLikeJson(byte[] body, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            byte b = body[i];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return b == '{' || b == '[';
            }
        }
        return false;
    }

    /**
     * The redacted copy of the first JSON value the parser holds, written as it is read; null when the input is not
     * JSON (or is cut short), for the caller to redact it as text. What follows the first value is left out.
     */
    private String stream(JsonParser parser, int sizeHint) throws IOException {
        JsonToken token = parser.nextToken();
        if (token == null) {
            return null;
        }
        StringWriter out = new StringWriter(sizeHint + 16);
        MaskedNames masked = new MaskedNames();
        try (JsonGenerator generator = Json.mapper().createGenerator(out)) {
            int depth = 0;
            do {
                switch (token) {
                    case START_OBJECT -> {
                        generator.writeStartObject();
                        masked.open();
                        depth++;
                    }
                    case END_OBJECT -> {
                        generator.writeEndObject();
                        masked.close();
                        depth--;
                    }
                    case START_ARRAY -> {
                        generator.writeStartArray();
                        depth++;
                    }
                    case END_ARRAY -> {
                        generator.writeEndArray();
                        depth--;
                    }
                    case FIELD_NAME -> {
                        String name = parser.currentName();
                        // a key can hold PII too ({"jane@example.com": 1}); the look keeps the usual key as it is
                        generator.writeFieldName(masked.unique(mayHoldSecret(name) ? keyed(name) : name));
                        if (fields.contains(name) && parser.nextToken() != JsonToken.VALUE_NULL) {
                            parser.skipChildren(); // an object or array under a sensitive name goes as a whole
                            generator.writeString(MASK);
                        } else if (parser.currentToken() == JsonToken.VALUE_NULL) {
                            generator.writeNull();
                        }
                    }
                    case VALUE_STRING -> string(parser, generator);
                    case VALUE_NUMBER_INT -> integer(parser.getText(), generator);
                    case VALUE_NUMBER_FLOAT -> generator.writeNumber(parser.getText());
                    case VALUE_TRUE -> generator.writeBoolean(true);
                    case VALUE_FALSE -> generator.writeBoolean(false);
                    case VALUE_NULL -> generator.writeNull();
                    default -> {
                        return null;
                    }
                }
            } while (depth > 0 && (token = parser.nextToken()) != null);
            if (depth > 0) {
                return null;
            }
        }
        return out.toString();
    }

    /** A string value: written from the parser's buffer untouched unless a look says a pattern could match. */
    private void string(JsonParser parser, JsonGenerator generator) throws IOException {
        char[] chars = parser.getTextCharacters();
        int offset = parser.getTextOffset();
        int length = parser.getTextLength();
        if (mayHoldSecret(CharBuffer.wrap(chars, offset, length))) {
            generator.writeString(keyed(parser.getText())); // a string may itself hold "password=..." or a form
        } else {
            generator.writeString(chars, offset, length);
        }
    }

    /** A card number or phone number sent as a JSON number is masked as a string; other numbers stay as they came. */
    private void integer(String digits, JsonGenerator generator) throws IOException {
        if (digits.length() >= PHONE_DIGITS) {
            String redacted = text(digits);
            if (!redacted.equals(digits)) {
                generator.writeString(redacted);
                return;
            }
        }
        generator.writeNumber(digits);
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
            Numbering masked = null; // made only when a name holding the mask comes
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                String name = e.getKey();
                String written = mayHoldSecret(name) ? keyed(name) : name;
                if (Numbering.holdsMask(written)) {
                    if (masked == null) {
                        masked = new Numbering();
                    }
                    written = masked.unique(written);
                }
                copy.set(
                        written,
                        isSensitiveField(name) && !e.getValue().isNull()
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
            return TextNode.valueOf(keyed(node.asText()));
        }
        if (node.isNumber() && node.isIntegralNumber()) {
            String digits = node.asText();
            if (digits.length() >= PHONE_DIGITS) {
                String redacted = text(digits);
                return redacted.equals(digits) ? node : TextNode.valueOf(redacted);
            }
        }
        return node;
    }

    /**
     * The names holding the mask one JSON object has written, streamed or in a tree. Two keys redacted alike
     * ("jane@example.com", "john@example.com") would make a line with a duplicate key, which a log reader may take
     * as one (the last wins), or drop a value of a tree; the second gets a number ({@code [REDACTED]#2}), the first
     * free one from 2. Only a name holding the mask can clash with a redacted one, so the usual keys are never looked
     * up. The next number of each name is remembered: trying #2, #3, ... from the start for each clash made a 10 KiB
     * body of one masked key repeated (~930 keys) cost ~430K names tried. A number is still checked against the names
     * written, so a key that came numbered ("[REDACTED]#3") is skipped, not repeated: each costs at most one more try.
     */
    static final class Numbering {
        private final Set<String> names;
        /** The next number to try for a name that clashed; made at the first clash. */
        private Map<String, Integer> next;

        Numbering() {
            this(new HashSet<>());
        }

        /** With the set the written names are kept in (RedactorTest counts the names tried through it). */
        Numbering(Set<String> names) {
            this.names = names;
        }

        static boolean holdsMask(String name) {
            return name.indexOf('[') >= 0 && name.contains(MASK);
        }

        /** {@code name} if the object has not written it yet, else its first free numbered form; now written. */
        String unique(String name) {
            if (names.add(name)) {
                return name;
            }
            if (next == null) {
                next = new HashMap<>();
            }
            int n = next.getOrDefault(name, 2);
            String numbered = name + "#" + n;
            while (!names.add(numbered)) {
                n++;
                numbered = name + "#" + n;
            }
            next.put(name, n + 1);
            return numbered;
        }
    }

    /** The {@link Numbering} of each open object of a streamed JSON value. */
    private static final class MaskedNames {
        /** By depth; made only when a name holding the mask comes (most bodies have none). */
        private List<Numbering> open;

        private int depth;

        void open() {
            depth++;
            if (open != null && open.size() >= depth) {
                open.set(depth - 1, null); // a closed sibling's names are not this object's
            }
        }

        void close() {
            depth--;
        }

        String unique(String name) {
            if (!Numbering.holdsMask(name)) {
                return name;
            }
            if (open == null) {
                open = new ArrayList<>();
            }
            while (open.size() < depth) {
                open.add(null);
            }
            Numbering names = open.get(depth - 1);
            if (names == null) {
                names = new Numbering();
                open.set(depth - 1, names);
            }
            return names.unique(name);
        }
    }

    /**
     * Free text with credentials, e-mail addresses, SSNs, card and phone numbers masked, also where they are
     * percent-encoded (a URI in a body, such as a listing's {@code nextUri} echoing the query).
     */
    public String text(String value) {
        if (value == null || value.isEmpty()) {
            return value;
        }
        return text(value, 0);
    }

    /** Percent-encoding undone at most this many levels deep ("%2540" is an '@' encoded twice). */
    private static final int MAX_DECODES = 2;

    private String text(String value, int decodes) {
        return patterns(value.indexOf('%') >= 0 && decodes < MAX_DECODES ? decodedParts(value, decodes) : value);
    }

    /**
     * Each run of the text between URI delimiters that holds a '%' redacted as decoded text and encoded again
     * ({@code jane%40example.com}), up to {@link #MAX_DECODES} levels: "%252525..." would otherwise cost a pass per
     * level, quadratic in a 10 KiB body.
     */
    private String decodedParts(String value, int decodes) {
        StringBuilder out = null;
        int start = 0;
        for (int i = 0, n = value.length(); i <= n; i++) {
            if (i < n && !uriDelimiter(value.charAt(i))) {
                continue;
            }
            String part = value.substring(start, i);
            String redacted = part.indexOf('%') >= 0 ? encodedText(part, true, decodes) : part;
            if (out == null && !redacted.equals(part)) {
                out = new StringBuilder(value.length()).append(value, 0, start);
            }
            if (out != null) {
                out.append(redacted);
                if (i < n) {
                    out.append(value.charAt(i));
                }
            }
            start = i + 1;
        }
        return out == null ? value : out.toString();
    }

    private static boolean uriDelimiter(char c) {
        return c == '/'
                || c == '?'
                || c == '&'
                || c == '='
                || c == '#'
                || c == ';'
                || c == ','
                || c == '"'
                || c == '\''
                || c == '<'
                || c == '>'
                || Character.isWhitespace(c);
    }

    /** {@link #text} after the percent-encoded parts: the patterns themselves. */
    private String patterns(String value) {
        String out = hasCredentialWord(value) ? maskCredentials(value) : value;
        if (out.indexOf('@') >= 0) {
            if (out.contains("://")) {
                out = maskUserinfo(out); // first: "svc:p@ss@host" is user info, not an e-mail address
            }
            out = maskEmails(out);
        }
        // A replacement puts no digit in and joins no two stretches, so the longest only shrinks from here; a stretch
        // an SSN or card is cut out of could end a phone number only where it already could (see phoneCouldEnd).
        int digits = longestDigitRun(out);
        int phoneDigits = digits < PHONE_DIGITS ? 0 : longestPhoneRun(out);
        if (digits >= SSN_DIGITS) {
            out = maskSsns(out);
        }
        if (digits >= CARD_DIGITS) {
            out = replaceCards(out);
        }
        if (phoneDigits >= PHONE_DIGITS) {
            out = replacePhones(out);
        }
        return out;
    }

    static String maskCredentials(String value) {
        return BEARER.matcher(value).replaceAll(BEARER_REPLACEMENT);
    }

    static String maskUserinfo(String value) {
        return USERINFO.matcher(value).replaceAll(USERINFO_REPLACEMENT);
    }

    static String maskEmails(String value) {
        return EMAIL.matcher(value).replaceAll(Matcher.quoteReplacement(MASK));
    }

    static String maskSsns(String value) {
        return SSN.matcher(value).replaceAll(Matcher.quoteReplacement(MASK));
    }

    /**
     * A query string ({@code a=1&b=2}, percent-encoded) with every value not known to be harmless masked. Names and
     * the safe values are redacted as text once decoded ({@code jane%40example.com} is an e-mail address too), then
     * encoded again around the masks.
     */
    public String query(String query) {
        if (query == null || query.isEmpty()) {
            return query;
        }
        return eachPair(query.split("&"), query.length(), pair -> {
            int eq = pair.indexOf('=');
            if (eq < 0) {
                return encodedText(pair, true, 0);
            }
            String name = pair.substring(0, eq);
            String decodedName = decode(name).toLowerCase(Locale.ROOT);
            return encodedText(name, true, 0) + "="
                    + (safeQueryParameters.contains(decodedName) && !isSensitiveField(decodedName)
                            ? encodedText(pair.substring(eq + 1), true, 0)
                            : MASK);
        });
    }

    /**
     * A normalised, percent-encoded request path with each segment redacted as text once decoded (a phone number or
     * e-mail address used as an id: {@code /api/v2/.../+15551234567}). A path with nothing that could match is
     * returned as it is, without a look at each segment.
     */
    public String path(String path) {
        if (path == null || !mayHoldSecret(path)) {
            return path;
        }
        return String.join(
                "/",
                Arrays.stream(path.split("/", -1))
                        .map(segment -> encodedText(segment, false, 0))
                        .toList());
    }

    /**
     * One percent-encoded query part ({@code form}: '+' is a space) or path segment, redacted as decoded text and
     * encoded again, the mask left readable; returned as it came when nothing in it was masked. An escape that does
     * not decode is redacted as it came.
     */
    private String encodedText(String encoded, boolean form, int decodes) {
        String decoded;
        try {
            decoded = URLDecoder.decode(form ? encoded : encoded.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return patterns(encoded); // not decodable: redacted as it came (never decoded again)
        }
        String redacted = text(decoded, decodes + 1);
        if (redacted.equals(decoded)) {
            return encoded;
        }
        StringBuilder out = new StringBuilder(encoded.length());
        int from = 0;
        for (int at; (at = redacted.indexOf(MASK, from)) >= 0; from = at + MASK.length()) {
            out.append(RequestTarget.encode(redacted.substring(from, at))).append(MASK);
        }
        return out.append(RequestTarget.encode(redacted.substring(from))).toString();
    }

    /** Headers for a log line: credential headers masked, the others redacted as text. */
    public Map<String, String> headers(Map<String, String> headers) {
        Map<String, String> out = new LinkedHashMap<>();
        headers.forEach((k, v) -> out.put(k, SECRET_HEADERS.contains(k.toLowerCase(Locale.ROOT)) ? MASK : text(v)));
        return out;
    }

    /**
     * Whether {@link #keyed} could change the text, by one look at each character: a sensitive name before a ':' or
     * '=', an XML end tag, "bearer" or "basic", an '@' or a '%', nine digits in a row or seven a phone number could
     * end in ({@link #phoneCouldEnd}). False means nothing would change.
     */
    boolean mayHoldSecret(CharSequence s) {
        int digits = 0;
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                digits++;
            } else if (c >= 0x80) { // none of the characters below: only a digit of another script counts
                int width = digitWidth(s, i);
                if (width > 0) {
                    digits++;
                    i += width - 1;
                }
            } else if (c == '@'
                    || c == '%' // a percent-encoded part, looked at decoded
                    || (c == '<' && i + 1 < n && s.charAt(i + 1) == '/')
                    || ((c == ':' || c == '=') && sensitiveKeyBefore(s, i))
                    || ((c | 0x20) == 'b' && credentialWordAt(s, i))) {
                return true;
            }
        }
        return digits >= PHONE_DIGITS && (longestDigitRun(s) >= SSN_DIGITS || longestPhoneRun(s) >= PHONE_DIGITS);
    }

    /**
     * Whether a {@link #PHONE} match could end in a stretch of digits and separators that ends at {@code end}: its
     * look-ahead wants neither a word character nor '-' after it, so either the stretch holds a space, dot,
     * parenthesis or '+' ({@code innerEnd}), or what follows it is no ASCII letter, digit or '_' (or nothing). An ISO
     * date-time ({@code 2026-11-23T10:00:00Z}) is neither, and never reaches the pattern.
     */
    private static boolean phoneCouldEnd(boolean innerEnd, CharSequence s, int end) {
        if (innerEnd || end == s.length()) {
            return true;
        }
        char next = s.charAt(end);
        return !((next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z') || next == '_');
    }

    /** The most digits in one stretch a phone number could end in (see {@link #phoneCouldEnd}). */
    static int longestPhoneRun(CharSequence s) {
        int longest = 0;
        int run = 0;
        boolean innerEnd = false;
        for (int i = 0, n = s.length(); i <= n; i++) {
            char c = i < n ? s.charAt(i) : 0;
            int width = i < n ? digitWidth(s, i) : 0;
            if (width > 0) {
                run++;
                i += width - 1;
            } else if (i < n && isRunSeparator(c)) {
                innerEnd |= c != '-';
            } else {
                if (run > longest && phoneCouldEnd(innerEnd, s, i)) {
                    longest = run;
                }
                run = 0;
                innerEnd = false;
            }
        }
        return longest;
    }

    /** Whether {@link #KEY_VALUE} could find a sensitive key anywhere in the text. */
    boolean hasSensitiveKey(String s) {
        for (int i = s.indexOf(':'); i >= 0; i = s.indexOf(':', i + 1)) {
            if (sensitiveKeyBefore(s, i)) {
                return true;
            }
        }
        for (int i = s.indexOf('='); i >= 0; i = s.indexOf('=', i + 1)) {
            if (sensitiveKeyBefore(s, i)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the key {@link #KEY_VALUE} would see before the separator at {@code at} (white space, an optional quote,
     * then up to 64 key characters) is a sensitive name.
     */
    private boolean sensitiveKeyBefore(CharSequence s, int at) {
        int end = at;
        while (end > 0 && isRegexSpace(s.charAt(end - 1))) {
            end--;
        }
        if (end > 0 && (s.charAt(end - 1) == '"' || s.charAt(end - 1) == '\'')) {
            end--;
        }
        int start = end;
        while (start > 0 && end - start < MAX_KEY && isKeyChar(s.charAt(start - 1))) {
            start--;
        }
        return start < end && fields.contains(s, start, end);
    }

    private static boolean isKeyChar(char c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '_'
                || c == '.'
                || c == '-';
    }

    /** {@code \s} of {@link Pattern} without UNICODE_CHARACTER_CLASS. */
    private static boolean isRegexSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0b || c == '\f' || c == '\r';
    }

    /** The characters a phone, card or SSN pattern allows between its digits. */
    private static boolean isRunSeparator(char c) {
        return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '+';
    }

    /** The most digits in one stretch of digits and {@link #isRunSeparator} characters. */
    static int longestDigitRun(CharSequence s) {
        int longest = 0;
        int run = 0;
        for (int i = 0, n = s.length(); i < n; i++) {
            int width = digitWidth(s, i);
            if (width > 0) {
                longest = Math.max(longest, ++run);
                i += width - 1;
            } else if (!isRunSeparator(s.charAt(i))) {
                run = 0;
            }
        }
        return longest;
    }

    /**
     * The chars a decimal digit of any script takes at {@code i} (what the patterns' {@code \p{Nd}} matches: 2 for
     * one outside the BMP), or 0 when none starts there. ASCII first: anything else is rare in what is logged.
     */
    private static int digitWidth(CharSequence s, int i) {
        char c = s.charAt(i);
        if (c < 0x80) {
            return c >= '0' && c <= '9' ? 1 : 0;
        }
        if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
            return Character.isDigit(Character.toCodePoint(c, s.charAt(i + 1))) ? 2 : 0;
        }
        return Character.isDigit(c) ? 1 : 0;
    }

    static boolean hasCredentialWord(CharSequence s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            if ((s.charAt(i) | 0x20) == 'b' && credentialWordAt(s, i)) {
                return true;
            }
        }
        return false;
    }

    /** "bearer" or "basic" in any case starts at {@code i} ({@link #BEARER}'s case folding is ASCII only). */
    private static boolean credentialWordAt(CharSequence s, int i) {
        return wordAt(s, i, "bearer") || wordAt(s, i, "basic");
    }

    private static boolean wordAt(CharSequence s, int i, String lowerCaseWord) {
        if (i + lowerCaseWord.length() > s.length()) {
            return false;
        }
        for (int k = 0; k < lowerCaseWord.length(); k++) {
            char c = s.charAt(i + k);
            if ((c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c) != lowerCaseWord.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    static String replaceCards(String value) {
        Matcher m = CARD.matcher(value);
        StringBuilder sb = new StringBuilder(value.length());
        while (m.find()) {
            String digits = CARD_SEPARATOR.matcher(m.group()).replaceAll("");
            m.appendReplacement(sb, Matcher.quoteReplacement(luhn(digits) ? MASK : m.group()));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    static String replacePhones(String value) {
        Matcher m = PHONE.matcher(value);
        StringBuilder sb = new StringBuilder(value.length());
        while (m.find()) {
            String match = m.group();
            long digits = match.codePoints().filter(Character::isDigit).count();
            // Seven or more digits with a separator or a leading +, or a long bare number: a phone.
            boolean phoneLike = digits >= PHONE_DIGITS
                    && digits <= 15
                    && (match.startsWith("+") || PHONE_SEPARATOR.matcher(match).find() || digits >= 10);
            m.appendReplacement(sb, Matcher.quoteReplacement(phoneLike && !isDateOrTime(match) ? MASK : match));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static boolean isDateOrTime(String s) {
        return DATE.matcher(s).matches() || TIME.matcher(s).matches();
    }

    /** The Luhn check of a run of decimal digits of any script (each its value, {@link Character#digit}). */
    static boolean luhn(String digits) {
        int[] values = digits.codePoints().map(cp -> Character.digit(cp, 10)).toArray();
        if (values.length < 13 || values.length > 19) {
            return false;
        }
        int sum = 0;
        boolean twice = false;
        for (int i = values.length - 1; i >= 0; i--) {
            int d = values[i];
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
}
