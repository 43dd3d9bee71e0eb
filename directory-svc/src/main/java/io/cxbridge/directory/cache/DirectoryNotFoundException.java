package io.cxbridge.directory.cache;

/**
 * The source answered 404 for the directory: there is nothing to serve and nothing to retry (404, never 503 with
 * Retry-After); nothing is kept for it.
 */
public class DirectoryNotFoundException extends RuntimeException {

    public DirectoryNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
