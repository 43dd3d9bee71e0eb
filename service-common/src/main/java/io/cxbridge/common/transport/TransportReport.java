package io.cxbridge.common.transport;

import io.netty.channel.epoll.Epoll;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Says at start-up which transport the service's Vert.x runs on. Vert.x falls back from Netty's native epoll
 * transport to the JDK's NIO without a word (another CPU architecture, a {@code /tmp} the library cannot be unpacked
 * into), and the service then spends a few per cent more CPU per request; the warning makes that visible.
 */
@ApplicationScoped
public class TransportReport {

    private static final Logger LOG = Logger.getLogger(TransportReport.class);

    /** One line for the log, at the level it deserves. */
    public record Line(Logger.Level level, String message) {}

    private final Vertx vertx;
    private final boolean preferNative;

    public TransportReport(
            Vertx vertx,
            @ConfigProperty(name = "quarkus.vertx.prefer-native-transport", defaultValue = "false")
                    boolean preferNative) {
        this.vertx = vertx;
        this.preferNative = preferNative;
    }

    void onStart(@Observes StartupEvent event) {
        // Vert.x gives no cause when its transport lookup found none; Netty's epoll check keeps it.
        Throwable cause = vertx.unavailableNativeTransportCause() != null
                ? vertx.unavailableNativeTransportCause()
                : Epoll.unavailabilityCause();
        Line line = line(preferNative, vertx.isNativeTransportEnabled(), cause);
        LOG.log(line.level(), line.message());
    }

    static Line line(boolean preferred, boolean enabled, Throwable unavailableCause) {
        if (enabled) {
            return new Line(Logger.Level.INFO, "Vert.x transport: native (epoll)");
        }
        if (!preferred) {
            return new Line(
                    Logger.Level.INFO, "Vert.x transport: JDK NIO (quarkus.vertx.prefer-native-transport=false)");
        }
        return new Line(
                Logger.Level.WARN,
                "Vert.x transport: JDK NIO, the native epoll transport is preferred but unavailable ("
                        + (unavailableCause == null ? "no cause given" : unavailableCause.toString())
                        + "); the service works the same, with more CPU per request");
    }
}
