package io.tlsrpt.collector.durability;

import io.tlsrpt.collector.store.MessageStore;
import io.tlsrpt.collector.store.Spool;
import io.tlsrpt.collector.support.Collector;
import io.tlsrpt.collector.support.Postgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * The start-up recovery of the spool, with files laid out as a crash leaves them: a complete file whose message the
 * database lost is stored again (under its own id) and processed; a message row that survived without its bytes
 * gets them back and is processed again; a complete file whose message is there is deleted
 * and stores nothing twice; a complete file whose id the database gave to another message is stored under a new
 * id; a temporary file (a write that never finished, never acknowledged) is deleted; a damaged complete file is set
 * aside. New messages get ids past the restored ones.
 */
class SpoolRecoveryTest {
    @TempDir
    Path dataDir;

    static Spool.Entry entry(long id, byte[] body) {
        return new Spool.Entry(id, MessageStore.sha256(body), Instant.parse("2025-07-02T01:00:00Z"), "smtp",
                "192.0.2.7", "mx.durable.example", "reports@durable.example", Reports.RUA, body);
    }

    @Test
    void recoveryStoresWhatTheDatabaseLostAndNothingTwice() throws Exception {
        assumeFalse(Postgres.enabled(), "an H2 crash: PostgreSQL keeps its commits");
        byte[] kept = Reports.message("kept");
        byte[] lost = Reports.message("lost");
        byte[] clash = Reports.message("clash");
        byte[] halved = Reports.message("halved");
        long keptId;
        long halvedId;
        try (Collector first = Collector.start(dataDir, Map.of())) {
            keptId = Reports.id(Reports.send(first, kept));
            halvedId = Reports.id(Reports.send(first, halved));
            Reports.waitFor("kept processed", () -> Reports.count(first,
                    "SELECT COUNT(*) FROM message WHERE state = 'processed'") == 2);
            // Half a transaction survived a crash: the row without its bytes (seen with H2 after a SIGKILL).
            Reports.execute(first, "DELETE FROM message_body WHERE message_id = " + halvedId);
        }
        Path spool = dataDir.resolve("spool");
        assertTrue(Files.isDirectory(spool));
        assertEquals(0, Reports.files(spool, ".msg").size(), "a clean stop leaves no spool files");

        long lostId = keptId + 500;
        Files.write(spool.resolve(String.format("%019d-a-1.msg", keptId)), Spool.bytesOf(entry(keptId, kept)));
        Files.write(spool.resolve(String.format("%019d-a-2.msg", lostId)), Spool.bytesOf(entry(lostId, lost)));
        Files.write(spool.resolve(String.format("%019d-a-3.msg", keptId)), Spool.bytesOf(entry(keptId, clash)));
        Files.write(spool.resolve(String.format("%019d-a-6.msg", halvedId)), Spool.bytesOf(entry(halvedId, halved)));
        byte[] whole = Spool.bytesOf(entry(lostId + 1, Reports.message("never-acknowledged")));
        Files.write(spool.resolve(String.format("%019d-a-4.tmp", lostId + 1)),
                java.util.Arrays.copyOf(whole, whole.length / 2));
        byte[] damaged = Spool.bytesOf(entry(lostId + 2, Reports.message("damaged")));
        damaged[damaged.length / 2] ^= 1;
        Files.write(spool.resolve(String.format("%019d-a-5.msg", lostId + 2)), damaged);

        try (Collector second = Collector.start(dataDir, Map.of())) {
            // Recovery ran before the collector accepted anything: the spool holds only the damaged file, set aside.
            assertEquals(0, Reports.files(spool, ".msg").size());
            assertEquals(0, Reports.files(spool, ".tmp").size());
            assertEquals(1, Reports.files(spool, ".damaged").size());

            Reports.waitFor("all processed", () -> Reports.count(second,
                    "SELECT COUNT(*) FROM message WHERE state <> 'processed'") == 0);
            assertEquals(4, Reports.count(second, "SELECT COUNT(*) FROM message"), "kept, halved, lost, clash");
            assertTrue(second.get("/messages/" + halvedId + "/raw").body().contains("Report-ID: <halved>"),
                    "the bytes of the halved message are back");
            assertEquals(1, Reports.count(second, "SELECT COUNT(*) FROM message WHERE sha256 = ?",
                    MessageStore.sha256(kept)), "kept is not stored twice");
            assertEquals(keptId, Reports.count(second, "SELECT id FROM message WHERE sha256 = ?",
                    MessageStore.sha256(kept)));
            assertEquals(MessageStore.sha256(lost), Reports.text(second, "SELECT sha256 FROM message WHERE id = ?",
                    lostId), "the lost message is back under the id its 250 named");
            long clashId = Reports.count(second, "SELECT id FROM message WHERE sha256 = ?",
                    MessageStore.sha256(clash));
            assertTrue(clashId != keptId && clashId != lostId && clashId != halvedId, "clash under a new id: " + clashId);
            assertEquals(0, Reports.count(second, "SELECT COUNT(*) FROM message WHERE sha256 = ?",
                    MessageStore.sha256(Reports.message("never-acknowledged"))));
            assertEquals(4, Reports.count(second, "SELECT COUNT(*) FROM report"));
            Collector.Http raw = second.get("/messages/" + lostId + "/raw");
            assertEquals(200, raw.status());
            assertTrue(raw.body().contains("Report-ID: <lost>"), raw.body());
            assertEquals("192.0.2.7", Reports.text(second, "SELECT client_ip FROM message WHERE id = ?", lostId));

            // The id generator is past the restored id: a new message does not meet it.
            long newId = Reports.id(Reports.send(second, Reports.message("after")));
            assertTrue(newId > lostId, "new id " + newId + " after restored " + lostId);
            Reports.waitFor("after processed", () -> Reports.count(second,
                    "SELECT COUNT(*) FROM message WHERE state = 'processed'") == 5);
            assertEquals(5, Reports.count(second, "SELECT COUNT(*) FROM report"));
        }
        assertTrue(new String(Files.readAllBytes(Reports.files(spool, ".damaged").get(0)), StandardCharsets.ISO_8859_1)
                .contains("Report-ID: <damaged>"), "the damaged file is kept as it was");
    }
}
