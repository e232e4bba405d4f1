package io.tlsrpt.collector.ingest;

import jakarta.inject.Singleton;

import java.time.Instant;
import java.util.TreeMap;

/**
 * The processing runs whose transaction has begun and not ended, by the instant each took as its processed_at. The
 * spool's clean-up reads {@link #coveredBefore} just before it checkpoints H2: every run that took an earlier instant
 * had ended, so the checkpoint wrote all of it. After a crash only the runs from that instant on can be half on disk
 * (see {@link SpoolKeeper}, "unclean stop").
 */
@Singleton
public class RunsInFlight {
    private final TreeMap<Instant, Integer> running = new TreeMap<>();

    /** Registers a run that stamps its rows with {@code at}; call {@link #end} with the same instant. */
    public synchronized void begin(Instant at) {
        running.merge(at, 1, Integer::sum);
    }

    public synchronized void end(Instant at) {
        running.computeIfPresent(at, (k, n) -> n == 1 ? null : n - 1);
    }

    public synchronized boolean idle() {
        return running.isEmpty();
    }

    /** The earlier of {@code now} and the instant of the oldest run still going. */
    public synchronized Instant coveredBefore(Instant now) {
        return running.isEmpty() || running.firstKey().isAfter(now) ? now : running.firstKey();
    }
}
