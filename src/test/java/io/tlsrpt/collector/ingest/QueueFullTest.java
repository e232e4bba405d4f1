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
            sendReports(new Mailer(collector.smtpPort()), "burst", MESSAGES);
            ProcessingQueue queue = collector.context().getBean(ProcessingQueue.class);
            assertTrue(queue.turnedAway() > 0, "the queue of 4 was full during the burst");
            Stats stats = awaitStored(collector.context().getBean(DashboardQueries.class), MESSAGES);
            assertEquals(MESSAGES, stats.reportsStored(), "every report stored, an hour before the next sweep");
            assertEquals(0, stats.messagesPending());
            assertTrue(collector.get("/prometheus").body().contains("tlsrpt_processing_queue_full_total "
                    + queue.turnedAway()), "the metric says how many the queue turned away");
        }
    }

    /** Mails {@code count} one-policy reports for {@code name}.example, report-ids {@code name}-0, -1, ... */
    static void sendReports(Mailer mailer, String name, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            String json = "{\"organization-name\":\"" + name + " Inc.\",\"date-range\":{\"start-datetime\":"
                    + "\"2026-11-27T00:00:00Z\",\"end-datetime\":\"2026-11-27T23:59:59Z\"},\"contact-info\":"
                    + "\"tls@" + name + ".test\",\"report-id\":\"" + name + "-" + i + "\",\"policies\":[{\"policy\":"
                    + "{\"policy-type\":\"no-policy-found\",\"policy-domain\":\"" + name + ".example\"},\"summary\":"
                    + "{\"total-successful-session-count\":" + i + ",\"total-failure-session-count\":0}}]}";
            mailer.sendJson(json.getBytes(StandardCharsets.UTF_8), name + ".example", name + ".test", name + "-" + i,
                    Mailer.RUA);
        }
    }

    /** The stats once {@code reports} reports are stored and nothing is pending, or after 60 s. */
    static Stats awaitStored(DashboardQueries queries, int reports) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        Stats stats = queries.stats();
        while ((stats.reportsStored() < reports || stats.messagesPending() > 0) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            stats = queries.stats();
        }
        return stats;
    }
}
