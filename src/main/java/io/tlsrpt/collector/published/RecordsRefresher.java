package io.tlsrpt.collector.published;

import io.micronaut.context.annotation.Context;
import io.micronaut.runtime.event.annotation.EventListener;
import io.tlsrpt.collector.config.ChecksConfig;
import io.tlsrpt.collector.ingest.ReportsStored;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the published records of every domain with reports fresh: every {@code tlsrpt.checks.interval}, and soon
 * after a report arrives for a domain not checked for {@code tlsrpt.checks.after-report}. One check at a time, in
 * the background; ingestion never waits for DNS or HTTPS (DESIGN.md).
 */
@Context
public class RecordsRefresher {
    private static final Logger LOG = LoggerFactory.getLogger(RecordsRefresher.class);
    private static final int BATCH = 500;

    private final PublishedRecords records;
    private final ChecksConfig settings;
    private final Clock clock = Clock.systemUTC();
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    private final ThreadPoolExecutor worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(10_000), r -> daemon(r, "tlsrpt-records"));
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            r -> daemon(r, "tlsrpt-records-schedule"));

    public RecordsRefresher(PublishedRecords records, ChecksConfig settings) {
        this.records = records;
        this.settings = settings;
        if (settings.enabled()) {
            long minutes = Math.max(1, settings.interval().toMinutes());
            scheduler.scheduleWithFixedDelay(this::checkDue, 1, minutes, TimeUnit.MINUTES);
        }
    }

    @EventListener
    void onReportsStored(ReportsStored event) {
        if (!settings.enabled()) {
            return;
        }
        Instant recent = clock.instant().minus(settings.afterReport());
        for (String domain : event.domains()) {
            if (records.lastChecked(domain).map(t -> t.isBefore(recent)).orElse(true)) {
                submit(domain);
            }
        }
    }

    /** Queues checks of every domain whose last check is older than the interval. */
    void checkDue() {
        try {
            Instant before = clock.instant().minus(settings.interval());
            for (String domain : records.due(before, BATCH)) {
                submit(domain);
            }
        } catch (RuntimeException e) {
            LOG.warn("scheduled record checks failed: {}", e.getMessage());
        }
    }

    private void submit(String domain) {
        if (!queued.add(domain)) {
            return;
        }
        try {
            worker.execute(() -> {
                try {
                    records.check(domain);
                } catch (RuntimeException e) {
                    LOG.warn("check of {} failed: {}", domain, e.toString());
                } finally {
                    queued.remove(domain);
                }
            });
        } catch (RejectedExecutionException e) {
            queued.remove(domain);
        }
    }

    @PreDestroy
    void stop() {
        scheduler.shutdownNow();
        worker.shutdownNow();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
