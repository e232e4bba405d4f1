package io.tlsrpt.collector.durability;

import io.tlsrpt.collector.ingest.SpoolKeeper;
import io.tlsrpt.collector.support.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Spool files live until the database holds the messages durably, then the clean-up deletes them. */
class SpoolCleanupTest {
    @TempDir
    Path dataDir;

    @Test
    void eachAcceptedMessageIsSpooledUntilTheCleanupAfterTheCheckpoint() throws Exception {
        try (Collector c = Collector.start(dataDir, Map.of("tlsrpt.spool.cleanup-interval", 3600))) {
            SpoolKeeper keeper = c.context().getBean(SpoolKeeper.class);
            Path spool = keeper.spool().directory();
            for (int i = 0; i < 3; i++) {
                Reports.id(Reports.send(c, Reports.message("cleanup-" + i)));
            }
            assertEquals(3, Reports.files(spool, ".msg").size(), "one file per acknowledged message");
            assertEquals(0, Reports.files(spool, ".tmp").size());
            assertEquals(3, keeper.cleanup());
            assertEquals(0, Reports.files(spool, ".msg").size());
            assertEquals(3, Reports.count(c, "SELECT COUNT(*) FROM message"));
        }
    }

    @Test
    void theScheduledCleanupEmptiesTheSpool() throws Exception {
        try (Collector c = Collector.start(dataDir, Map.of("tlsrpt.spool.cleanup-interval", 1))) {
            Path spool = c.context().getBean(SpoolKeeper.class).spool().directory();
            for (int i = 0; i < 5; i++) {
                Reports.id(Reports.send(c, Reports.message("scheduled-" + i)));
            }
            Reports.waitFor("spool emptied by the scheduled clean-up", () -> {
                try {
                    return Reports.files(spool, ".msg").isEmpty();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertEquals(5, Reports.count(c, "SELECT COUNT(*) FROM message"));
        }
    }

    @Test
    void disabledSpoolWritesNothing() throws Exception {
        try (Collector c = Collector.start(dataDir, Map.of("tlsrpt.spool.enabled", false))) {
            Path spool = c.context().getBean(SpoolKeeper.class).spool().directory();
            Reports.id(Reports.send(c, Reports.message("unspooled")));
            assertTrue(Reports.files(spool, ".msg").isEmpty());
            assertEquals(1, Reports.count(c, "SELECT COUNT(*) FROM message"));
        }
    }
}
