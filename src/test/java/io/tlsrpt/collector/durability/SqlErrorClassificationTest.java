package io.tlsrpt.collector.durability;

import io.tlsrpt.collector.store.Database;
import io.tlsrpt.collector.store.StoreUnavailableException;
import io.tlsrpt.collector.support.Collector;
import io.tlsrpt.collector.support.Postgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * Processing retries a database that is down without counting, and counts an SQL error that the message will meet
 * again, so that after max-attempts the message is quarantined with the error instead of being retried forever.
 */
class SqlErrorClassificationTest {
    @TempDir
    Path dataDir;

    static boolean isTransient(String state) {
        return new StoreUnavailableException("x", new SQLException("x", state)).isTransient();
    }

    @Test
    void sqlStatesAreClassified() {
        for (String state : new String[]{"08001", "08006", "08S01", "40001", "40P01", "HYT00", "55P03", "90098",
                "90121", "90028", "90031", "57P01", "53100"}) {
            assertTrue(isTransient(state), state);
        }
        for (String state : new String[]{"22001", "22003", "22018", "23505", "23503", "42000", "42S02", "42P01",
                "HY000", "0A000"}) {
            assertFalse(isTransient(state), state);
        }
        assertFalse(isTransient(null));
        assertTrue(Database.isTransientFailure(new SQLTransientConnectionException("pool time-out")));
        assertTrue(Database.isTransientFailure(new IllegalStateException(new SQLException("closed", "90098"))));
    }

    @Test
    void aPermanentSqlErrorIsCountedAndTheMessageQuarantinedAfterMaxAttempts() throws Exception {
        assumeFalse(Postgres.enabled(), "an H2 trigger");
        FailingTrigger.STATE = "22001";
        try (Collector c = Collector.start(dataDir, Map.of("tlsrpt.processing.max-attempts", 3))) {
            Reports.execute(c, "CREATE TRIGGER refuse_report BEFORE INSERT ON report FOR EACH ROW CALL '"
                    + FailingTrigger.class.getName() + "'");
            long id = Reports.id(Reports.send(c, Reports.message("permanent")));
            Reports.waitFor("quarantined", () -> "quarantined".equals(Reports.text(c,
                    "SELECT state FROM message WHERE id = ?", id)));
            assertEquals(3, Reports.count(c, "SELECT attempts FROM message WHERE id = ?", id));
            String reason = Reports.text(c, "SELECT reason FROM quarantine WHERE message_id = ?", id);
            assertTrue(reason.contains("processing failed 3 times") && reason.contains("refused by the test trigger"),
                    reason);
            assertEquals(0, Reports.count(c, "SELECT COUNT(*) FROM report"));
        }
    }

    @Test
    void aTransientSqlErrorIsRetriedWithoutCounting() throws Exception {
        assumeFalse(Postgres.enabled(), "an H2 trigger");
        FailingTrigger.STATE = "08006";
        try (Collector c = Collector.start(dataDir, Map.of("tlsrpt.processing.max-attempts", 3))) {
            Reports.execute(c, "CREATE TRIGGER refuse_report BEFORE INSERT ON report FOR EACH ROW CALL '"
                    + FailingTrigger.class.getName() + "'");
            int before = FailingTrigger.FIRED.get();
            long id = Reports.id(Reports.send(c, Reports.message("transient")));
            // More attempts than max-attempts: counted, they would have quarantined the message.
            Reports.waitFor("five attempts", () -> FailingTrigger.FIRED.get() >= before + 5);
            assertEquals("received", Reports.text(c, "SELECT state FROM message WHERE id = ?", id));
            assertEquals(0, Reports.count(c, "SELECT attempts FROM message WHERE id = ?", id));
            assertEquals(0, Reports.count(c, "SELECT COUNT(*) FROM quarantine WHERE message_id = ?", id));

            Reports.execute(c, "DROP TRIGGER refuse_report");
            Reports.waitFor("processed once the database works", () -> "processed".equals(Reports.text(c,
                    "SELECT state FROM message WHERE id = ?", id)));
            assertEquals(1, Reports.count(c, "SELECT COUNT(*) FROM report"));
        }
    }
}
