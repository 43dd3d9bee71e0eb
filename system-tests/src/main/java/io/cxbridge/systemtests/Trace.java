package io.cxbridge.systemtests;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A W3C trace the flows start themselves: every request of one flow carries {@code traceparent} with this trace
 * id (a new span id each time), so every audit event the flow causes can be found by it.
 */
public record Trace(String traceId) {

    private static final SecureRandom RANDOM = new SecureRandom();

    public static Trace random() {
        return new Trace(hex(16));
    }

    /** {@code 00-<trace id>-<new span id>-01} (sampled). */
    public String traceparent() {
        return "00-" + traceId + "-" + hex(8) + "-01";
    }

    /** Random lowercase hex of {@code bytes} bytes; never all zeros. */
    static String hex(int bytes) {
        byte[] b = new byte[bytes];
        do {
            RANDOM.nextBytes(b);
        } while (allZero(b));
        return HexFormat.of().formatHex(b);
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }
}
