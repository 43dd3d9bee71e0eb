package io.cxbridge.model.audit;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.BeanSerializerBase;
import io.cxbridge.model.Json;
import io.cxbridge.model.event.Ids;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A CloudEvents 1.0 audit event in Kafka binary content mode: the attributes travel as {@code ce_*}
 * headers, the data (always a JSON object carrying {@code traceId}) as the record value, and the
 * subject id as the record key. {@code traceId} is also sent as the extension attribute
 * {@code ce_traceid} so consumers can filter without parsing the value.
 *
 * <p>{@code payload} is the data as the sender gave it: a record is kept as it is and written straight to the
 * value's bytes, its components followed by {@code traceId} (one pass, no JSON tree: a gateway sends one per
 * request); anything else (a map, a tree, a record with its own {@code traceId}) is copied into an object node that
 * already carries the {@code traceId}, as it always was. Either way {@link #value()} and {@link #data()} show the same
 * JSON object.
 */
public record AuditEvent(
        String id, String source, String type, String subject, Instant time, String traceId, Object payload) {
    // traceId is null only for a record read back without one (the contract requires it; every create sets it)

    public static final String SPEC_VERSION = "1.0";
    public static final String CONTENT_TYPE = "application/json";

    public static final String H_ID = "ce_id";
    public static final String H_SOURCE = "ce_source";
    public static final String H_TYPE = "ce_type";
    public static final String H_SPECVERSION = "ce_specversion";
    public static final String H_TIME = "ce_time";
    public static final String H_SUBJECT = "ce_subject";
    public static final String H_TRACEID = "ce_traceid";
    public static final String H_CONTENT_TYPE = "content-type";

    private static final String TRACE_ID = "traceId";

    /** A record's fields, then {@code traceId}, as one JSON object. */
    @JsonPropertyOrder({"data", TRACE_ID})
    private record Stamped(@JsonUnwrapped Object data, String traceId) {}

    private static final ObjectWriter STAMPED = Json.mapper().writerFor(Stamped.class);

    /**
     * Whether a data type is written field by field: a record Jackson writes as a bean (so its fields can be unwrapped)
     * that has no {@code traceId} of its own (the event's must win, and a JSON object has each name once).
     */
    private static final ClassValue<Boolean> STREAMED = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            if (!type.isRecord()
                    || Arrays.stream(type.getRecordComponents())
                            .anyMatch(c -> c.getName().equals(TRACE_ID))) {
                return false;
            }
            try {
                return Json.mapper().getSerializerProviderInstance().findValueSerializer(type)
                        instanceof BeanSerializerBase;
            } catch (JsonMappingException e) {
                return false;
            }
        }
    };

    public AuditEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(payload, "payload");
        if (!(payload instanceof ObjectNode) && (!streamed(payload) || traceId == null)) {
            throw new IllegalArgumentException("audit data must be a JSON object, or a record with a traceId");
        }
    }

    /** {@code /cxbridge/<service>}, the {@code ce_source} of a service's events. */
    public static String sourceOf(String service) {
        return "/cxbridge/" + service;
    }

    /**
     * A new event from {@code service}. {@code data} is a record (kept: records are values), or a map or an object node
     * (copied, so the caller's object is left as it was and later changes to it do not leak in). Every event carries a
     * trace id: a new one when none is given.
     */
    public static AuditEvent create(
            String service, String type, String subject, String traceId, Instant time, Object data) {
        String trace = traceId == null || traceId.isBlank() ? Ids.newTraceId() : traceId;
        Object payload;
        if (data != null && streamed(data)) {
            payload = data;
        } else {
            JsonNode tree = data == null
                    ? Json.mapper().createObjectNode()
                    : data instanceof ObjectNode o
                            ? o.deepCopy()
                            : Json.mapper().valueToTree(data);
            if (!tree.isObject()) {
                throw new IllegalArgumentException("audit data must be a JSON object");
            }
            payload = ((ObjectNode) tree).put(TRACE_ID, trace);
        }
        return new AuditEvent(Ids.newEventId(), sourceOf(service), type, subject, time, trace, payload);
    }

    private static boolean streamed(Object payload) {
        return STREAMED.get(payload.getClass());
    }

    /** The Kafka headers of binary content mode, in a stable order. */
    public Map<String, String> kafkaHeaders() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put(H_ID, id);
        h.put(H_SOURCE, source);
        h.put(H_TYPE, type);
        h.put(H_SPECVERSION, SPEC_VERSION);
        h.put(H_TIME, time.toString());
        h.put(H_SUBJECT, subject);
        if (traceId != null) {
            h.put(H_TRACEID, traceId);
        }
        h.put(H_CONTENT_TYPE, CONTENT_TYPE);
        return h;
    }

    /** The record value: the data as UTF-8 JSON, written straight from a record's fields (no tree in between). */
    public byte[] value() {
        try {
            return payload instanceof ObjectNode node
                    ? Json.mapper().writeValueAsBytes(node)
                    : STAMPED.writeValueAsBytes(new Stamped(payload, traceId));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("audit data is not serialisable", e);
        }
    }

    /**
     * The data as a JSON object, {@code traceId} included: what {@link #value()} writes. For readers and tests; built
     * anew on each call for a record payload, so not for a hot path.
     */
    public ObjectNode data() {
        if (payload instanceof ObjectNode node) {
            return node;
        }
        try {
            return (ObjectNode) Json.mapper().readTree(value());
        } catch (IOException e) {
            throw new IllegalStateException("audit data is not readable back", e);
        }
    }

    /** Equal when the attributes are and the data is the same JSON object, however each side holds it. */
    @Override
    public boolean equals(Object o) {
        return o instanceof AuditEvent e
                && id.equals(e.id)
                && source.equals(e.source)
                && type.equals(e.type)
                && subject.equals(e.subject)
                && time.equals(e.time)
                && Objects.equals(traceId, e.traceId)
                && data().equals(e.data());
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, source, type, subject, time, traceId, data());
    }

    /** Reads an event back from a record's headers and value; fails clearly on a record that is not one. */
    public static AuditEvent fromKafka(Map<String, byte[]> headers, byte[] value) {
        String spec = header(headers, H_SPECVERSION);
        if (!SPEC_VERSION.equals(spec)) {
            throw new IllegalArgumentException("not a CloudEvents 1.0 record: ce_specversion=" + spec);
        }
        JsonNode data;
        try {
            data = Json.mapper().readTree(value);
        } catch (IOException e) {
            throw new IllegalArgumentException("audit value is not JSON", e);
        }
        if (data == null || !data.isObject()) {
            throw new IllegalArgumentException("audit value is not a JSON object");
        }
        JsonNode traceId = data.get(TRACE_ID);
        return new AuditEvent(
                header(headers, H_ID),
                header(headers, H_SOURCE),
                header(headers, H_TYPE),
                header(headers, H_SUBJECT),
                Instant.parse(header(headers, H_TIME)),
                traceId == null || traceId.isNull() ? null : traceId.asText(),
                data);
    }

    private static String header(Map<String, byte[]> headers, String name) {
        byte[] v = headers.get(name);
        if (v == null) {
            throw new IllegalArgumentException("missing header " + name);
        }
        return new String(v, StandardCharsets.UTF_8);
    }
}
