package io.tlsrpt.collector.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Fills the V6 roll-ups (failure groups per day, totals per view mode) from daily_failure and daily_domain, which
 * hold the same figures at a finer grain. Run once by the migration {@code V6_1__Fill_failure_groups}, in its
 * transaction; the tables are empty before it.
 */
public final class RollupBackfill {
    private static final int BATCH = 500;

    private RollupBackfill() {
    }

    public static void fill(Connection c) throws SQLException {
        fillOrganizationKeys(c);
        ProcessingWriter.exec(c, "INSERT INTO daily_report (utc_day, authenticated, foreign_domain, reports) SELECT utc_day, "
                + "authenticated, foreign_domain, COUNT(*) FROM report GROUP BY utc_day, authenticated, foreign_domain");
        insertGroups(c);
        ProcessingWriter.exec(c, "INSERT INTO failure_group_day (group_id, utc_day, authenticated, foreign_domain, sessions, "
                + "details) SELECT g.id, f.utc_day, f.authenticated, f.foreign_domain, SUM(f.sessions), "
                + "SUM(f.details) FROM daily_failure f JOIN failure_group g ON g.domain = f.domain "
                + "AND g.policy_type = f.policy_type AND g.result_type = f.result_type "
                + "AND g.receiving_mx = f.receiving_mx GROUP BY g.id, f.utc_day, f.authenticated, f.foreign_domain");
        for (int mode = 0; mode < 4; mode++) {
            String where = condition(mode);
            ProcessingWriter.exec(c, "INSERT INTO failure_group_total (view_mode, group_id, domain, result_type, sessions, "
                    + "details, first_day, last_day) SELECT " + mode + ", g.id, g.domain, g.result_type, "
                    + "SUM(d.sessions), SUM(d.details), MIN(d.utc_day), MAX(d.utc_day) "
                    + "FROM failure_group_day d JOIN failure_group g ON g.id = d.group_id WHERE "
                    + where.replace("$", "d.")
                    + " GROUP BY g.id, g.domain, g.result_type");
            ProcessingWriter.exec(c, "INSERT INTO domain_total (view_mode, domain, reports, successful, failed, first_day, "
                    + "last_day, reporters) SELECT " + mode + ", domain, SUM(reports), SUM(successful), SUM(failed), "
                    + "MIN(utc_day), MAX(utc_day), COUNT(DISTINCT organization_name) FROM daily_domain WHERE "
                    + where.replace("$", "") + " GROUP BY domain");
            insertReporters(c, mode, where.replace("$", ""));
        }
        for (String table : new String[]{"domain_total", "failure_group_total"}) {
            ProcessingWriter.exec(c, "UPDATE rollup_count SET row_count = (SELECT COUNT(*) FROM " + table + " t WHERE "
                    + "t.view_mode = rollup_count.view_mode) WHERE table_name = '" + table + "'");
        }
    }

    /**
     * Fills failure_group_reporter_day (schema V10, empty before) from daily_failure: the failure groups per reporter,
     * day and flags. Every daily_failure row written before V10 has its organization_key (V6_1 filled the older ones);
     * the rows written since leave it empty, and by then this table is kept by processing.
     */
    public static void fillReporterDays(Connection c) throws SQLException {
        ProcessingWriter.exec(c, "INSERT INTO failure_group_reporter_day (organization_key, utc_day, group_id, "
                + "authenticated, foreign_domain, sessions, details) SELECT f.organization_key, f.utc_day, g.id, "
                + "f.authenticated, f.foreign_domain, SUM(f.sessions), SUM(f.details) FROM daily_failure f "
                + "JOIN failure_group g ON g.domain = f.domain AND g.policy_type = f.policy_type "
                + "AND g.result_type = f.result_type AND g.receiving_mx = f.receiving_mx "
                + "GROUP BY f.organization_key, f.utc_day, g.id, f.authenticated, f.foreign_domain");
    }

