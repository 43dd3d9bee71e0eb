package io.cxbridge.gateway.login;

/** Redis did not answer: tokens can be neither issued nor checked (keys still work). */
public final class TokensUnavailable extends RuntimeException {

    TokensUnavailable(Throwable cause) {
        super("the token store (Redis) did not answer: " + cause.getClass().getSimpleName(), cause);
    }
}
