package io.tlsrpt.collector.durability;

import io.tlsrpt.collector.e2e.RollupCheck;
import io.tlsrpt.collector.store.Database;
import io.tlsrpt.collector.store.ProcessingWriter;
import io.tlsrpt.collector.store.Spool;
import io.tlsrpt.collector.support.Collector;
import io.tlsrpt.collector.support.Postgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * What H2 can come back with after a SIGKILL: part of a transaction. It snapshots each table on its own while
 * transactions commit (H2 issue #2080), so the rows one processing run wrote can survive without the message row's
 * own update, or without the message row itself (which the spool then stores again under its id). CrashSafetyTest
 * met the first once in CI: a duplicate recorded twice for one message. Processing again must replace what the
 * earlier run left, whatever the message row says, and leave the roll-ups equal to the raw rows.
 */
class HalfTransactionTest {
    @TempDir
    Path dataDir;

    @Test
    void rowsOfARunWhoseMessageUpdateWasLostAreReplacedNotAddedTo() throws Exception {
        assumeFalse(Postgres.enabled(), "an H2 crash: PostgreSQL's transactions are atomic on disk");
        long storedId;
        long duplicateId;
        try (Collector first = Collector.start(dataDir, Map.of())) {
            storedId = Reports.id(Reports.send(first, Reports.message("half-a")));
            duplicateId = Reports.id(Reports.send(first, Reports.message("half-a")));
            Reports.waitFor("both processed", () -> Reports.count(first,
                    "SELECT COUNT(*) FROM message WHERE state = 'processed'") == 2);
            assertEquals(1, Reports.count(first, "SELECT COUNT(*) FROM report"));
            assertEquals(1, Reports.count(first, "SELECT COUNT(*) FROM report_duplicate"));
            // The crash kept the report and the duplicate but not the messages' last update.
            Reports.execute(first, "UPDATE message SET state = 'received', processed_at = NULL WHERE id IN ("
                    + storedId + ", " + duplicateId + ")");
        }
        try (Collector second = Collector.start(dataDir, Map.of())) {
            Reports.waitFor("processed again", () -> Reports.count(second,
                    "SELECT COUNT(*) FROM message WHERE state = 'processed'") == 2);
            assertEquals(1, Reports.count(second, "SELECT COUNT(*) FROM report"));
            assertEquals(storedId, Reports.count(second, "SELECT message_id FROM report"));
            assertEquals(1, Reports.count(second, "SELECT COUNT(*) FROM report_duplicate"));
            assertEquals(duplicateId, Reports.count(second, "SELECT message_id FROM report_duplicate"));
            assertEquals(1, Reports.count(second, "SELECT COALESCE(SUM(reports), 0) FROM daily_report"));
            RollupCheck.assertRollupsEqualRawRows(second.context().getBean(DataSource.class));
        }
    }

    @Test
    void aMessageRowLostWithItsRunKeptIsStoredAgainAndReplacesThatRun() throws Exception {
        assumeFalse(Postgres.enabled(), "an H2 crash: PostgreSQL's transactions are atomic on disk");
        byte[] body = Reports.message("half-b");
        long id;
        try (Collector first = Collector.start(dataDir, Map.of())) {
            id = Reports.id(Reports.send(first, body));
            Reports.waitFor("processed", () -> Reports.count(first,
                    "SELECT COUNT(*) FROM message WHERE state = 'processed'") == 1);
            // The crash kept the run's report but lost the message row and its bytes (H2 checks no foreign key on
            // opening a store; here they are switched off to make the same state).
            Reports.execute(first, "SET REFERENTIAL_INTEGRITY FALSE");
            Reports.execute(first, "DELETE FROM message_body WHERE message_id = " + id);
            Reports.execute(first, "DELETE FROM message WHERE id = " + id);
            Reports.execute(first, "SET REFERENTIAL_INTEGRITY TRUE");
        }
        // The spool still has the acknowledged message (its segment outlived the checkpoint that the crash prevented).
        Files.write(dataDir.resolve("spool").resolve("00000000000000bb-0000000001.log"),
                Spool.bytesOf(SpoolRecoveryTest.entry(id, body)));
        try (Collector second = Collector.start(dataDir, Map.of())) {
            Reports.waitFor("stored again and processed", () -> Reports.count(second,
                    "SELECT COUNT(*) FROM message WHERE state = 'processed'") == 1);
            assertEquals(id, Reports.count(second, "SELECT id FROM message"), "back under the id its 250 named");
            assertEquals(1, Reports.count(second, "SELECT COUNT(*) FROM report"));
            assertEquals(id, Reports.count(second, "SELECT message_id FROM report"));
            assertEquals(0, Reports.count(second, "SELECT COUNT(*) FROM report_duplicate"),
                    "the message is not a duplicate of its own earlier run");
            assertEquals(1, Reports.count(second, "SELECT COALESCE(SUM(reports), 0) FROM daily_report"));
            RollupCheck.assertRollupsEqualRawRows(second.context().getBean(DataSource.class));
        }
    }

    /**
     * The other half: the message row kept its update (processed, counts) but the run's report was lost. Only a
     * start after an unclean stop looks for such runs, among those the last checkpoint did not cover (the instant
     * the spool's clean-up recorded in spool/checkpointed); older runs are left alone.
     */
    @Test
    void afterAnUncleanStopTheRunsAfterTheLastCheckpointAreProcessedAgain() throws Exception {
        assumeFalse(Postgres.enabled(), "an H2 crash: PostgreSQL's transactions are atomic on disk");
        Path spool = dataDir.resolve("spool");
        long olderId;
        long lostId;
        Instant older;
        Instant lost;
        try (Collector first = Collector.start(dataDir, Map.of())) {
            assertTrue(Files.exists(spool.resolve("running")), "the marker of a running collector");
            olderId = Reports.id(Reports.send(first, Reports.message("half-older")));
            Reports.waitFor("older processed", () -> Reports.count(first,
                    "SELECT COUNT(*) FROM message WHERE state = 'processed'") == 1);
            Thread.sleep(3_000); // more than the clock-step allowance between the two runs
            lostId = Reports.id(Reports.send(first, Reports.message("half-lost")));
            Reports.waitFor("lost processed", () -> Reports.count(first,
                    "SELECT COUNT(*) FROM message WHERE state = 'processed'") == 2);
            older = processedAt(first, olderId);
            lost = processedAt(first, lostId);
            // The crash kept the message row's update but none of the run's other rows: the same state as a run
            // that took out what an earlier one stored and never finished.
            first.context().getBean(Database.class).inTransaction(c -> {
                try (ProcessingWriter.Batch b = first.context().getBean(ProcessingWriter.class).replace(c, lostId)) {
                    b.flush();
                }
                return null;
            });
            assertEquals(1, Reports.count(first, "SELECT COUNT(*) FROM report"));
        }
        assertFalse(Files.exists(spool.resolve("running")), "a clean stop removes the marker");
        assertTrue(Files.exists(spool.resolve("checkpointed")), "the clean-ups record what they checkpointed");
        // As a SIGKILL leaves it: the marker, and the last checkpoint between the two runs.
        Files.writeString(spool.resolve("running"), older.toString());
        Files.writeString(spool.resolve("checkpointed"), lost.toString());
        try (Collector second = Collector.start(dataDir, Map.of())) {
            Reports.waitFor("processed again", () -> Reports.count(second,
                    "SELECT COUNT(*) FROM message WHERE state = 'processed'") == 2
                    && Reports.count(second, "SELECT COUNT(*) FROM report") == 2);
            assertEquals(lostId, Reports.count(second, "SELECT message_id FROM report WHERE report_id = ?",
                    "half-lost"), "the lost report is back");
            assertTrue(processedAt(second, lostId).isAfter(lost));
            assertEquals(older, processedAt(second, olderId), "a run the checkpoint covered is not done again");
            assertEquals(2, Reports.count(second, "SELECT COALESCE(SUM(reports), 0) FROM daily_report"));
            RollupCheck.assertRollupsEqualRawRows(second.context().getBean(DataSource.class));
        }
    }

    private static Instant processedAt(Collector c, long messageId) throws SQLException {
        try (Connection con = c.context().getBean(DataSource.class).getConnection();
             PreparedStatement ps = con.prepareStatement("SELECT processed_at FROM message WHERE id = ?")) {
            ps.setLong(1, messageId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getObject(1, OffsetDateTime.class).toInstant();
            }
        }
    }
}
