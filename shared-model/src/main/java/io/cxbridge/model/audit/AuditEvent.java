package io.cxbridge.model.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxbridge.model.Json;
import io.cxbridge.model.event.Ids;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * A CloudEvents 1.0 audit event in Kafka binary content mode: the attributes travel as {@code ce_*}
 * headers, the data (always a JSON object carrying {@code traceId}) as the record value, and the
 * subject id as the record key. {@code traceId} is also sent as the extension attribute
 * {@code ce_traceid} so consumers can filter without parsing the value.
 */
public record AuditEvent(String id, String source, String type, String subject, Instant time, ObjectNode data) {

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

    public AuditEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(data, "data");
    }

    /** {@code /cxbridge/<service>}, the {@code ce_source} of a service's events. */
    public static String sourceOf(String service) {
        return "/cxbridge/" + service;
    }

    /**
     * A new event from {@code service}. {@code data} is copied and given the {@code traceId}, so the
     * caller's object is left as it was. Every event carries a trace id: a new one when none is given.
     */
    public static AuditEvent create(
            String service, String type, String subject, String traceId, Instant time, Object data) {
        JsonNode tree = data == null
                ? Json.mapper().createObjectNode()
                : data instanceof ObjectNode o ? o.deepCopy() : Json.mapper().valueToTree(data);
        if (!tree.isObject()) {
            throw new IllegalArgumentException("audit data must be a JSON object");
        }
        ObjectNode node = (ObjectNode) tree;
        node.put("traceId", traceId == null || traceId.isBlank() ? Ids.newTraceId() : traceId);
        return new AuditEvent(UUID.randomUUID().toString(), sourceOf(service), type, subject, time, node);
    }

    public String traceId() {
        JsonNode t = data.get("traceId");
        return t == null || t.isNull() ? null : t.asText();
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
        if (traceId() != null) {
            h.put(H_TRACEID, traceId());
        }
        h.put(H_CONTENT_TYPE, CONTENT_TYPE);
        return h;
    }

    /** The record value: the data as UTF-8 JSON. */
    public byte[] value() {
        try {
            return Json.mapper().writeValueAsBytes(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("audit data is not serialisable", e);
        }
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
        return new AuditEvent(
                header(headers, H_ID),
                header(headers, H_SOURCE),
                header(headers, H_TYPE),
                header(headers, H_SUBJECT),
                Instant.parse(header(headers, H_TIME)),
                (ObjectNode) data);
    }

    private static String header(Map<String, byte[]> headers, String name) {
        byte[] v = headers.get(name);
        if (v == null) {
            throw new IllegalArgumentException("missing header " + name);
        }
        return new String(v, StandardCharsets.UTF_8);
    }
}
