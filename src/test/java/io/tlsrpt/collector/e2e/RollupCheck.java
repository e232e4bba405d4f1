package io.tlsrpt.collector.e2e;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The daily roll-ups against the same figures computed with SQL from the raw rows (report, policy, failure_detail),
 * group by group: every roll-up row must equal its raw group, and there must be no roll-up row without one.
 */
public final class RollupCheck {
    private RollupCheck() {
    }

    /** Sessions and reports per (domain, day, organisation, flags). */
    static final String DOMAIN_ROLLUP = "SELECT domain, utc_day, organization_name, authenticated, foreign_domain, "
            + "reports, successful, failed FROM daily_domain";
    static final String DOMAIN_RAW = "SELECT p.domain, r.utc_day, r.organization_name, r.authenticated, "
            + "r.foreign_domain, COUNT(DISTINCT r.id), SUM(COALESCE(p.total_successful, 0)), "
            + "SUM(COALESCE(p.total_failure, 0)) FROM policy p JOIN report r ON r.id = p.report_id "
            + "GROUP BY p.domain, r.utc_day, r.organization_name, r.authenticated, r.foreign_domain";

    /** Failed sessions and failure details per (domain, day, policy type, result type, MX, IPs, organisation, flags). */
    static final String FAILURE_ROLLUP = "SELECT domain, utc_day, policy_type, result_type, receiving_mx, "
            + "receiving_ip, sending_mta_ip, organization_name, authenticated, foreign_domain, sessions, details "
            + "FROM daily_failure";
    static final String FAILURE_RAW = "SELECT p.domain, r.utc_day, p.policy_type, f.result_type, "
            + "COALESCE(f.receiving_mx_norm, ''), COALESCE(f.receiving_ip, ''), COALESCE(f.sending_mta_ip, ''), "
            + "r.organization_name, r.authenticated, r.foreign_domain, SUM(f.failed_session_count), COUNT(*) "
            + "FROM failure_detail f JOIN policy p ON p.id = f.policy_id JOIN report r ON r.id = f.report_id "
            + "GROUP BY p.domain, r.utc_day, p.policy_type, f.result_type, COALESCE(f.receiving_mx_norm, ''), "
            + "COALESCE(f.receiving_ip, ''), COALESCE(f.sending_mta_ip, ''), r.organization_name, r.authenticated, "
            + "r.foreign_domain";

    /** Failed sessions and failure details per (group: domain, policy type, result type, MX; day; flags). */
    static final String GROUP_DAY_ROLLUP = "SELECT g.domain, d.utc_day, g.policy_type, g.result_type, g.receiving_mx, "
            + "d.authenticated, d.foreign_domain, d.sessions, d.details FROM failure_group_day d "
            + "JOIN failure_group g ON g.id = d.group_id";
    static final String GROUP_DAY_RAW = "SELECT p.domain, r.utc_day, p.policy_type, f.result_type, "
            + "COALESCE(f.receiving_mx_norm, ''), r.authenticated, r.foreign_domain, SUM(f.failed_session_count), "
            + "COUNT(*) FROM failure_detail f JOIN policy p ON p.id = f.policy_id JOIN report r ON r.id = f.report_id "
            + "GROUP BY p.domain, r.utc_day, p.policy_type, f.result_type, COALESCE(f.receiving_mx_norm, ''), "
            + "r.authenticated, r.foreign_domain";

    /** The same per reporter (failure_group_reporter_day: the reporter by the SHA-256 of its name). */
    static final String REPORTER_DAY_ROLLUP = "SELECT d.organization_key, g.domain, d.utc_day, g.policy_type, "
            + "g.result_type, g.receiving_mx, d.authenticated, d.foreign_domain, d.sessions, d.details "
            + "FROM failure_group_reporter_day d JOIN failure_group g ON g.id = d.group_id";
    static final String REPORTER_DAY_RAW = "SELECT r.organization_name, p.domain, r.utc_day, p.policy_type, "
            + "f.result_type, COALESCE(f.receiving_mx_norm, ''), r.authenticated, r.foreign_domain, "
            + "SUM(f.failed_session_count), COUNT(*) FROM failure_detail f JOIN policy p ON p.id = f.policy_id "
            + "JOIN report r ON r.id = f.report_id GROUP BY r.organization_name, p.domain, r.utc_day, p.policy_type, "
            + "f.result_type, COALESCE(f.receiving_mx_norm, ''), r.authenticated, r.foreign_domain";

