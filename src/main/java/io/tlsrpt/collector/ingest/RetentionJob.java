package io.tlsrpt.collector.ingest;

import io.micronaut.context.annotation.Context;
import io.tlsrpt.collector.config.RetentionSettings;
import io.tlsrpt.collector.store.RetentionStore;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The retention purge ({@code tlsrpt.retention.*}): a minute after start-up and then once a day, in the background;
 * never when both settings are 0 (keep everything, the default). Every instance on a shared database runs it; the
 * purge is safe to run twice at once.
 *
 * <p>Order: raw copies first, then reports (with their roll-up contributions, duplicates and, by age, quarantine
 * entries), then the message rows of which nothing is left.
 */
@Context
public class RetentionJob {
    private static final Logger LOG = LoggerFactory.getLogger(RetentionJob.class);
    static final Duration FIRST_RUN = Duration.ofMinutes(1);
    static final Duration INTERVAL = Duration.ofDays(1);

    private final RetentionStore store;
    private final RetentionSettings settings;
    private final boolean scheduled;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tlsrpt-retention");
        t.setDaemon(true);
        return t;
    });

    public RetentionJob(RetentionStore store, RetentionSettings settings) {
        this.store = store;
        this.settings = settings;
        this.scheduled = !settings.keepsEverything();
        if (!scheduled) {
            return;
        }
        LOG.info("retention: reports {}, raw messages {}; purged daily",
                settings.reportsDays() > 0 ? settings.reportsDays() + " days" : "kept",
                settings.rawDays() > 0 ? settings.rawDays() + " days" : "kept");
        scheduler.scheduleWithFixedDelay(this::run, FIRST_RUN.toSeconds(), INTERVAL.toSeconds(), TimeUnit.SECONDS);
    }

    private void run() {
        try {
            RetentionStore.Purged p = purge(Instant.now());
            if (!p.isEmpty()) {
                LOG.info("retention purge: {} reports, {} duplicates, {} quarantine entries, {} raw messages, "
                        + "{} message rows deleted", p.reports(), p.duplicates(), p.quarantineEntries(),
                        p.rawBodies(), p.messages());
            }
        } catch (RuntimeException e) {
            LOG.warn("retention purge failed, trying again tomorrow: {}", e.toString());
        }
    }

    /**
     * Purges what is older than the settings as of {@code now}: reports whose UTC day is more than reports-days days
     * before today's UTC date, quarantine entries created before that day, raw copies of processed or quarantined
     * messages received more than raw-days days (of 24 hours) before now.
     */
    public synchronized RetentionStore.Purged purge(Instant now) {
        RetentionStore.Purged purged = RetentionStore.NOTHING;
        if (settings.rawDays() > 0) {
            purged = purged.plus(store.purgeRaw(now.minus(Duration.ofDays(settings.rawDays()))));
        }
        if (settings.reportsDays() > 0) {
            LocalDate firstKept = now.atZone(ZoneOffset.UTC).toLocalDate().minusDays(settings.reportsDays());
            Instant cutoff = firstKept.atStartOfDay(ZoneOffset.UTC).toInstant();
            purged = purged.plus(store.purgeReports(firstKept));
            purged = purged.plus(store.purgeQuarantine(cutoff));
            purged = purged.plus(store.purgeEmptyMessages(cutoff));
        }
        return purged;
    }

    /** True when the daily purge is scheduled (either setting is above 0). */
    public boolean isScheduled() {
        return scheduled;
    }

    @PreDestroy
    void stop() {
        scheduler.shutdownNow();
    }
}
