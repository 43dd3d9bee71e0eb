package io.cxbridge.model.event;

import java.util.HexFormat;
import java.util.UUID;
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
    /**
     * A fulfillment id: one URL path segment of URL-unreserved characters (so it needs no encoding and is a valid
     * HTTP header value, the Idempotency-Key of the result post), not a dot segment. Not anchored: the fulfillment
     * URL policy (genesys-client) embeds it in the callback path, where it stands for {@code {fulfillmentId}}, and
     * {@code @Pattern} matches it against the whole value.
     */
    public static final String FULFILLMENT_ID_REGEX = "(?!\\.{1,2}/|\\.{1,2}$)[A-Za-z0-9._~-]{1,256}";
    /** {@link #FULFILLMENT_ID_REGEX} in words, for a violation or a refusal. */
    public static final String FULFILLMENT_ID_RULE =
            "must be one URL path segment of 1 to 256 of A-Z a-z 0-9 . _ ~ - (not . or ..)";
    /** W3C trace-context trace id: 32 lowercase hex digits, not all zero. */
    public static final String TRACE_ID_REGEX = "^(?!0{32})[0-9a-f]{32}$";

    /*
     * Trace and event ids must be unique, not unguessable (OpenTelemetry's own id generator draws them the same way).
     * ThreadLocalRandom takes no lock; a shared SecureRandom (also behind UUID.randomUUID()) serialises every event
     * loop that asks for an id on each request.
     */

    /** A fresh W3C trace id, for work that arrives without one. */
    public static String newTraceId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high;
        long low;
        do {
            high = random.nextLong();
            low = random.nextLong();
        } while (high == 0 && low == 0); // all zero is the invalid trace id
        return HexFormat.of().toHexDigits(high) + HexFormat.of().toHexDigits(low);
    }

    /** A fresh random (version 4, IETF variant) UUID, such as a CloudEvents {@code id}. */
    public static String newEventId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (random.nextLong() & ~(0xC0L << 56)) | (0x80L << 56);
        return new UUID(msb, lsb).toString();
    }

    private Ids() {}
}
