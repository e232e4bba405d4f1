package io.tlsrpt.collector.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * {@code tlsrpt.spool.*}: the durable copy of each accepted message, in {@code ${tlsrpt.data-dir}/spool/}, that lets
 * the collector answer 250 before H2 has written the message to disk (H2 writes commits in the background and never
 * fsyncs on commit). Each message is appended to a segment file and forced to disk before the 250, one force for
 * the messages that arrive together (group commit); a segment is closed at each clean-up and deleted once the
 * database has its messages on disk ({@code CHECKPOINT SYNC} on H2; at once on PostgreSQL, whose commits are
 * durable); at start-up, before anything is accepted, messages of the segments left that the database lost are
 * stored again. docs/durability.md.
 *
 * @param enabled         {@code auto} (the default): write the spool unless the database's commits are durable
 *                        when they return (PostgreSQL with fsync on and synchronous_commit not off; never H2);
 *                        {@code true}: always; {@code false}: never, leaving durability to the database alone (with
 *                        H2 a kill -9 or a power loss may then lose acknowledged messages)
 * @param cleanupInterval seconds between clean-ups (the segment being written closed, an H2 checkpoint, then the
 *                        closed segments deleted); the spool holds about this many seconds of mail
 * @param recoveryBatch   segments listed per pass of the start-up recovery and of each clean-up (passes repeat
 *                        until the spool is empty at start-up)
 */
@ConfigurationProperties("tlsrpt.spool")
public record SpoolSettings(
        @Bindable(defaultValue = "auto") String enabled,
        @Bindable(defaultValue = "2") int cleanupInterval,
        @Bindable(defaultValue = "10000") int recoveryBatch) {

    /** What {@code enabled} says: TRUE or FALSE when set so, null for {@code auto} (decided by the database). */
    public Boolean explicit() {
        return switch (enabled == null ? "auto" : enabled.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "auto", "" -> null;
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("tlsrpt.spool.enabled must be auto, true or false, not "
                    + enabled);
        };
    }
}
