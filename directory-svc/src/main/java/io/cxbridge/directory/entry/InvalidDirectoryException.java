package io.cxbridge.directory.entry;

/** Genesys answered with a directory that cannot be cached (an invalid entry, or more entries than the bound): 502. */
public class InvalidDirectoryException extends RuntimeException {

    public InvalidDirectoryException(String message) {
        super(message);
    }
}
