package io.cxbridge.common.trace;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Whether spans leave the process. Quarkus fixes the trace exporter at build time, so the OTLP exporter is always
 * built in and this runtime switch decides whether it is used ({@link NoTraceExport}).
 */
@ConfigMapping(prefix = "cxbridge.traces")
public interface TracesConfig {

    /**
     * Export spans over OTLP to {@code quarkus.otel.exporter.otlp.endpoint} (an OpenTelemetry Collector). Off: spans
     * are made (trace ids, propagation over HTTP and Kafka) and dropped.
     */
    @WithDefault("false")
    boolean export();
}
