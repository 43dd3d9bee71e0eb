package io.cxbridge.model.event;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/** Identifier formats shared by the events. */
public final class Ids {

    public static final String UUID_REGEX =
            "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";
    /**
     * A Data Action id. Real Genesys Cloud ids contain underscores ({@code custom_-_<uuid>},
     * {@code static_-_...}), so they are allowed; nothing that could leave a URL path segment is.
     */
    public static final String ACTION_ID_REGEX = "^[A-Za-z0-9_-]+$";

    public static final String DIRECTORY_ID_REGEX = "^[A-Za-z0-9_-]+$";
    /** W3C trace-context trace id: 32 lowercase hex digits, not all zero. */
    public static final String TRACE_ID_REGEX = "^(?!0{32})[0-9a-f]{32}$";

    private static final HexFormat HEX = HexFormat.of();

    /**
     * A fresh W3C trace id, for work that arrives without one. A trace id must be unique, not secret (W3C Trace
     * Context; OpenTelemetry's own id generator works the same way): {@link ThreadLocalRandom} takes no lock, where
     * {@code SecureRandom} serialises every request on one.
     */
    public static String newTraceId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = random.nextLong() | 1L << 56; // never all zero
        return HEX.toHexDigits(high) + HEX.toHexDigits(random.nextLong());
    }

    private Ids() {}
}
