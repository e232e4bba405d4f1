package io.tlsrpt.collector.durability;

import io.tlsrpt.collector.ingest.ProcessingQueue;
import io.tlsrpt.collector.support.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code tlsrpt.processing.workers}: that many messages are processed at the same time. */
class WorkersTest {
    @TempDir
    Path dataDir;

    @Test
    void twoWorkersByDefault() {
        try (Collector c = Collector.start(dataDir, Map.of())) {
            assertEquals(2, c.context().getBean(ProcessingQueue.class).workers());
        }
    }

    @Test
    void threeWorkersProcessThreeMessagesAtOnce() throws Exception {
        ConcurrentProcessor.INSIDE = new CountDownLatch(3);
        ConcurrentProcessor.RELEASE = new CountDownLatch(1);
        try (Collector c = Collector.start(dataDir, Map.of("tlsrpt.processing.workers", 3,
                "test.concurrent-processor", "true"))) {
            assertEquals(3, c.context().getBean(ProcessingQueue.class).workers());
            for (int i = 0; i < 3; i++) {
                Reports.id(Reports.send(c, Reports.message("worker-" + i)));
            }
            // All three are inside processing together: none returns before RELEASE opens.
            assertTrue(ConcurrentProcessor.INSIDE.await(2, TimeUnit.MINUTES), "three messages processed at once");
            ConcurrentProcessor.RELEASE.countDown();
            Reports.waitFor("all processed", () -> Reports.count(c,
                    "SELECT COUNT(*) FROM message WHERE state = 'processed'") == 3);
            assertEquals(3, Reports.count(c, "SELECT COUNT(*) FROM report"));
        } finally {
            ConcurrentProcessor.RELEASE.countDown();
        }
    }
}
