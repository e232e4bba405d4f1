package io.tlsrpt.collector.store;

/**
 * The database could not be reached or could not write. The one case where SMTP answers 4xx (DESIGN.md): the
 * sender keeps the message and retries.
 */
public final class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
