package io.tlsrpt.collector.store;

import io.tlsrpt.collector.bench.Seeder;
import io.tlsrpt.collector.store.view.ReportSummary;
import io.tlsrpt.collector.support.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A domain's report list, read from domain_report (schema V12), gives the reports the raw rows give: those sent for
 * the domain and those naming it in a policy (the seeder's DANE policies name an MX host), newest first, page by page,
 * with the count, over two periods and with and without the authenticated-only switch. (That processing again and
 * the retention purge keep domain_report equal to the raw rows is RollupCheck's, in ReprocessAndEscapingTest and
 * RetentionTest; that V12 fills it from an older store, BackfillTest's.)
 */
class DomainReportsTest {
    private static final int PAGE = 7;

    @TempDir
    Path dataDir;

    @Test
    void aDomainsReportListEqualsTheReportsSentForItOrNamingItInAPolicy() throws Exception {
        try (Collector collector = Collector.start(dataDir, Map.of())) {
            Seeder.seed(collector.context(), 2000, 2, 200, 17);
            Database db = collector.context().getBean(Database.class);
            DashboardQueries queries = collector.context().getBean(DashboardQueries.class);
            List<String> domains = db.read(c -> List.of(
                    one(c, "SELECT report_domain FROM report GROUP BY report_domain ORDER BY COUNT(*) DESC, "
                            + "report_domain FETCH FIRST 1 ROWS ONLY"),
                    one(c, "SELECT p.domain FROM policy p JOIN report r ON r.id = p.report_id "
                            + "WHERE p.domain <> r.report_domain ORDER BY p.domain FETCH FIRST 1 ROWS ONLY"),
                    one(c, "SELECT report_domain FROM report GROUP BY report_domain ORDER BY COUNT(*), "
                            + "report_domain FETCH FIRST 1 ROWS ONLY")));
            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            List<Period> periods = List.of(new Period(today.minusDays(500), today),
                    new Period(today.minusDays(120), today.minusDays(30)));
            int compared = 0;
            for (String domain : domains) {
                for (Period period : periods) {
                    for (boolean authenticated : new boolean[]{false, true}) {
                        Visibility v = new Visibility(authenticated, false);
                        List<Long> expected = db.read(c -> raw(c, domain, period, v));
                        List<Long> shown = new ArrayList<>();
                        for (int offset = 0; ; offset += PAGE) {
                            Page<ReportSummary> page = queries.reports(domain, period, v,
                                    new PageRequest(PAGE, offset));
                            assertEquals(expected.size(), page.total(), "count of " + domain + " " + period + " " + v);
                            page.items().forEach(r -> shown.add(r.id()));
                            if (page.items().size() < PAGE) {
                                break;
                            }
                        }
                        assertEquals(expected, shown, domain + " " + period + " " + v);
                        compared += expected.size();
                    }
                }
            }
            long big = db.read(c -> (long) raw(c, domains.get(0), periods.get(0), Visibility.ALL).size());
            long mx = db.read(c -> (long) raw(c, domains.get(1), periods.get(0), Visibility.ALL).size());
            assertTrue(big > PAGE * 2 && mx > 0, "the biggest domain's reports: " + big + ", the MX host's: " + mx);
            assertTrue(compared > 50, "reports compared: " + compared);
        }
    }

    /** The report list as the raw rows give it (the query before V12), ids newest first. */
    static List<Long> raw(Connection c, String domain, Period period, Visibility v) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT r.id FROM report r JOIN (SELECT id FROM report "
                + "WHERE report_domain = ? UNION SELECT report_id FROM policy WHERE domain = ?) m ON m.id = r.id "
                + "WHERE r.utc_day BETWEEN ? AND ?" + v.sql("r") + " ORDER BY r.utc_day DESC, r.id DESC")) {
            Sql.bind(ps, domain, domain, period.from(), period.to());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        }
        return ids;
    }

    private static String one(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            assertTrue(rs.next(), sql);
            return rs.getString(1);
        }
    }
}