    /**
     * The reporter's key as schema V10 defines it, computed here on its own: SHA-256 over the name's UTF-8 bytes
     * prefixed by their length and a colon. Keys are stored, so the way they are computed must never change.
     */
    static String reporterKey(String organizationName) {
        byte[] name = organizationName.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            sha.update((name.length + ":").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            sha.update(name);
            return java.util.HexFormat.of().formatHex(sha.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The same per group over everything, for one view mode (appended). */
    static final String GROUP_TOTAL_ROLLUP = "SELECT g.domain, g.policy_type, g.result_type, g.receiving_mx, "
            + "t.sessions, t.details, t.first_day, t.last_day FROM failure_group_total t "
            + "JOIN failure_group g ON g.id = t.group_id "
            + "WHERE t.domain = g.domain AND t.result_type = g.result_type AND t.view_mode = ";

    static String groupTotalRaw(String where) {
        return "SELECT p.domain, p.policy_type, f.result_type, COALESCE(f.receiving_mx_norm, ''), "
                + "SUM(f.failed_session_count), COUNT(*), MIN(r.utc_day), MAX(r.utc_day) FROM failure_detail f "
                + "JOIN policy p ON p.id = f.policy_id JOIN report r ON r.id = f.report_id" + where
                + " GROUP BY p.domain, p.policy_type, f.result_type, "
                + "COALESCE(f.receiving_mx_norm, '')";
    }

    /** Reports and sessions per domain over everything, for one view mode (appended). */
    static final String DOMAIN_TOTAL_ROLLUP = "SELECT domain, reports, successful, failed, first_day, last_day, "
            + "reporters "
            + "FROM domain_total "
            + "WHERE view_mode = ";

    static String domainTotalRaw(String where) {
        return "SELECT p.domain, COUNT(DISTINCT r.id), SUM(COALESCE(p.total_successful, 0)), "
                + "SUM(COALESCE(p.total_failure, 0)), MIN(r.utc_day), MAX(r.utc_day), "
                + "COUNT(DISTINCT r.organization_name) FROM policy p "
                + "JOIN report r ON r.id = p.report_id" + where + " GROUP BY p.domain";
    }

    /** Reports per domain and reporter over everything, for one view mode (appended). */
    static final String REPORTER_TOTAL_ROLLUP = "SELECT domain, organization_name, reports, last_day "
            + "FROM domain_reporter_total "
            + "WHERE view_mode = ";

    static String reporterTotalRaw(String where) {
        return "SELECT p.domain, r.organization_name, COUNT(DISTINCT r.id), MAX(r.utc_day) FROM policy p "
                + "JOIN report r ON r.id = p.report_id" + where + " GROUP BY p.domain, r.organization_name";
    }

    /**
     * Asserts that every roll-up group equals its raw group; answers the number of groups compared. Everything is
     * read in one repeatable-read transaction, on PostgreSQL one snapshot, so that a job that commits meanwhile (the
     * settled sums' rebuild 5 s after start) cannot make two reads disagree (seen on PostgreSQL: the settled window
     * read as absent, then the reporters' settled sums read as there).
     */
    public static int assertRollupsEqualRawRows(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                return compare(c);
            } finally {
                c.rollback();
            }
        }
    }

    private static int compare(Connection c) throws SQLException {
        Map<String, String> domainRollup = groups(c, DOMAIN_ROLLUP, 5);
        Map<String, String> domainRaw = groups(c, DOMAIN_RAW, 5);
        assertEquals(domainRaw, domainRollup, "daily_domain against the raw rows");
        Map<String, String> failureRollup = groups(c, FAILURE_ROLLUP, 10);
        Map<String, String> failureRaw = groups(c, FAILURE_RAW, 10);
        assertEquals(failureRaw, failureRollup, "daily_failure against the raw rows");
        int compared = domainRaw.size() + failureRaw.size();
        Map<String, String> reportDaysRaw = groups(c, "SELECT utc_day, authenticated, foreign_domain, COUNT(*) "
                + "FROM report GROUP BY utc_day, authenticated, foreign_domain", 3);
        assertEquals(reportDaysRaw, groups(c, "SELECT utc_day, authenticated, foreign_domain, reports "
                + "FROM daily_report", 3), "daily_report against the report rows");
        compared += reportDaysRaw.size();
        Map<String, String> groupDayRaw = groups(c, GROUP_DAY_RAW, 7);
        assertEquals(groupDayRaw, groups(c, GROUP_DAY_ROLLUP, 7), "failure_group_day against the raw rows");
        compared += groupDayRaw.size();
        Map<String, String> reporterDayRaw = new TreeMap<>();
        for (Map.Entry<String, String> e : groups(c, REPORTER_DAY_RAW, 8).entrySet()) {
            int bar = e.getKey().indexOf(" | ");
            reporterDayRaw.put(reporterKey(e.getKey().substring(0, bar)) + e.getKey().substring(bar), e.getValue());
        }
        assertEquals(reporterDayRaw, groups(c, REPORTER_DAY_ROLLUP, 8),
                "failure_group_reporter_day against the raw rows");
        compared += reporterDayRaw.size();
        // domain_report (V12): one row per report and domain it was sent for or names in a policy, with the
        // report's day and flags; the raw side as the report list selected it before V12
        Map<String, String> domainReportRaw = groups(c, "SELECT m.domain, r.id, r.utc_day, r.authenticated, "
                + "r.foreign_domain FROM (SELECT id AS report_id, report_domain AS domain FROM report WHERE "
                + "report_domain IS NOT NULL UNION SELECT report_id, domain FROM policy) m JOIN report r "
                + "ON r.id = m.report_id", 5);
        assertEquals(domainReportRaw, groups(c, "SELECT domain, report_id, utc_day, authenticated, "
                + "foreign_domain FROM domain_report", 5), "domain_report against the report and policy rows");
        compared += domainReportRaw.size();
        // report_other_policy (V16): one row per policy naming another domain than its report was sent for
        Map<String, String> otherPolicyRaw = groups(c, "SELECT r.report_domain, p.id, r.utc_day, r.id, "
                + "r.authenticated, r.foreign_domain FROM report r JOIN policy p ON p.report_id = r.id WHERE "
                + "r.report_domain IS NOT NULL AND p.domain IS NOT NULL AND p.domain <> r.report_domain", 6);
        assertEquals(otherPolicyRaw, groups(c, "SELECT report_domain, policy_id, utc_day, report_id, "
                + "authenticated, foreign_domain FROM report_other_policy", 6),
                "report_other_policy against the report and policy rows");
        compared += otherPolicyRaw.size();
        String[] settled = settledDays(c);
        for (int mode = 0; mode < 4; mode++) {
            String where = " WHERE 1 = 1" + ((mode & 1) != 0 ? " AND r.authenticated = TRUE" : "")
                    + ((mode & 2) != 0 ? " AND r.foreign_domain = FALSE" : "");
            if (settled != null) { // V13: the sums of the settled days of the default period
                String inWindow = where + " AND r.utc_day BETWEEN DATE '" + settled[0] + "' AND DATE '"
                        + settled[1] + "'";
                Map<String, String> groupSettledRaw = groups(c, groupTotalRaw(inWindow), 4);
                assertEquals(groupSettledRaw, groups(c, "SELECT g.domain, g.policy_type, g.result_type, "
                        + "g.receiving_mx, s.sessions, s.details, s.first_day, s.last_day FROM "
                        + "failure_group_settled s JOIN failure_group g ON g.id = s.group_id WHERE s.view_mode = "
                        + mode, 4), "failure_group_settled, view mode " + mode + ", against the raw rows");
                Map<String, String> domainSettledRaw = groups(c, "SELECT p.domain, COUNT(DISTINCT r.id), "
                        + "SUM(COALESCE(p.total_successful, 0)), SUM(COALESCE(p.total_failure, 0)), "
                        + "MAX(r.utc_day) FROM policy p JOIN report r ON r.id = p.report_id" + inWindow
                        + " GROUP BY p.domain", 1);
                assertEquals(domainSettledRaw, groups(c, "SELECT domain, reports, successful, failed, last_day "
                        + "FROM domain_settled WHERE view_mode = " + mode, 1),
                        "domain_settled, view mode " + mode + ", against the raw rows");
                compared += groupSettledRaw.size() + domainSettledRaw.size();
                // V14: per reporter and group over every day up to the last settled day
                Map<String, String> reporterSettledRaw = new TreeMap<>();
                for (Map.Entry<String, String> e : groups(c, "SELECT r.organization_name, p.domain, "
                        + "p.policy_type, f.result_type, COALESCE(f.receiving_mx_norm, ''), "
                        + "SUM(f.failed_session_count), COUNT(*), MIN(r.utc_day), MAX(r.utc_day) FROM "
                        + "failure_detail f JOIN policy p ON p.id = f.policy_id JOIN report r ON r.id = f.report_id"
                        + where + " AND r.utc_day <= DATE '" + settled[1] + "' GROUP BY r.organization_name, "
                        + "p.domain, p.policy_type, f.result_type, COALESCE(f.receiving_mx_norm, '')", 5)
                        .entrySet()) {
                    int bar = e.getKey().indexOf(" | ");
                    reporterSettledRaw.put(reporterKey(e.getKey().substring(0, bar)) + e.getKey().substring(bar),
                            e.getValue());
                }
                assertEquals(reporterSettledRaw, groups(c, "SELECT s.organization_key, g.domain, g.policy_type, "
                        + "g.result_type, g.receiving_mx, s.sessions, s.details, s.first_day, s.last_day FROM "
                        + "failure_group_reporter_settled s JOIN failure_group g ON g.id = s.group_id "
                        + "WHERE s.view_mode = " + mode, 5),
                        "failure_group_reporter_settled, view mode " + mode + ", against the raw rows");
                compared += reporterSettledRaw.size();
            } else {
                assertEquals(0, scalar(c, "SELECT COUNT(*) FROM failure_group_reporter_settled"),
                        "no reporters' settled sums without a settled window");
            }
            Map<String, String> groupRaw = groups(c, groupTotalRaw(where), 4);
            assertEquals(groupRaw, groups(c, GROUP_TOTAL_ROLLUP + mode, 4),
                    "failure_group_total, view mode " + mode + ", against the raw rows");
            Map<String, String> domainTotalRaw = groups(c, domainTotalRaw(where), 1);
            assertEquals(domainTotalRaw, groups(c, DOMAIN_TOTAL_ROLLUP + mode, 1),
                    "domain_total, view mode " + mode + ", against the raw rows");
            Map<String, String> reporterRaw = groups(c, reporterTotalRaw(where), 2);
            assertEquals(reporterRaw, groups(c, REPORTER_TOTAL_ROLLUP + mode, 2),
                    "domain_reporter_total, view mode " + mode + ", against the raw rows");
            compared += groupRaw.size() + domainTotalRaw.size() + reporterRaw.size();
            // V15: the rows of failure_group_total per result type (keyed by the same hash as a reporter)
            Map<String, String> resultsRaw = new TreeMap<>();
            for (Map.Entry<String, String> e : groups(c, "SELECT result_type, COUNT(*) FROM failure_group_total "
                    + "WHERE view_mode = " + mode + " GROUP BY result_type", 1).entrySet()) {
                resultsRaw.put(reporterKey(e.getKey()), e.getValue());
            }
            assertEquals(resultsRaw, groups(c, "SELECT result_key, groups FROM failure_group_result_count "
                    + "WHERE view_mode = " + mode, 1), "failure_group_result_count, view mode " + mode);
            compared += resultsRaw.size();
            for (String table : List.of("failure_group_total", "domain_total")) {
                assertEquals(scalar(c, "SELECT COUNT(*) FROM " + table + " WHERE view_mode = " + mode),
                        scalar(c, "SELECT row_count FROM rollup_count WHERE table_name = '" + table
                                + "' AND view_mode = " + mode), "rollup_count of " + table + ", view mode " + mode);
            }
        }
        return compared;
    }

    /** The first and last settled day of the default period's sums (schema V13), or null before they are built. */
    private static String[] settledDays(Connection c) throws SQLException {
        try (var rs = c.createStatement().executeQuery("SELECT first_day, last_day FROM settled_window")) {
            return rs.next() ? new String[]{rs.getObject(1, java.time.LocalDate.class).toString(),
                    rs.getObject(2, java.time.LocalDate.class).toString()} : null;
        }
    }

    /** Per (domain, day): reports, successful and failed sessions, from the raw rows. */
    static Map<String, long[]> rawPerDomainDay(DataSource ds) throws SQLException {
        Map<String, long[]> out = new TreeMap<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT p.domain, r.utc_day, COUNT(DISTINCT r.id), SUM(COALESCE(p.total_successful, 0)), "
                        + "SUM(COALESCE(p.total_failure, 0)) FROM policy p JOIN report r ON r.id = p.report_id "
                        + "GROUP BY p.domain, r.utc_day"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1) + " " + rs.getObject(2, java.time.LocalDate.class),
                        new long[]{rs.getLong(3), rs.getLong(4), rs.getLong(5)});
            }
        }
        return out;
    }

    static long scalar(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection()) {
            return scalar(c, sql);
        }
    }

    private static long scalar(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Rows keyed by their first {@code keyColumns} columns (as text), valued by the rest. */
    private static Map<String, String> groups(Connection c, String sql, int keyColumns) throws SQLException {
        Map<String, String> out = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> key = new ArrayList<>();
                for (int i = 1; i <= keyColumns; i++) {
                    key.add(rs.getMetaData().getColumnType(i) == java.sql.Types.DATE
                            ? String.valueOf(rs.getObject(i, java.time.LocalDate.class))
                            : rs.getMetaData().getColumnType(i) == java.sql.Types.BOOLEAN
                            || rs.getMetaData().getColumnType(i) == java.sql.Types.BIT
                            ? String.valueOf(rs.getBoolean(i)) : rs.getString(i));
                }
                List<String> value = new ArrayList<>();
                for (int i = keyColumns + 1; i <= n; i++) {
                    value.add(rs.getMetaData().getColumnType(i) == java.sql.Types.DATE
                            ? String.valueOf(rs.getObject(i, java.time.LocalDate.class))
                            : String.valueOf(rs.getLong(i)));
                }
                String k = String.join(" | ", key);
                String previous = out.put(k, String.join(" ", value));
                if (previous != null) {
                    throw new AssertionError("two rows for one group " + k + " in: " + sql);
                }
            }
        }
        return out;
    }
}
