package io.cxbridge.genesys.http;

/** No answer from Genesys: a connection failure or a timeout, after the attempts the rules allowed. */
public class UpstreamException extends RuntimeException {

    private final int attempts;

    public UpstreamException(String message, Throwable cause, int attempts) {
        super(message, cause);
        this.attempts = attempts;
    }

    public int attempts() {
        return attempts;
    }
}
