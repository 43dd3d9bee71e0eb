package io.cxbridge.model;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.cxbridge.model.audit.AuditEvent;
import io.cxbridge.model.audit.GatewayRequestAudit;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The gateway's audit data as code ({@link GatewayRequestAudit}) and its example in docs/asyncapi.yaml agree. */
class GatewayAuditExampleTest {

    @SuppressWarnings("unchecked")
    static Map<String, Object> gatewayRequestExample() throws Exception {
        Map<String, Object> doc;
        try (InputStream in = Files.newInputStream(AsyncApiContractTest.asyncApiFile())) {
            doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
        }
        Map<String, Object> components = AsyncApiContractTest.map(doc.get("components"), "components");
        Map<String, Object> messages = AsyncApiContractTest.map(components.get("messages"), "messages");
        Map<String, Object> audit = AsyncApiContractTest.map(messages.get("AuditEvent"), "AuditEvent");
        return ((List<Map<String, Object>>) audit.get("examples"))
                .stream()
                        .filter(e -> "gatewayRequest".equals(e.get("name")))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("no gatewayRequest example of AuditEvent"));
    }

    @Test
    void theExampleNamesExactlyTheRecordsFieldsAndTheTraceId() throws Exception {
        Map<String, Object> payload =
                AsyncApiContractTest.map(gatewayRequestExample().get("payload"), "payload");
        List<String> fields = Arrays.stream(GatewayRequestAudit.class.getRecordComponents())
                .map(RecordComponent::getName)
                .toList();
        assertThat(payload.keySet()).containsExactlyInAnyOrderElementsOf(concat(fields, "traceId"));
    }

    @Test
    void theExampleReadIntoTheRecordIsWrittenBackAsTheSameEvent() throws Exception {
        Map<String, Object> example = gatewayRequestExample();
        Map<String, byte[]> headers = new LinkedHashMap<>();
        AsyncApiContractTest.map(example.get("headers"), "headers")
                .forEach((k, v) -> headers.put(k, String.valueOf(v).getBytes(UTF_8)));
        byte[] value = Json.mapper().writeValueAsBytes(example.get("payload"));
        AuditEvent documented = AuditEvent.fromKafka(headers, value);

        GatewayRequestAudit data = Json.mapper().readValue(value, GatewayRequestAudit.class);
        AuditEvent written = new AuditEvent(
                documented.id(),
                documented.source(),
                documented.type(),
                documented.subject(),
                documented.time(),
                documented.traceId(),
                data);

        assertThat(written).isEqualTo(documented);
        assertThat(written.kafkaHeaders()).isEqualTo(documented.kafkaHeaders());
    }

    private static List<String> concat(List<String> fields, String last) {
        return java.util.stream.Stream.concat(fields.stream(), java.util.stream.Stream.of(last))
                .toList();
    }
}
