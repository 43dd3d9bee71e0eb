package io.cxbridge.common.transport;

import static org.assertj.core.api.Assertions.assertThat;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

class TransportReportUnitTest {

    @Test
    void theNativeTransportInUseIsInfo() {
        TransportReport.Line line = TransportReport.line(true, true, null);

        assertThat(line.level()).isEqualTo(Logger.Level.INFO);
        assertThat(line.message()).isEqualTo("Vert.x transport: native (epoll)");
    }

    @Test
    void aPreferredTransportThatDidNotLoadIsAWarningWithItsCause() {
        TransportReport.Line line = TransportReport.line(
                true, false, new UnsatisfiedLinkError("failed to load the required native library"));

        assertThat(line.level()).isEqualTo(Logger.Level.WARN);
        assertThat(line.message())
                .startsWith("Vert.x transport: JDK NIO, the native epoll transport is preferred but unavailable")
                .contains("failed to load the required native library");
    }

    @Test
    void aWarningWithoutACauseStillSaysSo() {
        TransportReport.Line line = TransportReport.line(true, false, null);

        assertThat(line.level()).isEqualTo(Logger.Level.WARN);
        assertThat(line.message()).contains("no cause given");
    }

    @Test
    void nioByChoiceIsInfo() {
        TransportReport.Line line = TransportReport.line(false, false, null);

        assertThat(line.level()).isEqualTo(Logger.Level.INFO);
        assertThat(line.message()).contains("prefer-native-transport=false");
    }
}
