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
final class RollupCheck {
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

    /** Asserts that every roll-up group equals its raw group; answers the number of groups compared. */
    static int assertRollupsEqualRawRows(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection()) {
            Map<String, String> domainRollup = groups(c, DOMAIN_ROLLUP, 5);
            Map<String, String> domainRaw = groups(c, DOMAIN_RAW, 5);
            assertEquals(domainRaw, domainRollup, "daily_domain against the raw rows");
            Map<String, String> failureRollup = groups(c, FAILURE_ROLLUP, 10);
            Map<String, String> failureRaw = groups(c, FAILURE_RAW, 10);
            assertEquals(failureRaw, failureRollup, "daily_failure against the raw rows");
            return domainRaw.size() + failureRaw.size();
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
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
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
                    key.add(i == 2 ? String.valueOf(rs.getObject(i, java.time.LocalDate.class))
                            : rs.getMetaData().getColumnType(i) == java.sql.Types.BOOLEAN
                            || rs.getMetaData().getColumnType(i) == java.sql.Types.BIT
                            ? String.valueOf(rs.getBoolean(i)) : rs.getString(i));
                }
                List<String> value = new ArrayList<>();
                for (int i = keyColumns + 1; i <= n; i++) {
                    value.add(String.valueOf(rs.getLong(i)));
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
