package io.cxbridge.common.trace;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.quarkus.arc.Unremovable;
import io.quarkus.arc.lookup.LookupIfProperty;
import jakarta.inject.Singleton;
import java.util.Collection;

/**
 * The exporter while {@code cxbridge.traces.export} is off: it drops every span. Quarkus installs its own OTLP
 * exporter only when no {@link SpanExporter} bean can be looked up, and this bean can be looked up only while export is
 * off; so one runtime property switches export on, with no request to a collector that is not there.
 */
@Singleton
@Unremovable // looked up programmatically by the OpenTelemetry extension, never injected
@LookupIfProperty(name = "cxbridge.traces.export", stringValue = "false", lookupIfMissing = true)
public class NoTraceExport implements SpanExporter {

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
    }
}
