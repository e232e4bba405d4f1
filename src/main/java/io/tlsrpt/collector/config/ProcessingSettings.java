package io.tlsrpt.collector.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * {@code tlsrpt.processing.*}: the step after the 250, from stored raw message to stored report.
 *
 * @param enabled       process stored messages; false only stores them (maintenance: accept mail, look later)
 * @param sweepInterval seconds between scans for stored messages not yet processed (a crash, a full queue)
 * @param maxAttempts   processing attempts that fail on an unexpected error before the message is quarantined
 */
@ConfigurationProperties("tlsrpt.processing")
public record ProcessingSettings(
        @Bindable(defaultValue = "true") boolean enabled,
        @Bindable(defaultValue = "30") int sweepInterval,
        @Bindable(defaultValue = "3") int maxAttempts) {
}