    /** The condition of a view mode (Visibility.modesOf) over a table whose flag columns are prefixed by "$". */
    private static String condition(int mode) {
        return "1 = 1" + ((mode & 1) != 0 ? " AND $authenticated = TRUE" : "")
                + ((mode & 2) != 0 ? " AND $foreign_domain = FALSE" : "");
    }

    private static void fillOrganizationKeys(Connection c) throws SQLException {
        java.util.List<String> names = new java.util.ArrayList<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT DISTINCT organization_name FROM daily_failure "
                     + "WHERE organization_key IS NULL")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE daily_failure SET organization_key = ? "
                + "WHERE organization_name = ? AND organization_key IS NULL")) {
            for (String name : names) {
                Sql.bind(ps, Rollups.organizationKey(name), name);
                ps.executeUpdate();
            }
        }
    }

    private static void insertGroups(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT domain, policy_type, result_type, receiving_mx, "
                     + "MIN(receiving_mx_shown) FROM daily_failure GROUP BY domain, policy_type, result_type, "
                     + "receiving_mx");
             PreparedStatement ps = c.prepareStatement("INSERT INTO failure_group (group_key, domain, policy_type, "
                     + "result_type, receiving_mx, receiving_mx_shown) VALUES (?,?,?,?,?,?)")) {
            int n = 0;
            while (rs.next()) {
                FailureGroups.Group g = new FailureGroups.Group(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getString(4));
                Sql.bind(ps, g.key(), g.domain(), g.policyType(), g.resultType(), g.receivingMx(), rs.getString(5));
                ps.addBatch();
                if (++n % BATCH == 0) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
        }
    }

    /**
     * Fills failure_group_result_count (schema V15, empty before) from failure_group_total: a few rows per view mode,
     * one per result type, keyed by its hash ({@link Rollups#resultKey}).
     */
    public static void fillResultCounts(Connection c) throws SQLException {
        List<Object[]> rows = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT view_mode, result_type, "
                + "COUNT(*) FROM failure_group_total GROUP BY view_mode, result_type")) {
            while (rs.next()) {
                rows.add(new Object[]{rs.getInt(1), Rollups.resultKey(rs.getString(2)), rs.getLong(3)});
            }
        }
        for (Object[] row : rows) {
            ProcessingWriter.exec(c, "INSERT INTO failure_group_result_count (view_mode, result_key, groups) "
                    + "VALUES (?, ?, ?)", row);
        }
    }

    /**
     * Sets domain_reporter_total.last_day (schema V13; {@link #fill}, run by V6_1, cannot: the column comes later)
     * from daily_domain: one grouped read of daily_domain, then one
     * update per row, in batches.
     */
    public static void fillReporterLastDays(Connection c) throws SQLException {
        for (int mode = 0; mode < 4; mode++) {
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT domain, organization_name, MAX(utc_day) FROM daily_domain "
                         + "WHERE " + condition(mode).replace("$", "") + " GROUP BY domain, organization_name");
                 PreparedStatement ps = c.prepareStatement("UPDATE domain_reporter_total SET last_day = ? "
                         + "WHERE view_mode = ? AND reporter_key = ?")) {
                int n = 0;
                while (rs.next()) {
                    Sql.bind(ps, rs.getObject(3, java.time.LocalDate.class), mode, Sql.hash(rs.getString(1),
                            rs.getString(2)));
                    ps.addBatch();
                    if (++n % BATCH == 0) {
                        ps.executeBatch();
                    }
                }
                ps.executeBatch();
            }
        }
    }

    private static void insertReporters(Connection c, int mode, String where) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT domain, organization_name, SUM(reports) FROM daily_domain WHERE "
                     + where + " GROUP BY domain, organization_name");
             PreparedStatement ps = c.prepareStatement("INSERT INTO domain_reporter_total (view_mode, reporter_key, "
                     + "domain, organization_name, reports) VALUES (?,?,?,?,?)")) {
            int n = 0;
            while (rs.next()) {
                Sql.bind(ps, mode, Sql.hash(rs.getString(1), rs.getString(2)), rs.getString(1), rs.getString(2),
                        rs.getLong(3));
                ps.addBatch();
                if (++n % BATCH == 0) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
        }
    }
}
