package io.tlsrpt.collector.ingest;

/** The answer to "keep this message": stored durably, or not (then, and only then, the sender should retry). */
public sealed interface Acceptance {
    record Accepted(long messageId) implements Acceptance {
    }

    record Unavailable(String reason) implements Acceptance {
    }
}
