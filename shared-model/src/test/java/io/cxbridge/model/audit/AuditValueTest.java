package io.cxbridge.model.audit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxbridge.model.Json;
import io.cxbridge.model.event.Ids;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A record's audit data is written straight to the value's bytes: the same JSON, byte for byte, as the tree the
 * events were built from before (the map the gateway filled, copied into a tree, given its traceId), and the same
 * CloudEvents headers.
 */
class AuditValueTest {

    static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final Instant TIME = Instant.parse("2026-03-02T09:14:07.731Z");

    /** What the gateway's access log put in its map, in its order (the data of every gateway event until #20). */
    static Map<String, Object> asMap(GatewayRequestAudit a) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("clientId", a.clientId());
        data.put("method", a.method());
        data.put("path", a.path());
        data.put("status", a.status());
        data.put("upstreamStatus", a.upstreamStatus());
        data.put("durationMs", a.durationMs());
        data.put("bytesIn", a.bytesIn());
        data.put("bytesOut", a.bytesOut());
        data.put("retries", a.retries());
        return data;
    }

    /** The value as it was built before: the data copied into a tree, traceId added, the tree written. */
    static byte[] treeValue(Object data, String traceId) throws Exception {
        ObjectNode tree = Json.mapper().valueToTree(data);
        tree.put("traceId", traceId);
        return Json.mapper().writeValueAsBytes(tree);
    }

    static AuditEvent gateway(GatewayRequestAudit data) {
        return AuditEvent.create("gateway-svc", AuditTypes.GATEWAY_REQUEST, TRACE, TRACE, TIME, data);
    }

    static List<String> fieldNames(byte[] value) throws Exception {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = Json.mapper().readTree(value).fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    @Test
    void aGatewayRequestIsTheSameJsonByteForByteAsTheMapWas() throws Exception {
        List<GatewayRequestAudit> samples = List.of(
                new GatewayRequestAudit("demo", "GET", "/api/v2/routing/queues", 200, 200, 184, 0, 5120, 0),
                new GatewayRequestAudit(null, "POST", "(refused request target)", 400, null, 0, 12, 230, 0),
                new GatewayRequestAudit(
                        "crm \"eu\"", "DELETE", "/api/v2/users/zoë/\u2028x", 503, 503, 30_001, 1L << 40, 7, 4));
        for (GatewayRequestAudit sample : samples) {
            AuditEvent event = gateway(sample);
            assertThat(new String(event.value(), UTF_8))
                    .as("value of %s", sample)
                    .isEqualTo(new String(treeValue(asMap(sample), TRACE), UTF_8));
        }
    }

    @Test
    void aGatewayRequestKeepsTodaysFieldNamesInTodaysOrder() throws Exception {
        byte[] value = gateway(new GatewayRequestAudit("demo", "GET", "/api/v2/x", 200, 200, 1, 2, 3, 0))
                .value();
        assertThat(fieldNames(value))
                .containsExactly(
                        "clientId",
                        "method",
                        "path",
                        "status",
                        "upstreamStatus",
                        "durationMs",
                        "bytesIn",
                        "bytesOut",
                        "retries",
                        "traceId");
        JsonNode refused = Json.mapper()
                .readTree(gateway(new GatewayRequestAudit(null, "GET", "/x", 401, null, 0, 0, 0, 0))
                        .value());
        assertThat(refused.get("clientId").isNull())
                .as("absent values are written as null, as before")
                .isTrue();
        assertThat(refused.get("upstreamStatus").isNull()).isTrue();
    }

    @Test
    void aRecordIsKeptAsItIsNotCopiedIntoATree() {
        GatewayRequestAudit data = new GatewayRequestAudit("demo", "GET", "/api/v2/x", 200, 200, 1, 2, 3, 0);
        AuditEvent event = gateway(data);
        assertThat(event.payload()).isSameAs(data);
        assertThat(event.traceId()).isEqualTo(TRACE);
        assertThat(event.data().get("traceId").asText()).isEqualTo(TRACE);
        assertThat(event.data().get("bytesOut").asLong()).isEqualTo(3);
    }

    @Test
    void theHeadersOfARecordEventAreTheBinaryModeAttributesAsBefore() throws Exception {
        GatewayRequestAudit data = new GatewayRequestAudit("demo", "GET", "/api/v2/x", 200, 200, 1, 2, 3, 0);
        AuditEvent streamed = gateway(data);
        AuditEvent tree = AuditEvent.create("gateway-svc", AuditTypes.GATEWAY_REQUEST, TRACE, TRACE, TIME, asMap(data));

        assertThat(tree.payload()).isInstanceOf(ObjectNode.class);
        // AuditEventTest pins the names and order of a tree event's headers; a record event has the same
        assertThat(streamed.kafkaHeaders().keySet())
                .containsExactlyElementsOf(tree.kafkaHeaders().keySet());
        Map<String, String> h = new LinkedHashMap<>(streamed.kafkaHeaders());
        Map<String, String> t = new LinkedHashMap<>(tree.kafkaHeaders());
        assertThat(h.remove("ce_id")).matches(Ids.UUID_REGEX).isNotEqualTo(t.remove("ce_id"));
        assertThat(h)
                .isEqualTo(t)
                .containsEntry("ce_source", "/cxbridge/gateway-svc")
                .containsEntry("ce_type", "io.cxbridge.gateway.request")
                .containsEntry("ce_time", "2026-03-02T09:14:07.731Z")
                .containsEntry("ce_subject", TRACE)
                .containsEntry("ce_traceid", TRACE);
        assertThat(streamed.value()).isEqualTo(tree.value());
    }

    @Test
    void aRecordEventReadBackFromKafkaIsTheSameEvent() {
        AuditEvent sent = gateway(new GatewayRequestAudit("demo", "PUT", "/api/v2/x", 204, 204, 9, 10, 0, 1));
        Map<String, byte[]> headers = new LinkedHashMap<>();
        sent.kafkaHeaders().forEach((k, v) -> headers.put(k, v.getBytes(UTF_8)));

        AuditEvent back = AuditEvent.fromKafka(headers, sent.value());

        assertThat(back).isEqualTo(sent).hasSameHashCodeAs(sent);
        assertThat(back.payload()).isInstanceOf(ObjectNode.class);
        assertThat(back.value()).isEqualTo(sent.value());
    }

    /** A record with a traceId of its own: the event's trace id wins and the object names it once. */
    record Traced(String requestId, String traceId) {}

    @Test
    void aRecordWithItsOwnTraceIdIsCopiedSoTheEventsTraceIdWins() throws Exception {
        AuditEvent event = AuditEvent.create(
                "retry-svc", AuditTypes.RETRY_SUCCEEDED, "r1", TRACE, TIME, new Traced("r1", "stale"));
        assertThat(new String(event.value(), UTF_8)).isEqualTo("{\"requestId\":\"r1\",\"traceId\":\"" + TRACE + "\"}");
        assertThat(event.traceId()).isEqualTo(TRACE);
    }

    /** A record Jackson writes as something else than an object is refused like any other non-object data. */
    record Wrapped(
            @com.fasterxml.jackson.annotation.JsonValue String text) {}

    @Test
    void aRecordThatIsNotAJsonObjectIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                        AuditEvent.create("retry-svc", AuditTypes.RETRY_SUCCEEDED, "r1", TRACE, TIME, new Wrapped("x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("JSON object");
    }

    record Retention(String requestId, List<String> replaced, Map<String, Object> policy, Instant at) {}

    @Test
    void otherRecordsAreWrittenTheSameWayAsTheirTreeWas() throws Exception {
        Retention data = new Retention(
                "r-1",
                List.of("p1", "p2"),
                new java.util.TreeMap<>(Map.of("name", "keep 90 days", "days", 90)),
                Instant.parse("2026-01-01T00:00:00Z"));
        AuditEvent event = AuditEvent.create("retention-svc", AuditTypes.RETENTION_DEPLOYED, "r-1", TRACE, TIME, data);
        assertThat(event.payload()).isSameAs(data);
        assertThat(new String(event.value(), UTF_8)).isEqualTo(new String(treeValue(data, TRACE), UTF_8));
    }

    @Test
    void eventIdsAreDistinctVersion4Uuids() {
        Set<String> ids =
                IntStream.range(0, 1000).mapToObj(i -> Ids.newEventId()).collect(Collectors.toSet());
        assertThat(ids).hasSize(1000);
        for (String id : ids) {
            assertThat(id).matches(Ids.UUID_REGEX);
            UUID uuid = UUID.fromString(id);
            assertThat(uuid.version()).isEqualTo(4);
            assertThat(uuid.variant()).isEqualTo(2);
        }
    }
}
