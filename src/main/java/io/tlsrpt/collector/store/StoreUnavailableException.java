package io.tlsrpt.collector.store;

/**
 * The database could not be reached or could not write, or refused the work. The one case where SMTP answers 4xx
 * (DESIGN.md): the sender keeps the message and retries. {@link #isTransient()} tells the database's state apart
 * from an error that the same work will meet again.
 */
public final class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * True when the database cannot work right now (connection lost, closed, out of disk, locks or deadlocks that
     * retries did not resolve): the same work may succeed later. False for an error that the same work will meet
     * again (a value the database refuses, a constraint, a statement it cannot run): retrying it forever is useless.
     * See {@link Database#isTransientFailure(Throwable)}.
     */
    public boolean isTransient() {
        return Database.isTransientFailure(getCause());
    }
}
