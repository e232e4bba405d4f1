package io.tlsrpt.collector.e2e;

import io.tlsrpt.collector.bench.Seeder;
import io.tlsrpt.collector.store.RollupBackfill;
import io.tlsrpt.collector.support.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A store made before schema V6 has daily_failure and daily_domain but none of the V6 roll-ups; the migration
 * V6_1 fills them from those. Emptied and filled again here, they equal the raw rows (RollupCheck).
 */
class BackfillTest {
    @TempDir
    Path dataDir;

    @Test
    void theV6RollupsFilledFromTheDailyRollupsEqualTheRawRows() throws Exception {
        try (Collector collector = Collector.start(dataDir, Map.of())) {
            Seeder.seed(collector.context(), 400, 1, 100, 3);
            DataSource ds = collector.context().getBean(DataSource.class);
            long groups = RollupCheck.scalar(ds, "SELECT COUNT(*) FROM failure_group");
            assertTrue(groups > 50, "failure groups: " + groups);
            try (Connection c = ds.getConnection()) {
                c.setAutoCommit(false);
                try (Statement st = c.createStatement()) {
                    for (String table : new String[]{"failure_group_total", "failure_group_day", "failure_group",
                        "domain_total", "domain_reporter_total"}) {
                        st.executeUpdate("DELETE FROM " + table);
                    }
                }
                RollupBackfill.fill(c);
                c.commit();
            }
            assertEquals(groups, RollupCheck.scalar(ds, "SELECT COUNT(*) FROM failure_group"));
            assertTrue(RollupCheck.assertRollupsEqualRawRows(ds) > 500);
        }
    }
}
