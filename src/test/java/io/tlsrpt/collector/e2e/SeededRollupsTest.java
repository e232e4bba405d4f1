package io.tlsrpt.collector.e2e;

import io.tlsrpt.collector.bench.Seeder;
import io.tlsrpt.collector.store.RetentionStore;
import io.tlsrpt.collector.support.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Roll-ups written for many reports in one transaction ({@code ProcessingWriter.Batch}, as the benchmark seeder and
 * an import use it: two threads, 100 reports a transaction, their roll-up changes summed per row) equal the raw rows;
 * so do they after seeded messages are processed again (the old contributions subtracted with SQL aggregates) and
 * after the retention purge of the older half. Also proves that the seeder's messages are real report e-mails: the
 * real processing finds, parses and stores the same report again.
 */
class SeededRollupsTest {
    @TempDir
    Path dataDir;

    @Test
    void batchedRollupsEqualTheRawRowsThroughReprocessAndPurge() throws Exception {
        try (Collector collector = Collector.start(dataDir, Map.of())) {
            Seeder.Result seeded = Seeder.seed(collector.context(), 1500, 2, 100, 5);
            assertEquals(1500, seeded.storedReports());
            assertTrue(seeded.failureDetails() > 1500, "about 5 failure details a report: " + seeded);
            DataSource ds = collector.context().getBean(DataSource.class);
            assertTrue(RollupCheck.assertRollupsEqualRawRows(ds) > 1000);
            // the report page finds the JSON in the seeded raw message (by the part number the finder gives it)
            long reportId = RollupCheck.scalar(ds, "SELECT MIN(id) FROM report");
            assertEquals(200, collector.get("/reports/" + reportId + "/json").status());

            long before = RollupCheck.scalar(ds, "SELECT COUNT(*) FROM failure_detail");
            for (long id = 1; id <= 200; id += 7) {
                assertEquals(200, collector.post("/api/messages/" + id + "/reprocess").status());
            }
            RollupCheck.assertRollupsEqualRawRows(ds);
            assertEquals(1500, RollupCheck.scalar(ds, "SELECT COUNT(*) FROM report"));
            assertEquals(before, RollupCheck.scalar(ds, "SELECT COUNT(*) FROM failure_detail"));
            assertEquals(0, RollupCheck.scalar(ds, "SELECT COUNT(*) FROM quarantine"));

            LocalDate cut = LocalDate.now(ZoneOffset.UTC).minusDays(200);
            long older = RollupCheck.scalar(ds, "SELECT COUNT(*) FROM report WHERE utc_day < DATE '" + cut + "'");
            RetentionStore.Purged purged = collector.context().getBean(RetentionStore.class).purgeReports(cut);
            assertEquals(older, purged.reports());
            RollupCheck.assertRollupsEqualRawRows(ds);
            assertEquals(0, RollupCheck.scalar(ds, "SELECT COUNT(*) FROM daily_domain WHERE utc_day < DATE '"
                    + cut + "'"));
        }
    }
}
