package io.cxbridge.genesys.url;

/** A request target or path that cxbridge refuses to route or send anywhere; the message says why. */
public final class UnsafeTargetException extends IllegalArgumentException {

    public UnsafeTargetException(String reason) {
        super(reason);
    }
}
