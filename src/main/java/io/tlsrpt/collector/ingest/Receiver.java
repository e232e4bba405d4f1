package io.tlsrpt.collector.ingest;

import io.tlsrpt.collector.store.MessageStore;
import io.tlsrpt.collector.store.StoreUnavailableException;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The way in for every transport: store the raw message durably, then hand it to processing. Callers answer
 * success only for {@link Acceptance.Accepted} (DESIGN.md: store before 250).
 */
@Singleton
public final class Receiver {
    private static final Logger LOG = LoggerFactory.getLogger(Receiver.class);

    private final MessageStore messages;
    private final ProcessingQueue queue;

    public Receiver(MessageStore messages, ProcessingQueue queue) {
        this.messages = messages;
        this.queue = queue;
    }

    public Acceptance accept(String channel, Envelope envelope, byte[] raw) {
        long id;
        try {
            id = messages.insert(envelope.receivedAt(), channel, envelope.clientIp(), envelope.helo(),
                    envelope.mailFrom(), String.join(", ", envelope.recipients()), raw);
        } catch (StoreUnavailableException e) {
            LOG.error("cannot store message from {}: {}", envelope.clientIp(), e.getMessage());
            return new Acceptance.Unavailable("storage unavailable");
        }
        queue.submit(id);
        return new Acceptance.Accepted(id);
    }
}
