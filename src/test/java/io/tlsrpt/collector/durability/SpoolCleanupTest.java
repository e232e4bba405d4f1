package io.tlsrpt.collector.durability;

import io.tlsrpt.collector.ingest.SpoolKeeper;
import io.tlsrpt.collector.support.Collector;
import io.tlsrpt.collector.support.Postgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Segments live until the database holds their messages durably: the clean-up closes the segment being written,
 * checkpoints and deletes the closed segments.
 */
class SpoolCleanupTest {
    @TempDir
    Path dataDir;

    @Test
    void eachAcceptedMessageIsSpooledUntilTheCleanupAfterTheCheckpoint() throws Exception {
        // The spool itself is under test: written whatever the database (auto leaves it off on a durable PostgreSQL).
        try (Collector c = Collector.start(dataDir, Map.of("tlsrpt.spool.cleanup-interval", 3600,
                "tlsrpt.spool.enabled", "true"))) {
            SpoolKeeper keeper = c.context().getBean(SpoolKeeper.class);
            Path spool = keeper.spool().directory();
            for (int i = 0; i < 3; i++) {
                Reports.id(Reports.send(c, Reports.message("cleanup-" + i)));
            }
            assertEquals(3, keeper.spool().writes());
            List<Path> segments = Reports.files(spool, ".log");
            assertEquals(1, segments.size(), "the acknowledged messages are in one segment");
            for (int i = 0; i < 3; i++) {
                assertTrue(new String(Files.readAllBytes(segments.get(0)), StandardCharsets.ISO_8859_1)
                        .contains("Report-ID: <cleanup-" + i + ">"));
            }
            assertEquals(1, keeper.cleanup(), "the segment is closed, then deleted after the checkpoint");
            assertEquals(0, Reports.files(spool, ".log").size());
            assertEquals(3, Reports.count(c, "SELECT COUNT(*) FROM message"));

            Reports.id(Reports.send(c, Reports.message("cleanup-next")));
            List<Path> next = Reports.files(spool, ".log");
            assertEquals(1, next.size(), "the next message starts a new segment");
            assertTrue(!next.get(0).equals(segments.get(0)));
            assertEquals(1, keeper.cleanup());
            assertEquals(0, keeper.cleanup(), "nothing written since: nothing to close or delete");
            assertEquals(4, Reports.count(c, "SELECT COUNT(*) FROM message"));
        }
    }

    @Test
    void theScheduledCleanupEmptiesTheSpool() throws Exception {
        try (Collector c = Collector.start(dataDir, Map.of("tlsrpt.spool.cleanup-interval", 1,
                "tlsrpt.spool.enabled", "true"))) {
            Path spool = c.context().getBean(SpoolKeeper.class).spool().directory();
            for (int i = 0; i < 5; i++) {
                Reports.id(Reports.send(c, Reports.message("scheduled-" + i)));
            }
            Reports.waitFor("spool emptied by the scheduled clean-up", () -> {
                try {
                    return Reports.files(spool, ".log").isEmpty();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertEquals(5, Reports.count(c, "SELECT COUNT(*) FROM message"));
            if (!Postgres.enabled()) {
                // On H2 each clean-up records what its checkpoint covered, for a start after a crash.
                Path record = spool.resolve("checkpointed");
                Reports.waitFor("a checkpoint recorded", () -> Files.exists(record));
                Instant covered = Instant.parse(Files.readString(record).trim());
                assertTrue(covered.isBefore(Instant.now()) && covered.isAfter(Instant.now().minusSeconds(60)),
                        covered.toString());
            }
        }
    }

    @Test
    void disabledSpoolWritesNothing() throws Exception {
        try (Collector c = Collector.start(dataDir, Map.of("tlsrpt.spool.enabled", false))) {
            Path spool = c.context().getBean(SpoolKeeper.class).spool().directory();
            Reports.id(Reports.send(c, Reports.message("unspooled")));
            assertTrue(Reports.files(spool, ".log").isEmpty());
            assertEquals(1, Reports.count(c, "SELECT COUNT(*) FROM message"));
        }
    }
}
