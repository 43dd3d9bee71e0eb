package io.cxbridge.genesys.http;

/**
 * The caller's request body failed while it was being sent on (the caller went away, passed a body limit, or the
 * stream broke): a failure of the caller, not of the upstream, so no breaker counts it and nothing re-sends it.
 */
public class RequestBodyException extends RuntimeException {

    public RequestBodyException(Throwable cause) {
        super("the request body failed before it was sent whole", cause);
    }
}
