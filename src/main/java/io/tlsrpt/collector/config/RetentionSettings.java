package io.tlsrpt.collector.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * {@code tlsrpt.retention.*}: how long stored data is kept. 0 keeps everything (the default); a purge runs once a
 * day (and once a minute after start-up) when either is set. docs/postgresql-and-retention.md.
 *
 * @param reportsDays reports (with their policies, failure details, duplicates and roll-up contributions) whose UTC
 *                    day is more than this many days before today are deleted; so are quarantine entries older than
 *                    that, and message rows of that age of which nothing is left (no report, duplicate, quarantine
 *                    entry or raw copy)
 * @param rawDays     the raw bytes of processed and quarantined messages received more than this many days ago are
 *                    deleted; the message row stays, and its pages say that the raw copy was purged
 */
@ConfigurationProperties("tlsrpt.retention")
public record RetentionSettings(
        @Bindable(defaultValue = "0") int reportsDays,
        @Bindable(defaultValue = "0") int rawDays) {

    /** True when nothing is ever purged. */
    public boolean keepsEverything() {
        return reportsDays <= 0 && rawDays <= 0;
    }
}
