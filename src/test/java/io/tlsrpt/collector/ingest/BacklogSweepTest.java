package io.tlsrpt.collector.ingest;

import io.tlsrpt.collector.store.DashboardQueries;
import io.tlsrpt.collector.store.view.Stats;
import io.tlsrpt.collector.support.Collector;
import io.tlsrpt.collector.support.Mailer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stored backlog many times the processing queue (after an outage, or with processing switched off): the sweep at
 * start fills the queue, and each early sweep goes on from where the last one stopped. Every message is processed
 * long before the sweep interval (an hour here), so none was skipped.
 */
class BacklogSweepTest {
    private static final int MESSAGES = 60;

    @TempDir
    Path dataDir;

    @Test
    void aBacklogBiggerThanTheQueueIsWorkedOffByEarlySweepsThatSkipNothing() throws Exception {
        try (Collector collector = Collector.start(dataDir, Map.of("tlsrpt.processing.enabled", false))) {
            QueueFullTest.sendReports(new Mailer(collector.smtpPort()), "backlog", MESSAGES);
            assertEquals(MESSAGES, collector.context().getBean(DashboardQueries.class).stats().messagesPending());
        }
        try (Collector collector = Collector.start(dataDir, Map.of(
                "tlsrpt.processing.sweep-interval", 3600,
                "tlsrpt.processing.queue-capacity", 4,
                "tlsrpt.processing.workers", 1,
                "test.slow-processor", "true"))) {
            Stats stats = QueueFullTest.awaitStored(collector.context().getBean(DashboardQueries.class), MESSAGES);
            assertEquals(MESSAGES, stats.reportsStored(), "every report stored, an hour before the next sweep");
            assertEquals(0, stats.messagesPending());
            long turnedAway = collector.context().getBean(ProcessingQueue.class).turnedAway();
            assertTrue(turnedAway > 0, "the queue of 4 was full: the early sweeps did the work");
        }
    }
}
