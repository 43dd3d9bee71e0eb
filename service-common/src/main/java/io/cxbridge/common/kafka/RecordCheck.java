package io.cxbridge.common.kafka;

import io.cxbridge.model.Headers;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.common.header.Header;

/**
 * What a consumer checks on a record before it reads the value: its size and its headers. A record that fails is
 * the record's own fault (never the infrastructure's), so the consumer dead-letters it with the reason and goes on
 * (SPEC "Kafka topics"). The value itself (JSON, validation) is the consumer's to check.
 *
 * <p>Headers: {@code traceparent} must be W3C trace context; {@value Headers#SCHEMA_VERSION}, when present, must be
 * a version the consumer reads; any other {@code cxbridge-} header must be one the topic's contract names. Other
 * headers (tracing vendors, tools) are ignored.
 */
public record RecordCheck(int maxValueBytes, Set<String> knownHeaders, Set<String> schemaVersions) {

    public static final String TOO_LARGE = "record-too-large";
    public static final String MALFORMED_HEADER = "malformed-header";
    public static final String UNKNOWN_HEADER = "unknown-header";
    public static final String UNKNOWN_SCHEMA_VERSION = "unknown-schema-version";

    private static final Pattern TRACEPARENT = Pattern.compile("^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$");
    private static final String OWN_PREFIX = "cxbridge-";

    /** Why a record is refused: the {@code cxbridge-error-class} and the reason for its DLQ record. */
    public record Refusal(String errorClass, String reason) {}

    /** The check for a topic whose records carry no header of their own (schema version 1 only). */
    public static RecordCheck of(int maxValueBytes) {
        return new RecordCheck(maxValueBytes, Set.of(), Set.of("1"));
    }

    /**
     * @param valueBytes the value's size in bytes as it came off the wire (UTF-8)
     */
    public Optional<Refusal> check(long valueBytes, Iterable<Header> headers) {
        if (valueBytes > maxValueBytes) {
            return Optional.of(new Refusal(
                    TOO_LARGE, "the value is " + valueBytes + " bytes, over the limit of " + maxValueBytes));
        }
        if (headers == null) {
            return Optional.empty();
        }
        for (Header h : headers) {
            String name = h.key();
            if (Headers.TRACEPARENT.equals(name)) {
                String v = text(h.value());
                if (v == null || !TRACEPARENT.matcher(v.trim()).matches()) {
                    return Optional.of(new Refusal(MALFORMED_HEADER, "header traceparent is not W3C trace context"));
                }
            } else if (Headers.SCHEMA_VERSION.equals(name)) {
                String v = text(h.value());
                if (v == null || !schemaVersions.contains(v.trim())) {
                    return Optional.of(new Refusal(
                            UNKNOWN_SCHEMA_VERSION,
                            "header " + name + " names a version "
                                    + "this consumer does not read (it reads "
                                    + String.join(
                                            ", ",
                                            schemaVersions.stream().sorted().toList()) + ")"));
                }
            } else if (name != null && name.startsWith(OWN_PREFIX) && !knownHeaders.contains(name)) {
                return Optional.of(new Refusal(
                        UNKNOWN_HEADER, "header " + printable(name) + " is not part of this topic's contract"));
            } else if (knownHeaders.contains(name) && text(h.value()) == null) {
                return Optional.of(new Refusal(MALFORMED_HEADER, "header " + name + " is not UTF-8 text"));
            }
        }
        return Optional.empty();
    }

    /** The header's value as strict UTF-8, or null when it is absent or not UTF-8. */
    static String text(byte[] value) {
        if (value == null) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** A header name for a reason: at most 64 characters, nothing but printable ASCII. */
    private static String printable(String name) {
        String cut = name.length() > 64 ? name.substring(0, 64) + "..." : name;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
