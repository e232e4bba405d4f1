package io.tlsrpt.collector.smtp;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;

/**
 * Logs refusals by a limit so that an operator sees a real sender being throttled, without one log line per refused
 * connection during a flood: at most one line per limit every ten seconds, with the count since the last line.
 */
final class RefusalLog {
    private static final Logger LOG = LoggerFactory.getLogger(RefusalLog.class);
    private static final long INTERVAL_NANOS = 10_000_000_000L;

    private static final class Counter {
        long since = Long.MIN_VALUE;
        long count;
    }

    private final Map<String, Counter> counters = new HashMap<>();

    void refused(String limit, String client, String reply) {
        long now = System.nanoTime();
        long count;
        synchronized (this) {
            Counter c = counters.computeIfAbsent(limit, k -> new Counter());
            c.count++;
            if (c.since != Long.MIN_VALUE && now - c.since < INTERVAL_NANOS) {
                return;
            }
            count = c.count;
            c.count = 0;
            c.since = now;
        }
        LOG.warn("SMTP {}: refused {} time(s) since the last such line; last from {}: {}", limit, count, client, reply);
    }
}
