package io.cxbridge.model.audit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cxbridge.model.Json;
import io.cxbridge.model.event.Ids;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AuditEventTest {

    static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
    static final Instant TIME = Instant.parse("2026-03-02T09:15:49.210Z");
    static final String RUN = "3f2b8c1e-9a4d-4e7b-8c2f-1a6d5e9b0c47";

    record Attempt(String requestId, int attempt, int lastStatus) {}

    static ObjectNode data() {
        ObjectNode d = Json.mapper().createObjectNode();
        d.put("requestId", RUN).put("attempt", 3).put("lastStatus", 503);
        return d;
    }

    static AuditEvent event() {
        return AuditEvent.create("retry-svc", AuditTypes.RETRY_ATTEMPT_FAILED, RUN, TRACE, TIME, data());
    }

    static Map<String, byte[]> bytes(Map<String, String> headers) {
        Map<String, byte[]> b = new LinkedHashMap<>();
        headers.forEach((k, v) -> b.put(k, v.getBytes(UTF_8)));
        return b;
    }

    @Test
    void createFillsTheEnvelope() {
        AuditEvent e = event();
        assertThat(e.id()).matches(Ids.UUID_REGEX);
        assertThat(e.source()).isEqualTo("/cxbridge/retry-svc");
        assertThat(e.type()).isEqualTo(AuditTypes.RETRY_ATTEMPT_FAILED);
        assertThat(e.subject()).isEqualTo(RUN);
        assertThat(e.time()).isEqualTo(TIME);
        assertThat(e.traceId()).isEqualTo(TRACE);
        assertThat(AuditEvent.create("retry-svc", AuditTypes.RETRY_SUCCEEDED, RUN, TRACE, TIME, data())
                        .id())
                .as("every event has its own id")
                .isNotEqualTo(e.id());
    }

    @Test
    void createCopiesTheDataAndAddsTheTraceId() {
        ObjectNode original = data();
        AuditEvent e = AuditEvent.create("retry-svc", AuditTypes.RETRY_ATTEMPT_FAILED, RUN, TRACE, TIME, original);

        assertThat(e.data().get("traceId").asText()).isEqualTo(TRACE);
        assertThat(e.data().get("requestId").asText()).isEqualTo(RUN);
        assertThat(e.data().get("attempt").asInt()).isEqualTo(3);
        assertThat(original.has("traceId"))
                .as("the caller's object is left as it was")
                .isFalse();

        original.put("attempt", 99).put("secret", "x");
        assertThat(e.data().get("attempt").asInt())
                .as("later changes to the caller's object do not leak in")
                .isEqualTo(3);
        assertThat(e.data().has("secret")).isFalse();
    }

    @Test
    void createAcceptsRecordsMapsAndNothing() {
        AuditEvent fromRecord =
                AuditEvent.create("retry-svc", AuditTypes.RETRY_SUCCEEDED, RUN, TRACE, TIME, new Attempt(RUN, 1, 200));
        assertThat(fromRecord.data().get("requestId").asText()).isEqualTo(RUN);
        assertThat(fromRecord.data().get("lastStatus").asInt()).isEqualTo(200);
        assertThat(fromRecord.traceId()).isEqualTo(TRACE);

        Map<String, Object> map = new HashMap<>(Map.of("directoryId", "internal_agents"));
        AuditEvent fromMap = AuditEvent.create(
                "directory-svc", AuditTypes.DIRECTORY_INVALIDATED, "internal_agents", TRACE, TIME, map);
        assertThat(fromMap.data().get("directoryId").asText()).isEqualTo("internal_agents");
        assertThat(map).doesNotContainKey("traceId");

        AuditEvent fromNull = AuditEvent.create("gateway-svc", AuditTypes.GATEWAY_REQUEST, TRACE, TRACE, TIME, null);
        assertThat(fromNull.data().size()).isEqualTo(1);
        assertThat(fromNull.traceId()).isEqualTo(TRACE);
    }

    @Test
    void createOverridesATraceIdInTheData() {
        ObjectNode d = data().put("traceId", "stale");
        assertThat(AuditEvent.create("retry-svc", AuditTypes.RETRY_EXHAUSTED, RUN, TRACE, TIME, d)
                        .traceId())
                .isEqualTo(TRACE);
    }

    @Test
    void createRefusesDataThatIsNotAnObject() {
        for (Object notAnObject :
                new Object[] {List.of(1, 2), "text", 42, Json.mapper().createArrayNode()}) {
            assertThatThrownBy(() ->
                            AuditEvent.create("retry-svc", AuditTypes.RETRY_SUCCEEDED, RUN, TRACE, TIME, notAnObject))
                    .as("data %s", notAnObject)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("JSON object");
        }
    }

    @Test
    void kafkaHeadersAreExactlyTheBinaryModeAttributes() {
        AuditEvent e = event();
        Map<String, String> h = e.kafkaHeaders();
        assertThat(h.keySet())
                .containsExactly(
                        "ce_id",
                        "ce_source",
                        "ce_type",
                        "ce_specversion",
                        "ce_time",
                        "ce_subject",
                        "ce_traceid",
                        "content-type");
        assertThat(h)
                .containsEntry("ce_id", e.id())
                .containsEntry("ce_source", "/cxbridge/retry-svc")
                .containsEntry("ce_type", "io.cxbridge.retry.attempt-failed")
                .containsEntry("ce_specversion", "1.0")
                .containsEntry("ce_time", "2026-03-02T09:15:49.210Z")
                .containsEntry("ce_subject", RUN)
                .containsEntry("ce_traceid", TRACE)
                .containsEntry("content-type", "application/json");
        assertThat(Instant.parse(h.get("ce_time"))).isEqualTo(TIME);
    }

    @Test
    void everyEventCarriesATraceIdEvenWhenNoneCameIn() {
        AuditEvent e = AuditEvent.create("retry-svc", AuditTypes.RETRY_SUCCEEDED, RUN, null, TIME, data());
        assertThat(e.traceId()).matches("[0-9a-f]{32}");
        assertThat(e.kafkaHeaders()).containsEntry("ce_traceid", e.traceId());
        AuditEvent blank = AuditEvent.create("retry-svc", AuditTypes.RETRY_SUCCEEDED, RUN, " ", TIME, data());
        assertThat(blank.traceId()).matches("[0-9a-f]{32}").isNotEqualTo(e.traceId());
    }

    @Test
    void valueIsTheDataAsUtf8Json() throws Exception {
        AuditEvent e = AuditEvent.create(
                "directory-svc",
                AuditTypes.DIRECTORY_REFRESHED,
                "internal_agents",
                TRACE,
                TIME,
                Map.of("note", "Zoë's directory"));
        JsonNode value = Json.mapper().readTree(new String(e.value(), UTF_8));
        assertThat(value).isEqualTo(e.data());
        assertThat(value.get("note").asText()).isEqualTo("Zoë's directory");
        assertThat(value.get("traceId").asText()).isEqualTo(TRACE);
    }

    @Test
    void fromKafkaRoundTrips() {
        AuditEvent e = event();
        AuditEvent back = AuditEvent.fromKafka(bytes(e.kafkaHeaders()), e.value());
        assertThat(back).isEqualTo(e);
        assertThat(back.traceId()).isEqualTo(TRACE);
    }

    @Test
    void fromKafkaIgnoresExtraHeaders() {
        AuditEvent e = event();
        Map<String, byte[]> headers = bytes(e.kafkaHeaders());
        headers.put("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01".getBytes(UTF_8));
        headers.put("ce_partitionkey", RUN.getBytes(UTF_8));
        assertThat(AuditEvent.fromKafka(headers, e.value())).isEqualTo(e);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ce_id", "ce_source", "ce_type", "ce_specversion", "ce_time", "ce_subject"})
    void fromKafkaRejectsAMissingRequiredHeader(String header) {
        AuditEvent e = event();
        Map<String, byte[]> headers = bytes(e.kafkaHeaders());
        headers.remove(header);
        assertThatThrownBy(() -> AuditEvent.fromKafka(headers, e.value()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(header);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.3", "1", "2.0", ""})
    void fromKafkaRejectsAnotherSpecVersion(String version) {
        AuditEvent e = event();
        Map<String, byte[]> headers = bytes(e.kafkaHeaders());
        headers.put("ce_specversion", version.getBytes(UTF_8));
        assertThatThrownBy(() -> AuditEvent.fromKafka(headers, e.value()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ce_specversion");
    }

    @Test
    void fromKafkaRejectsAValueThatIsNotJson() {
        Map<String, byte[]> headers = bytes(event().kafkaHeaders());
        assertThatThrownBy(() -> AuditEvent.fromKafka(headers, "traceId=abc".getBytes(UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not JSON");
        assertThatThrownBy(() -> AuditEvent.fromKafka(headers, "{\"traceId\":".getBytes(UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not JSON");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1,2]", "\"text\"", "42", "null", ""})
    void fromKafkaRejectsAValueThatIsNotAnObject(String value) {
        Map<String, byte[]> headers = bytes(event().kafkaHeaders());
        assertThatThrownBy(() -> AuditEvent.fromKafka(headers, value.getBytes(UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("JSON object");
    }

    @Test
    void constructorRefusesMissingAttributes() {
        ObjectNode d = data();
        assertThatThrownBy(() -> new AuditEvent(null, "/cxbridge/x", "t", "s", TIME, TRACE, d))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("id");
        assertThatThrownBy(
                        () -> new AuditEvent(UUID.randomUUID().toString(), "/cxbridge/x", "t", "s", TIME, TRACE, null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("payload");
        assertThatThrownBy(() -> new AuditEvent(
                        UUID.randomUUID().toString(), "/cxbridge/x", "t", "s", TIME, TRACE, Map.of("a", 1)))
                .as("a map is copied into a tree by create, never kept")
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("JSON object");
        assertThatThrownBy(() -> new AuditEvent(
                        UUID.randomUUID().toString(), "/cxbridge/x", "t", "s", TIME, null, new Attempt(RUN, 1, 200)))
                .as("a record is written with the event's traceId, so it needs one")
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("traceId");
    }

    @Test
    void sourceOfNamesTheService() {
        assertThat(AuditEvent.sourceOf("gateway-svc")).isEqualTo("/cxbridge/gateway-svc");
    }
}
