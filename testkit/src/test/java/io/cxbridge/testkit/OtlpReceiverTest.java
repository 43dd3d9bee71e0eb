package io.cxbridge.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OtlpReceiverTest {

    private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
    private final OtlpReceiver receiver = OtlpReceiver.start();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        receiver.close();
    }

    @Test
    void keepsTheSpansOfAPlainAndAGzippedExport() throws Exception {
        assertThat(post(request("gateway-svc", "POST /v1/data-actions/failed-runs", "b7ad6b7169203331", ""), false))
                .isEqualTo(200);
        assertThat(post(request("retry-svc", "retry attempt 1", "00f067aa0ba902b7", "b7ad6b7169203331"), true))
                .isEqualTo(200);

        assertThat(receiver.trace(TRACE))
                .extracting(
                        OtlpReceiver.ReceivedSpan::service,
                        OtlpReceiver.ReceivedSpan::name,
                        OtlpReceiver.ReceivedSpan::spanId,
                        OtlpReceiver.ReceivedSpan::parentSpanId)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                "gateway-svc", "POST /v1/data-actions/failed-runs", "b7ad6b7169203331", ""),
                        org.assertj.core.groups.Tuple.tuple(
                                "retry-svc", "retry attempt 1", "00f067aa0ba902b7", "b7ad6b7169203331"));
        assertThat(receiver.spans().get(0).attribute("http.request.method")).isEqualTo("POST");
        assertThat(receiver.spans().get(0).attribute("http.response.status_code"))
                .isEqualTo("202");
        assertThat(receiver.refused()).isEmpty();
    }

    @Test
    void refusesWhatIsNotAnExport() throws Exception {
        HttpResponse<Void> get = http.send(
                HttpRequest.newBuilder(URI.create(receiver.tracesEndpoint())).build(),
                HttpResponse.BodyHandlers.discarding());
        HttpResponse<Void> garbage = http.send(
                HttpRequest.newBuilder(URI.create(receiver.tracesEndpoint()))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {(byte) 0xff, 0x01, 0x02}))
                        .build(),
                HttpResponse.BodyHandlers.discarding());

        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(receiver.refused()).hasSize(2);
        assertThat(receiver.spans()).isEmpty();
    }

    private int post(ExportTraceServiceRequest request, boolean gzip) throws IOException, InterruptedException {
        byte[] body = request.toByteArray();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(receiver.tracesEndpoint()))
                .header("Content-Type", "application/x-protobuf");
        if (gzip) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream z = new GZIPOutputStream(out)) {
                z.write(body);
            }
            body = out.toByteArray();
            b.header("Content-Encoding", "gzip");
        }
        return http.send(
                        b.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static ExportTraceServiceRequest request(String service, String name, String spanId, String parent) {
        HexFormat hex = HexFormat.of();
        Span span = Span.newBuilder()
                .setTraceId(ByteString.copyFrom(hex.parseHex(TRACE)))
                .setSpanId(ByteString.copyFrom(hex.parseHex(spanId)))
                .setParentSpanId(ByteString.copyFrom(hex.parseHex(parent)))
                .setName(name)
                .setKind(Span.SpanKind.SPAN_KIND_SERVER)
                .addAttributes(
                        attribute("http.request.method", AnyValue.newBuilder().setStringValue("POST")))
                .addAttributes(attribute(
                        "http.response.status_code", AnyValue.newBuilder().setIntValue(202)))
                .build();
        return ExportTraceServiceRequest.newBuilder()
                .addResourceSpans(ResourceSpans.newBuilder()
                        .setResource(Resource.newBuilder()
                                .addAttributes(attribute(
                                        "service.name", AnyValue.newBuilder().setStringValue(service))))
                        .addScopeSpans(ScopeSpans.newBuilder().addSpans(span)))
                .build();
    }

    private static KeyValue attribute(String key, AnyValue.Builder value) {
        return KeyValue.newBuilder().setKey(key).setValue(value).build();
    }
}
