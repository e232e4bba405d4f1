package io.tlsrpt.collector.e2e;

import io.tlsrpt.collector.bench.Seeder;
import io.tlsrpt.collector.store.DashboardQueries;
import io.tlsrpt.collector.store.Page;
import io.tlsrpt.collector.store.PageRequest;
import io.tlsrpt.collector.store.Period;
import io.tlsrpt.collector.store.RollupBackfill;
import io.tlsrpt.collector.store.SettledWindow;
import io.tlsrpt.collector.store.Visibility;
import io.tlsrpt.collector.store.view.FailureFilter;
import io.tlsrpt.collector.store.view.FailureGroup;
import io.tlsrpt.collector.support.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A store made before schema V6 has daily_failure and daily_domain but none of the V6 roll-ups; the migration
 * V6_1 fills them from those, V10_1 the reporters' failure groups per day, V12 domain_report and V16
 * report_other_policy from the report and policy rows, V13_1 the reporters' last days and V15_1 the groups per result
 * type. Emptied and filled again here,
 * they equal the raw rows (RollupCheck), and the reporter filter answers as before.
 */
class BackfillTest {
    @TempDir
    Path dataDir;

    @Test
    void theV6RollupsFilledFromTheDailyRollupsEqualTheRawRows() throws Exception {
        try (Collector collector = Collector.start(dataDir, Map.of())) {
            Seeder.seed(collector.context(), 400, 1, 100, 3);
            DataSource ds = collector.context().getBean(DataSource.class);
            DashboardQueries queries = collector.context().getBean(DashboardQueries.class);
            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            FailureFilter google = new FailureFilter(new Period(today.minusDays(500), today), null, null,
                    "Google Inc.", Visibility.ALL);
            Page<FailureGroup> before = queries.failures(google, new PageRequest(1000, 0));
            assertTrue(before.total() > 10, "Google's failure groups: " + before.total());
            long groups = RollupCheck.scalar(ds, "SELECT COUNT(*) FROM failure_group");
            assertTrue(groups > 50, "failure groups: " + groups);
            // The settled sums (V13, V14) are built now, so that the job does not build them while the roll-ups
            // are refilled; they are emptied with the roll-ups and built again after (from nothing, as after V14).
            SettledWindow window = collector.context().getBean(SettledWindow.class);
            window.refresh(today);
            try (Connection c = ds.getConnection()) {
                c.setAutoCommit(false);
                try (Statement st = c.createStatement()) {
                    for (String table : new String[]{"failure_group_total", "failure_group_day",
                        "failure_group_reporter_day", "failure_group",
                        "domain_total", "domain_reporter_total", "daily_report", "settled_window",
                        "failure_group_settled", "domain_settled", "failure_group_reporter_settled",
                        "failure_group_result_count", "report_other_policy"}) {
                        st.executeUpdate("DELETE FROM " + table);
                    }
                    st.executeUpdate("UPDATE rollup_count SET row_count = 0");
                    st.executeUpdate("UPDATE daily_failure SET organization_key = NULL");
                    st.executeUpdate("DELETE FROM domain_report");
                }
                RollupBackfill.fill(c);
                RollupBackfill.fillReporterDays(c); // V10_1, after V6_1 as in a migration
                try (Statement st = c.createStatement()) { // V12's fill, as the migration runs it
                    String v12 = new String(BackfillTest.class.getResourceAsStream("/schema/V12__domain_report.sql")
                            .readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                    st.executeUpdate(v12.substring(v12.indexOf("INSERT INTO domain_report")).replace(";", ""));
                    String v16 = new String(BackfillTest.class.getResourceAsStream(
                            "/schema/V16__report_other_policy.sql").readAllBytes(),
                            java.nio.charset.StandardCharsets.UTF_8);
                    st.executeUpdate(v16.substring(v16.indexOf("INSERT INTO report_other_policy")).replace(";", ""));
                }
                RollupBackfill.fillReporterLastDays(c); // V13_1
                RollupBackfill.fillResultCounts(c); // V15_1
                c.commit();
            }
            window.refresh(today);
            assertTrue(RollupCheck.scalar(ds, "SELECT COUNT(*) FROM failure_group_reporter_settled") > 100);
            assertEquals(groups, RollupCheck.scalar(ds, "SELECT COUNT(*) FROM failure_group"));
            assertTrue(RollupCheck.scalar(ds, "SELECT COUNT(*) FROM domain_reporter_total") > 100);
            assertEquals(0, RollupCheck.scalar(ds,
                    "SELECT COUNT(*) FROM domain_reporter_total WHERE last_day IS NULL"), "V13_1 filled every row");
            assertTrue(RollupCheck.assertRollupsEqualRawRows(ds) > 500);
            assertEquals(0, RollupCheck.scalar(ds,
                    "SELECT COUNT(*) FROM daily_failure WHERE organization_key IS NULL"));
            // The same groups with the same sums; groups of equal sessions come in the order of their ids, and the
            // refill gave failure_group new ids, so those are compared in the order of their values.
            Page<FailureGroup> after = queries.failures(google, new PageRequest(1000, 0));
            assertEquals(before.total(), after.total(), "the reporter filter's groups");
            assertEquals(byValues(before.items()), byValues(after.items()), "the reporter filter");
            assertEquals(before.items().stream().map(FailureGroup::sessions).toList(),
                    after.items().stream().map(FailureGroup::sessions).toList(), "most failed sessions first");
        }
    }

    private static java.util.List<FailureGroup> byValues(java.util.List<FailureGroup> groups) {
        return groups.stream().sorted(java.util.Comparator.comparingLong(FailureGroup::sessions).reversed()
                .thenComparing(FailureGroup::domain).thenComparing(FailureGroup::policyType)
                .thenComparing(FailureGroup::resultType).thenComparing(FailureGroup::receivingMx)).toList();
    }
}
