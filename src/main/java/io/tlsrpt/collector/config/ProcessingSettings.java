package io.tlsrpt.collector.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * {@code tlsrpt.processing.*}: the step after the 250, from stored raw message to stored report.
 *
 * @param enabled       process stored messages; false only stores them (maintenance: accept mail, look later)
 * @param sweepInterval seconds between scans for stored messages not yet processed (a crash, a full queue)
 * @param maxAttempts   processing attempts that fail on an unexpected error (or on an SQL error that the same
 *                      message will meet again) before the message is quarantined
 * @param workers       threads that process messages at once. Default 2: processing is CPU work (decompress,
 *                      parse, hash) plus a short transaction, and one thread kept up with only about a fifth of the
 *                      SMTP rate on 2 cores; two use both cores while SMTP waits on the disk. More than the cores
 *                      rarely helps and takes CPU from the SMTP sessions. Two workers may store reports of the same
 *                      domain and day at once: roll-up rows are locked in key order and a deadlock is retried.
 * @param queueCapacity messages waiting in memory for a worker; what the queue turns away waits in the database for
 *                      the sweep, which then starts as soon as the queue is half empty
 */
@ConfigurationProperties("tlsrpt.processing")
public record ProcessingSettings(
        @Bindable(defaultValue = "true") boolean enabled,
        @Bindable(defaultValue = "30") int sweepInterval,
        @Bindable(defaultValue = "3") int maxAttempts,
        @Bindable(defaultValue = "2") int workers,
        @Bindable(defaultValue = "10000") int queueCapacity) {
}
