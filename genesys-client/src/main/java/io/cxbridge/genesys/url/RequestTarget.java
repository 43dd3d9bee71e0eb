package io.cxbridge.genesys.url;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An origin-form request target ({@code /path?query}), checked and normalised once. The path is kept in its
 * one canonical encoding (upper-case percent escapes) and refused when it could mean something else to another
 * parser: anything but a single leading {@code /}, empty segments ({@code //}), {@code .} and {@code ..},
 * backslashes, {@code ;} path parameters, {@code @}, fragments, control characters, space and raw non-ASCII,
 * percent escapes of unreserved characters (an encoded dot or letter is only ever an evasion), of {@code /},
 * {@code \}, {@code %} (double encoding), {@code ;}, {@code @} and control characters, and invalid or overlong
 * UTF-8 ({@code %c0%ae}). The query is parsed into parameters and re-encoded, so no byte of it reaches a URL as
 * the client wrote it.
 */
public record RequestTarget(String path, List<Parameter> query) {

    /** One query parameter, decoded; {@code value} is null for a bare name ({@code ?flag}). */
    public record Parameter(String name, String value) {}

    public RequestTarget {
        query = List.copyOf(query);
    }

    /** Parses {@code target} with no bound on the path's length (callers that take targets from clients bound it). */
    public static RequestTarget parse(String target) {
        return parse(target, Integer.MAX_VALUE);
    }

    /** Parses and normalises {@code target}, or throws {@link UnsafeTargetException} naming the first problem. */
    public static RequestTarget parse(String target, int maxPathBytes) {
        if (target == null || target.isEmpty() || target.charAt(0) != '/') {
            throw new UnsafeTargetException(
                    "the request target must be a path starting with '/' (no absolute or authority form, no '*')");
        }
        if (target.startsWith("//")) {
            throw new UnsafeTargetException("the request target must not start with '//'");
        }
        if (target.indexOf('#') >= 0) {
            throw new UnsafeTargetException("the request target must not carry a fragment ('#')");
        }
        int q = target.indexOf('?');
        String rawPath = q < 0 ? target : target.substring(0, q);
        if (rawPath.length() > maxPathBytes) {
            throw new UnsafeTargetException("the path is longer than " + maxPathBytes + " bytes");
        }
        String path = normalisePath(rawPath);
        List<Parameter> query = q < 0 ? List.of() : parseQuery(target.substring(q + 1));
        return new RequestTarget(path, query);
    }

    /** The query re-encoded from its parameters (empty when there are none), without the {@code ?}. */
    public String encodedQuery() {
        StringBuilder out = new StringBuilder();
        for (Parameter p : query) {
            if (!out.isEmpty()) {
                out.append('&');
            }
            out.append(encode(p.name()));
            if (p.value() != null) {
                out.append('=').append(encode(p.value()));
            }
        }
        return out.toString();
    }

    /** The normalised path and re-encoded query, as sent on a request line. */
    public String pathAndQuery() {
        String q = encodedQuery();
        return q.isEmpty() ? path : path + "?" + q;
    }

    /** This target with its path's leading {@code from} prefix replaced by {@code to} (an alias onto its home). */
    public RequestTarget withPrefix(String from, String to) {
        if (!path.startsWith(from)) {
            return this;
        }
        return new RequestTarget(to + path.substring(from.length()), query);
    }

    private static String normalisePath(String raw) {
        StringBuilder out = new StringBuilder(raw.length());
        // Only a path with percent escapes needs a byte buffer (most have none).
        ByteArrayOutputStream pending = raw.indexOf('%') < 0 ? null : new ByteArrayOutputStream();
        int segmentStart = 0;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length() || hex(raw.charAt(i + 1)) < 0 || hex(raw.charAt(i + 2)) < 0) {
                    throw new UnsafeTargetException("the path has a '%' that is not a percent escape");
                }
                int b = hex(raw.charAt(i + 1)) * 16 + hex(raw.charAt(i + 2));
                refuseEncodedByte(b);
                pending.write(b);
                i += 2;
                continue;
            }
            flushUtf8(pending, out);
            if (c == '/') {
                segment(out, segmentStart, i == raw.length() - 1);
                out.append('/');
                segmentStart = out.length();
                continue;
            }
            refuseRawChar(c);
            out.append(c);
        }
        flushUtf8(pending, out);
        segment(out, segmentStart, true);
        return out.toString();
    }

    /** Checks the segment that ends here ({@code out} from {@code start}); an empty one is only allowed last. */
    private static void segment(StringBuilder out, int start, boolean last) {
        if (out.isEmpty()) {
            return;
        }
        int length = out.length() - start;
        if (length == 0 && !last) {
            throw new UnsafeTargetException("the path has an empty segment ('//')");
        }
        // Compared in place: no substring per segment.
        if ((length == 1 || length == 2) && out.charAt(start) == '.' && out.charAt(out.length() - 1) == '.') {
            throw new UnsafeTargetException("the path has a '" + out.substring(start) + "' segment");
        }
    }

    private static void refuseRawChar(char c) {
        if (c < 0x20 || c == 0x7f) {
            throw new UnsafeTargetException("the path contains a control character");
        }
        if (c == '\\') {
            throw new UnsafeTargetException("the path contains a backslash");
        }
        if (c == ';') {
            throw new UnsafeTargetException("the path contains ';' (path parameters are not accepted)");
        }
        if (c == '@') {
            throw new UnsafeTargetException("the path contains '@'");
        }
        if (!unreserved(c) && "!$&'()*+,=:".indexOf(c) < 0) {
            throw new UnsafeTargetException("the path contains a character that must be percent-encoded (space, quote, "
                    + "bracket or non-ASCII)");
        }
    }

    private static void refuseEncodedByte(int b) {
        if (b < 0x80 && unreserved((char) b)) {
            throw new UnsafeTargetException("the path percent-encodes an unreserved character (such as %2e or %2D)");
        }
        if (b == '/' || b == '\\') {
            throw new UnsafeTargetException("the path contains an encoded slash or backslash (%2f, %5c)");
        }
        if (b == '%') {
            throw new UnsafeTargetException("the path is double-encoded (%25)");
        }
        if (b < 0x20 || b == 0x7f) {
            throw new UnsafeTargetException("the path contains an encoded control character");
        }
        if (b == ';' || b == '@') {
            throw new UnsafeTargetException("the path contains an encoded ';' or '@'");
        }
    }

    /** Appends the pending escaped bytes, canonically re-escaped, once they are known to be valid UTF-8. */
    private static void flushUtf8(ByteArrayOutputStream pending, StringBuilder out) {
        if (pending == null || pending.size() == 0) {
            return;
        }
        byte[] bytes = pending.toByteArray();
        pending.reset();
        String decoded = strictUtf8(bytes, "path");
        decoded.codePoints().forEach(cp -> {
            int type = Character.getType(cp);
            if (Character.isISOControl(cp)
                    || type == Character.FORMAT
                    || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR) {
                throw new UnsafeTargetException(
                        "the path contains an encoded control or format character (such as %C2%85)");
            }
        });
        for (byte b : bytes) {
            out.append('%')
                    .append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
                    .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
        }
    }

    private static String strictUtf8(byte[] bytes, String where) {
        try {
            // Java's decoder refuses overlong forms (%c0%ae) and surrogates, which is the point.
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new UnsafeTargetException("the " + where + " contains invalid or overlong UTF-8");
        }
    }

    private static List<Parameter> parseQuery(String raw) {
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                throw new UnsafeTargetException("the query contains a control character, space or raw non-ASCII byte");
            }
        }
        List<Parameter> out = new ArrayList<>();
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decodeQuery(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? null : decodeQuery(pair.substring(eq + 1));
            out.add(new Parameter(name, value));
        }
        return out;
    }

    /** Form decoding ({@code +} is a space), strict about escapes and UTF-8. */
    private static String decodeQuery(String s) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length() || hex(s.charAt(i + 1)) < 0 || hex(s.charAt(i + 2)) < 0) {
                    throw new UnsafeTargetException("the query has a '%' that is not a percent escape");
                }
                bytes.write(hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
                i += 2;
            } else {
                bytes.write(c == '+' ? ' ' : c);
            }
        }
        return strictUtf8(bytes.toByteArray(), "query");
    }

    /** Percent-encodes everything but unreserved characters (a space is {@code %20}, a plus {@code %2B}). */
    public static String encode(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c < 0x80 && unreserved(c)) {
                out.append(c);
            } else {
                out.append('%')
                        .append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
        }
        return out.toString();
    }

    private static boolean unreserved(char c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '-'
                || c == '.'
                || c == '_'
                || c == '~';
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }
}
