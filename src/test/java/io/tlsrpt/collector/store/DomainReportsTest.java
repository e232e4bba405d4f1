package io.tlsrpt.collector.store;

import io.tlsrpt.collector.bench.Seeder;
import io.tlsrpt.collector.store.view.ReportSummary;
import io.tlsrpt.collector.store.view.SeenPolicy;
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
 * with the count, over two periods and with and without the authenticated-only switch; so do the policies the domain
 * page lists as seen, read partly from report_other_policy (V16). (That processing again and
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
            int policies = 0;
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
                        List<SeenPolicy> seen = db.read(c -> rawPolicies(c, domain, period, v));
                        assertEquals(seen, ListPathsTest.allPages(p -> queries.policiesSeen(domain, period, v, p)),
                                "policies seen for " + domain + " " + period + " " + v);
                        policies += seen.size();
                    }
                }
            }
            long big = db.read(c -> (long) raw(c, domains.get(0), periods.get(0), Visibility.ALL).size());
            long mx = db.read(c -> (long) raw(c, domains.get(1), periods.get(0), Visibility.ALL).size());
            assertTrue(big > PAGE * 2 && mx > 0, "the biggest domain's reports: " + big + ", the MX host's: " + mx);
            assertTrue(compared > 50, "reports compared: " + compared);
            assertTrue(policies > 20, "policies seen compared: " + policies);
            long others = db.read(c -> Sql.count(c, "SELECT COUNT(*) FROM report_other_policy WHERE report_domain = ?",
                    domains.get(0)));
            assertTrue(others > 0, "the biggest domain's reports name other domains' policies: " + others);
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

    /**
     * The policies seen as the raw rows give them (the query before V16): those naming the domain and the others of
     * the reports sent for it, grouped, the most recently seen first.
     */
    static List<SeenPolicy> rawPolicies(Connection c, String domain, Period period, Visibility v)
            throws SQLException {
        String rows = "SELECT p.domain, p.policy_type, p.policy_string, p.mx_host, r.organization_name, r.utc_day "
                + "FROM policy p JOIN report r ON r.id = p.report_id WHERE p.domain = ? AND r.utc_day BETWEEN ? AND ?"
                + v.sql("r") + " UNION ALL SELECT p.domain, p.policy_type, p.policy_string, p.mx_host, "
                + "r.organization_name, r.utc_day FROM report r JOIN policy p ON p.report_id = r.id "
                + "WHERE r.report_domain = ? AND r.utc_day BETWEEN ? AND ?" + v.sql("r") + " AND p.domain <> ?";
        List<SeenPolicy> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT domain, policy_type, policy_string, mx_host, "
                + "organization_name, COUNT(*), MIN(utc_day), MAX(utc_day) FROM (" + rows + ") s GROUP BY domain, "
                + "policy_type, policy_string, mx_host, organization_name ORDER BY MAX(utc_day) DESC, domain, "
                + "organization_name, policy_type, policy_string, mx_host")) {
            Sql.bind(ps, domain, period.from(), period.to(), domain, period.from(), period.to(), domain);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new SeenPolicy(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getLong(6), rs.getObject(7, LocalDate.class),
                            rs.getObject(8, LocalDate.class)));
                }
            }
        }
        return out;
    }

    private static String one(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            assertTrue(rs.next(), sql);
            return rs.getString(1);
        }
    }
}
