package io.tlsrpt.collector.ingest;

import java.time.Instant;
import java.util.List;

/** What the transport knows of a message besides its bytes. */
public record Envelope(Instant receivedAt, String clientIp, String helo, String mailFrom, List<String> recipients) {
    public Envelope {
        recipients = List.copyOf(recipients);
    }
}
