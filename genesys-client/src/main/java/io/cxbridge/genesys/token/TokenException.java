package io.cxbridge.genesys.token;

/** The login host did not give a token; the message names the status, never the credentials. */
public class TokenException extends RuntimeException {
    public TokenException(String message) {
        super(message);
    }

    public TokenException(String message, Throwable cause) {
        super(message, cause);
    }
}
