package io.cxbridge.directory.cache;

/** No servable copy of a directory and no way to load one now (Genesys failing, or a wait timed out): 503. */
public class DirectoryUnavailableException extends RuntimeException {

    public DirectoryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public DirectoryUnavailableException(String message) {
        super(message);
    }
}
