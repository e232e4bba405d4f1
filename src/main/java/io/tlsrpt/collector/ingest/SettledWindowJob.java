package io.tlsrpt.collector.ingest;

import io.micronaut.context.annotation.Context;
import io.tlsrpt.collector.store.SettledWindow;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the settled sums current (store/SettledWindow: the dashboard's default period, schema V13; the reporters'
 * sums over every settled day, V14): built a few seconds after start-up and moved on soon after each UTC midnight;
 * checked every minute (one row read). Every
 * instance on a shared database runs it; the first to see the new day builds, the others find it built.
 */
@Context
public class SettledWindowJob {
    private static final Logger LOG = LoggerFactory.getLogger(SettledWindowJob.class);
    static final Duration FIRST_RUN = Duration.ofSeconds(5);
    static final Duration INTERVAL = Duration.ofMinutes(1);

    private final SettledWindow window;
    private final Clock clock = Clock.systemUTC();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tlsrpt-settled-window");
        t.setDaemon(true);
        return t;
    });

    public SettledWindowJob(SettledWindow window) {
        this.window = window;
        scheduler.scheduleWithFixedDelay(this::run, FIRST_RUN.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void run() {
        LocalDate today = LocalDate.now(clock);
        try {
            long started = System.nanoTime();
            if (window.refresh(today)) {
                LOG.info("settled sums of the default period built for {} in {} ms", today,
                        (System.nanoTime() - started) / 1_000_000);
            }
        } catch (RuntimeException e) {
            // the lists sum the days meanwhile: slower, not wrong
            LOG.warn("settled sums of the default period not built, trying again in a minute: {}", e.toString());
        }
    }

    @PreDestroy
    void stop() {
        scheduler.shutdownNow();
    }
}
