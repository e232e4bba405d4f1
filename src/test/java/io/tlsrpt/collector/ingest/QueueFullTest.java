package io.tlsrpt.collector.ingest;

import io.tlsrpt.collector.store.DashboardQueries;
import io.tlsrpt.collector.store.view.Stats;
import io.tlsrpt.collector.support.Collector;
import io.tlsrpt.collector.support.Mailer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A burst bigger than the processing queue: the messages the full queue turns away wait in the database, and the
 * sweep picks them up as soon as the queue is half empty, not at its next interval (an hour here).
 */
class QueueFullTest {
    private static final int MESSAGES = 30;

    @TempDir
    Path dataDir;

    @Test
    void messagesTheFullQueueTurnedAwayAreProcessedWithoutWaitingForTheSweepInterval() throws Exception {
        try (Collector collector = Collector.start(dataDir, Map.of(
                "tlsrpt.processing.sweep-interval", 3600,
                "tlsrpt.processing.queue-capacity", 4,
                "tlsrpt.processing.workers", 1,
                "test.slow-processor", "true"))) {
            Mailer mailer = new Mailer(collector.smtpPort());
            for (int i = 0; i < MESSAGES; i++) {
                String json = "{\"organization-name\":\"Burst Inc.\",\"date-range\":{\"start-datetime\":"
                        + "\"2026-11-27T00:00:00Z\",\"end-datetime\":\"2026-11-27T23:59:59Z\"},\"contact-info\":"
                        + "\"tls@burst.test\",\"report-id\":\"burst-" + i + "\",\"policies\":[{\"policy\":"
                        + "{\"policy-type\":\"no-policy-found\",\"policy-domain\":\"burst.example\"},\"summary\":"
                        + "{\"total-successful-session-count\":" + i + ",\"total-failure-session-count\":0}}]}";
                mailer.sendJson(json.getBytes(StandardCharsets.UTF_8), "burst.example", "burst.test", "burst-" + i,
                        Mailer.RUA);
            }
            ProcessingQueue queue = collector.context().getBean(ProcessingQueue.class);
            assertTrue(queue.turnedAway() > 0, "the queue of 4 was full during the burst");
            DashboardQueries queries = collector.context().getBean(DashboardQueries.class);
            long deadline = System.nanoTime() + 60_000_000_000L;
            Stats stats = queries.stats();
            while ((stats.reportsStored() < MESSAGES || stats.messagesPending() > 0) && System.nanoTime() < deadline) {
                Thread.sleep(100);
                stats = queries.stats();
            }
            assertEquals(MESSAGES, stats.reportsStored(), "every report stored, an hour before the next sweep");
            assertEquals(0, stats.messagesPending());
            assertTrue(collector.get("/prometheus").body().contains("tlsrpt_processing_queue_full_total "
                    + queue.turnedAway()), "the metric says how many the queue turned away");
        }
    }
}
