package io.tlsrpt.collector.ingest;

import java.util.List;

/**
 * What processing one raw message did: reports stored, duplicates recorded, and the parts quarantined with their
 * reasons.
 */
public record MessageOutcome(long messageId, String state, int stored, int duplicates, List<Problem> problems) {
    public MessageOutcome {
        problems = List.copyOf(problems);
    }

    /** A part, or the whole message, that could not be stored: a stable code and a reason for people. */
    public record Problem(Integer partIndex, String fileName, String code, String reason) {
    }
}
