package io.tlsrpt.collector.store;

import io.tlsrpt.collector.support.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A thread interrupted while it reads the database (a download the client gave up, a request cancelled, a shut-down)
 * must not break the database for everyone else. H2's plain {@code file:} store reads through a {@code FileChannel},
 * which an interrupt closes for every user of the file: every later statement of every connection then failed with
 * "Reading from file ... failed" until a restart, so SMTP answered 451 and processing stopped (found by the page
 * probe at 1,000,000 reports, after an export's client disconnected). The collector's URL wraps the file in H2's
 * {@code retry:} file system, which opens the file again and repeats the read.
 */
class InterruptedReadTest {
    @TempDir
    Path dataDir;

    @Test
    void readersInterruptedMidQueryLeaveTheDatabaseWorking() throws Exception {
        try (Collector collector = Collector.start(dataDir, Map.of())) {
            Database db = collector.context().getBean(Database.class);
            int rows = 200_000;
            db.inTransaction(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE interrupt_probe (id BIGINT PRIMARY KEY, v VARCHAR(200))");
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO interrupt_probe VALUES (?, ?)")) {
                    for (int i = 0; i < rows; i++) {
                        Sql.bind(ps, i, "value " + i + " of the rows that make the table bigger than the cache");
                        ps.addBatch();
                        if (i % 1000 == 999) {
                            ps.executeBatch();
                        }
                    }
                    ps.executeBatch();
                }
                return null;
            });
            if (db.isH2()) {
                db.inTransaction(c -> {
                    try (Statement s = c.createStatement()) {
                        s.execute("CHECKPOINT SYNC");
                        s.execute("SET CACHE_SIZE 64"); // 64 KB: the readers below read pages from the file
                    }
                    return null;
                });
            }
            // Each reader scans the table 50 times (about a second with the small cache), so an interrupt 15 ms
            // after its start reaches it inside a statement. (With plain file: this failed in the first round.)
            int interruptedWhileReading = 0;
            for (int round = 0; round < 30; round++) {
                int mod = round % 7;
                Thread reader = new Thread(() -> {
                    try {
                        for (int k = 0; k < 50 && !Thread.currentThread().isInterrupted(); k++) {
                            db.read(c -> Sql.count(c, "SELECT SUM(LENGTH(v)) FROM interrupt_probe "
                                    + "WHERE MOD(id, 7) = ?", mod));
                        }
                    } catch (RuntimeException e) {
                        // the interrupt ended the reader's statement: allowed, the others must go on working
                    }
                });
                reader.start();
                Thread.sleep(15);
                if (reader.isAlive()) {
                    interruptedWhileReading++;
                }
                reader.interrupt();
                reader.join(60_000);
                long count = db.read(c -> Sql.count(c, "SELECT COUNT(*) FROM interrupt_probe WHERE v LIKE 'value%'"));
                assertEquals(rows, count, "after round " + round);
            }
            assertTrue(interruptedWhileReading > 0, "no reader was still reading when interrupted: the test proved "
                    + "nothing");
            long reports = db.read(c -> Sql.count(c, "SELECT COUNT(*) FROM message"));
            assertEquals(0, reports);
        }
    }
}
