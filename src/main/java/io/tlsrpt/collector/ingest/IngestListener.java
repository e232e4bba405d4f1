package io.tlsrpt.collector.ingest;

/**
 * Told of each step of ingestion as it completes, to measure it (the Prometheus metrics implement this). Every bean
 * of this type is called; a listener must return at once and never throw.
 */
public interface IngestListener {
    /**
     * {@link Receiver#accept} stored a raw message durably.
     *
     * @param messageId the stored message
     * @param channel   how it came ({@link Channel})
     * @param nanos     from the call (for SMTP: the end of DATA) to the commit
     */
    void stored(long messageId, String channel, long nanos);

    /**
     * {@link MessageProcessor} committed a message's outcome: its reports stored, duplicates recorded or parts
     * quarantined (not when processing was deferred or failed and will be retried).
     *
     * @param messageId the message
     * @param state     {@code processed} or {@code quarantined}
     */
    void processed(long messageId, String state);
}
