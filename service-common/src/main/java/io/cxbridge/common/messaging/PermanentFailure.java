package io.cxbridge.common.messaging;

/**
 * A failure that no wait can mend (a stored value that does not read, a record that cannot be written): the
 * processing of a record fails with it to its caller instead of being retried as an outage by
 * {@link InfrastructureRetry#untilDone}. An {@link IllegalStateException}, as such failures were before.
 */
public class PermanentFailure extends IllegalStateException {

    public PermanentFailure(String message) {
        super(message);
    }

    public PermanentFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
