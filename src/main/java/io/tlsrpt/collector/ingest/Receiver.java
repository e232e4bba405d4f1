package io.tlsrpt.collector.ingest;

import io.tlsrpt.collector.store.MessageStore;
import io.tlsrpt.collector.store.StoreUnavailableException;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * The way in for every transport: store the raw message durably, then hand it to processing. Callers answer
 * success only for {@link Acceptance.Accepted} (DESIGN.md: store before 250).
 */
@Singleton
public final class Receiver {
    private static final Logger LOG = LoggerFactory.getLogger(Receiver.class);

    private final MessageStore messages;
    private final ProcessingQueue queue;
    private volatile List<IngestListener> listeners = List.of();

    public Receiver(MessageStore messages, ProcessingQueue queue) {
        this.messages = messages;
        this.queue = queue;
    }

    /** Every {@link IngestListener} bean (the metrics), told of each stored message. */
    @Inject
    void setListeners(List<IngestListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    private void stored(long id, String channel, long start) {
        long nanos = System.nanoTime() - start;
        for (IngestListener l : listeners) {
            try {
                l.stored(id, channel, nanos);
            } catch (RuntimeException e) {
                LOG.warn("ingest listener failed: {}", e.toString());
            }
        }
    }

    public Acceptance accept(String channel, Envelope envelope, byte[] raw) {
        long start = System.nanoTime();
        long id;
        try {
            id = messages.insert(envelope.receivedAt(), channel, envelope.clientIp(), envelope.helo(),
                    envelope.mailFrom(), String.join(", ", envelope.recipients()), raw);
        } catch (StoreUnavailableException e) {
            LOG.error("cannot store message from {}: {}", envelope.clientIp(), e.getMessage());
            return new Acceptance.Unavailable("storage unavailable");
        }
        stored(id, channel, start);
        queue.submit(id);
        return new Acceptance.Accepted(id);
    }

    /** How long the sweep leaves a message stored by {@link #storeHeld} to the caller that processes it. */
    public static final java.time.Duration HOLD = java.time.Duration.ofMinutes(10);

    /**
     * Stores the raw message durably like {@link #accept} but does not queue it: for a caller that processes it at
     * once itself with {@link MessageProcessor#process(long)} and needs the outcome (an HTTPS report answers 201,
     * 200 or 400; import counts exactly). The sweep leaves the message alone for {@link #HOLD}, so that it is not
     * processed twice at the same time, and takes it after that should the caller not finish; a caller whose
     * processing fails unexpectedly hands the message to {@link ProcessingQueue#submit(long)}.
     */
    public Acceptance storeHeld(String channel, Envelope envelope, byte[] raw) {
        long start = System.nanoTime();
        try {
            long id = messages.insertHeld(envelope.receivedAt(), channel, envelope.clientIp(),
                    envelope.helo(), envelope.mailFrom(), String.join(", ", envelope.recipients()), raw,
                    envelope.receivedAt().plus(HOLD));
            stored(id, channel, start);
            return new Acceptance.Accepted(id);
        } catch (StoreUnavailableException e) {
            LOG.error("cannot store message from {}: {}", envelope.clientIp(), e.getMessage());
            return new Acceptance.Unavailable("storage unavailable");
        }
    }
}
