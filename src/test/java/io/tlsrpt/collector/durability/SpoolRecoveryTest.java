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
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * The start-up recovery of the spool, with segments laid out as a crash leaves them: an entry whose message the
 * database lost is stored again (under its own id) and processed; a message row that survived without its bytes
 * gets them back and is processed again; an entry whose message is there stores nothing twice; an entry whose id
 * the database gave to another message is stored under a new id; a torn last entry (a write a crash cut off, never
 * acknowledged) is ignored; a segment with a damaged entry in its middle gives back the entries before it and is
 * set aside. New messages get ids past the restored ones.
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
        byte[] beforeDamage = Reports.message("before-damage");
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
        assertEquals(0, Reports.files(spool, ".log").size(), "a clean stop leaves no segments");

        long lostId = keptId + 500;
        // Segment of an earlier run: kept, lost, clash, halved, all acknowledged; then a torn last entry (a write a
        // crash cut off, never acknowledged).
        byte[] whole = Spool.bytesOf(entry(lostId + 1, Reports.message("never-acknowledged")));
        Files.write(spool.resolve("00000000000000aa-0000000001.log"), concat(
                Spool.bytesOf(entry(keptId, kept)),
                Spool.bytesOf(entry(lostId, lost)),
                Spool.bytesOf(entry(keptId, clash)),
                Spool.bytesOf(entry(halvedId, halved)),
                Arrays.copyOf(whole, whole.length / 2)));
        // A segment whose middle entry the disk damaged: the entry before it is recovered, the file set aside.
        byte[] damaged = Spool.bytesOf(entry(lostId + 3, Reports.message("damaged")));
        damaged[damaged.length / 2] ^= 1;
        Files.write(spool.resolve("00000000000000aa-0000000002.log"), concat(
                Spool.bytesOf(entry(lostId + 2, beforeDamage)),
                damaged,
                Spool.bytesOf(entry(lostId + 4, Reports.message("after-damage")))));

        try (Collector second = Collector.start(dataDir, Map.of())) {
            // Recovery ran before the collector accepted anything: the spool holds only the damaged segment, aside.
            assertEquals(0, Reports.files(spool, ".log").size());
            assertEquals(1, Reports.files(spool, ".damaged").size());

            Reports.waitFor("all processed", () -> Reports.count(second,
                    "SELECT COUNT(*) FROM message WHERE state <> 'processed'") == 0);
            assertEquals(5, Reports.count(second, "SELECT COUNT(*) FROM message"),
                    "kept, halved, lost, clash, before-damage");
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
                    MessageStore.sha256(Reports.message("never-acknowledged"))), "the torn entry is ignored");
            assertEquals(MessageStore.sha256(beforeDamage), Reports.text(second,
                    "SELECT sha256 FROM message WHERE id = ?", lostId + 2), "the entry before the damage is back");
            assertEquals(0, Reports.count(second, "SELECT COUNT(*) FROM message WHERE sha256 = ?",
                    MessageStore.sha256(Reports.message("after-damage"))), "after the damage: left to a person");
            assertEquals(5, Reports.count(second, "SELECT COUNT(*) FROM report"));
            Collector.Http raw = second.get("/messages/" + lostId + "/raw");
            assertEquals(200, raw.status());
            assertTrue(raw.body().contains("Report-ID: <lost>"), raw.body());
            assertEquals("192.0.2.7", Reports.text(second, "SELECT client_ip FROM message WHERE id = ?", lostId));

            // The id generator is past the restored id: a new message does not meet it.
            long newId = Reports.id(Reports.send(second, Reports.message("after")));
            assertTrue(newId > lostId + 2, "new id " + newId + " after restored " + (lostId + 2));
            Reports.waitFor("after processed", () -> Reports.count(second,
                    "SELECT COUNT(*) FROM message WHERE state = 'processed'") == 6);
            assertEquals(6, Reports.count(second, "SELECT COUNT(*) FROM report"));
        }
        String aside = new String(Files.readAllBytes(Reports.files(spool, ".damaged").get(0)),
                StandardCharsets.ISO_8859_1);
        assertTrue(aside.contains("Report-ID: <damaged>") && aside.contains("Report-ID: <after-damage>"),
                "the damaged segment is kept as it was");
    }

    /**
     * An upgrade from the one-file-per-message spool after a crash: its complete files are acknowledged messages
     * (stored again when the database lost them), its temporary files were never acknowledged (deleted), a damaged
     * one is set aside.
     */
    @Test
    void filesOfTheFirstFormatLeftByAnEarlierVersionAreRecovered() throws Exception {
        assumeFalse(Postgres.enabled(), "an H2 crash: PostgreSQL keeps its commits");
        byte[] kept = Reports.message("legacy-kept");
        byte[] lost = Reports.message("legacy-lost");
        long keptId;
        try (Collector first = Collector.start(dataDir, Map.of())) {
            keptId = Reports.id(Reports.send(first, kept));
            Reports.waitFor("kept processed", () -> Reports.count(first,
                    "SELECT COUNT(*) FROM message WHERE state = 'processed'") == 1);
        }
        Path spool = dataDir.resolve("spool");
        long lostId = keptId + 500;
        // The first format: one record per file, named by id, without the length a segment puts before it.
        Files.write(spool.resolve(String.format("%019d-a-1.msg", keptId)), record(entry(keptId, kept)));
        Files.write(spool.resolve(String.format("%019d-a-2.msg", lostId)), record(entry(lostId, lost)));
        byte[] unfinished = record(entry(lostId + 1, Reports.message("legacy-unfinished")));
        Files.write(spool.resolve(String.format("%019d-a-3.tmp", lostId + 1)),
                Arrays.copyOf(unfinished, unfinished.length / 2));
        byte[] damaged = record(entry(lostId + 2, Reports.message("legacy-damaged")));
        damaged[damaged.length / 2] ^= 1;
        Files.write(spool.resolve(String.format("%019d-a-4.msg", lostId + 2)), damaged);

        try (Collector second = Collector.start(dataDir, Map.of())) {
            assertEquals(0, Reports.files(spool, ".msg").size(), "every complete file handled");
            assertEquals(0, Reports.files(spool, ".tmp").size(), "the unfinished write deleted");
            assertEquals(1, Reports.files(spool, ".damaged").size());
            Reports.waitFor("all processed", () -> Reports.count(second,
                    "SELECT COUNT(*) FROM message WHERE state <> 'processed'") == 0);
            assertEquals(2, Reports.count(second, "SELECT COUNT(*) FROM message"), "kept and lost, once each");
            assertEquals(MessageStore.sha256(lost), Reports.text(second, "SELECT sha256 FROM message WHERE id = ?",
                    lostId), "the lost message is back under the id its 250 named");
            assertEquals(0, Reports.count(second, "SELECT COUNT(*) FROM message WHERE sha256 = ?",
                    MessageStore.sha256(Reports.message("legacy-unfinished"))));
            assertEquals(2, Reports.count(second, "SELECT COUNT(*) FROM report"));
            long newId = Reports.id(Reports.send(second, Reports.message("legacy-after")));
            assertTrue(newId > lostId, "new id " + newId + " after restored " + lostId);
        }
    }

    /** An entry as the first format stored it: the record alone. */
    static byte[] record(Spool.Entry e) {
        byte[] framed = Spool.bytesOf(e);
        return Arrays.copyOfRange(framed, 4, framed.length);
    }

    static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
