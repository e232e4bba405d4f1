package io.tlsrpt.collector.durability;

import io.tlsrpt.collector.ingest.Acceptance;
import io.tlsrpt.collector.ingest.Envelope;
import io.tlsrpt.collector.ingest.Receiver;
import io.tlsrpt.collector.ingest.SpoolKeeper;
import io.tlsrpt.collector.support.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No 250 without the spool copy: when the spool cannot be written (here its directory is replaced by a file), SMTP
 * answers 451 and HTTPS uploads and imports are refused, and the database keeps nothing of the message (the sender
 * retries it). Once the spool can be written again, mail is accepted.
 */
class SpoolWriteFailureTest {
    @TempDir
    Path dataDir;

    @Test
    void aSpoolThatCannotBeWrittenAnswers451AndKeepsNothing() throws Exception {
        // The spool itself is under test: written whatever the database (auto leaves it off on a durable PostgreSQL).
        try (Collector c = Collector.start(dataDir, Map.of("tlsrpt.spool.cleanup-interval", 3600,
                "tlsrpt.spool.enabled", "true"))) {
            SpoolKeeper keeper = c.context().getBean(SpoolKeeper.class);
            Path spool = keeper.spool().directory();
            Reports.id(Reports.send(c, Reports.message("before")));
            assertEquals(1, keeper.cleanup(), "the segment is closed and deleted: the next write creates one");
            // What is left are the unclean-stop marker and the checkpoint record (H2); the directory goes too.
            try (var left = Files.list(spool)) {
                for (Path f : left.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(spool);
            Files.write(spool, new byte[]{'x'});

            String reply = Reports.send(c, Reports.message("refused"));
            assertTrue(reply.startsWith("451"), reply);
            Acceptance held = c.context().getBean(Receiver.class).storeHeld("https",
                    new Envelope(Instant.now(), "192.0.2.1", null, null, List.of()), Reports.message("upload"));
            assertInstanceOf(Acceptance.Unavailable.class, held);
            assertEquals(1, Reports.count(c, "SELECT COUNT(*) FROM message"), "nothing kept of refused messages");

            Files.delete(spool);
            Files.createDirectory(spool);
            long id = Reports.id(Reports.send(c, Reports.message("accepted")));
            assertEquals(1, Reports.files(spool, ".log").size());
            Reports.waitFor("processed", () -> Reports.count(c,
                    "SELECT COUNT(*) FROM message WHERE state = 'processed' AND id = ?", id) == 1);
            assertEquals(2, Reports.count(c, "SELECT COUNT(*) FROM message"), "before and accepted");
        }
    }
}
