package io.tlsrpt.collector.ingest;

import io.tlsrpt.collector.store.MessageStore;
import io.tlsrpt.collector.store.StoreUnavailableException;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;

/**
 * The way in for every transport: store the raw message durably, then hand it to processing. Callers answer
 * success only for {@link Acceptance.Accepted} (DESIGN.md: store before 250). Durably means: the row committed and
 * the message written and forced to disk in the spool ({@link SpoolKeeper}), since H2 writes commits to disk in the
 * background; when either fails the answer is {@link Acceptance.Unavailable} (451) and the row is removed again.
 */
@Singleton
public final class Receiver {
    private static final Logger LOG = LoggerFactory.getLogger(Receiver.class);

    private final MessageStore messages;
    private final ProcessingQueue queue;
    private final SpoolKeeper spool;
    private volatile List<IngestListener> listeners = List.of();

    public Receiver(MessageStore messages, ProcessingQueue queue, SpoolKeeper spool) {
        this.messages = messages;
        this.queue = queue;
        this.spool = spool;
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
        if (!spooled(id, channel, envelope, raw)) {
            return new Acceptance.Unavailable("storage unavailable");
        }
        stored(id, channel, start);
        queue.submit(id);
        return new Acceptance.Accepted(id);
    }

    /**
     * Writes the stored message to the spool; when that fails, removes the row again (the sender is told to retry,
     * so keeping it would store the message twice) and answers false.
     */
    private boolean spooled(long id, String channel, Envelope envelope, byte[] raw) {
        try {
            spool.keep(id, channel, envelope, raw);
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.error("cannot write message {} from {} to the spool, answering 451: {}", id, envelope.clientIp(),
                    e.toString());
        }
        try {
            if (!messages.discardUnacknowledged(id)) {
                LOG.warn("message {} was not acknowledged but processing took it already; it stays", id);
            }
        } catch (RuntimeException e) {
            LOG.warn("message {} was not acknowledged and cannot be removed ({}); it stays and is processed",
                    id, e.toString());
        }
        return false;
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
            if (!spooled(id, channel, envelope, raw)) {
                return new Acceptance.Unavailable("storage unavailable");
            }
            stored(id, channel, start);
            return new Acceptance.Accepted(id);
        } catch (StoreUnavailableException e) {
            LOG.error("cannot store message from {}: {}", envelope.clientIp(), e.getMessage());
            return new Acceptance.Unavailable("storage unavailable");
        }
    }
}
