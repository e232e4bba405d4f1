package io.tlsrpt.collector.metrics;

import io.tlsrpt.collector.ingest.IngestListener;
import jakarta.inject.Singleton;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ingest latency, measured in this process: how long storing a message took (for SMTP, end of DATA to the commit
 * before the 250) per channel, and how long a stored message waited and was processed (stored to processed).
 */
@Singleton
public class IngestMetrics implements IngestListener {
    /** Messages stored and not processed yet whose store time is remembered, at most. */
    static final int MAX_TRACKED = 10_000;
    private static final double[] STORE_BOUNDS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
            5, 10};
    private static final double[] PROCESS_BOUNDS = {0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300,
            900, 3600};

    private final Map<String, Histogram> store = new ConcurrentHashMap<>();
    private final Histogram processing = new Histogram(PROCESS_BOUNDS);
    private final Map<Long, Long> storedAt = new ConcurrentHashMap<>();

    @Override
    public void stored(long messageId, String channel, long nanos) {
        store.computeIfAbsent(channel == null ? "unknown" : channel, c -> new Histogram(STORE_BOUNDS))
                .observe(nanos / 1e9);
        if (storedAt.size() >= MAX_TRACKED) {
            storedAt.clear(); // messages never processed here (processing off, another instance): start afresh
        }
        storedAt.put(messageId, System.nanoTime());
    }

    @Override
    public void processed(long messageId, String state) {
        Long at = storedAt.remove(messageId);
        if (at != null) {
            processing.observe((System.nanoTime() - at) / 1e9);
        }
    }

    void write(Exposition out) {
        out.family("tlsrpt_ingest_store_seconds", "histogram",
                "Time to store a raw message durably (SMTP: end of DATA to the commit before the 250), per channel.");
        for (Map.Entry<String, Histogram> e : new TreeMap<>(store).entrySet()) {
            e.getValue().write(out, "tlsrpt_ingest_store_seconds", "channel", e.getKey());
        }
        out.family("tlsrpt_ingest_processing_seconds", "histogram",
                "Time from a message being stored to its reports being stored or quarantined (messages stored by "
                        + "this process).");
        processing.write(out, "tlsrpt_ingest_processing_seconds");
    }
}
