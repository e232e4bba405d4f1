package io.tlsrpt.collector.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The daily roll-ups, changed in the transaction that stores or removes a report's rows, so that they always equal
 * the figures computed from those rows. Adding and removing use the same contributions with opposite signs.
 *
 * <p>A {@link Delta} sums the contributions of any number of reports of one transaction per roll-up row and changes
 * each row once ({@link Delta#apply}), in the order of the row keys, with JDBC batches: storing many reports in one
 * transaction (import, the benchmark seeder) costs one statement per roll-up row, not one per report and row.
 * Removing reads the contributions of the stored rows with SQL aggregates ({@link Delta#subtractStored}), so that
 * its memory grows with the number of roll-up rows touched, not with the failure details of a huge report.
 */
final class Rollups {
    private Rollups() {
    }

    private record DomainKey(LocalDate day, String domain, String org, boolean authenticated, boolean foreign) {
    }

    private record FailureKey(LocalDate day, String domain, String policyType, String resultType, String mx,
                              String receivingIp, String sendingIp, String org, boolean authenticated,
                              boolean foreign) {
    }

    private static final class Sum {
        long reports;
        long successful;
        long failed;
        long sessions;
        long details;
        String shown;
    }

    /** Adds (sign 1) or removes (sign -1) what the report contributes. */
    static void apply(Connection c, ReportRow report, int sign) throws SQLException {
        Delta d = new Delta();
        d.add(report, sign);
        d.apply(c);
    }

    /** Summed changes of roll-up rows, applied once per row. */
    static final class Delta {
        private final Map<DomainKey, Sum> domains = new HashMap<>();
        private final Map<FailureKey, Sum> failures = new HashMap<>();

        boolean isEmpty() {
            return domains.isEmpty() && failures.isEmpty();
        }

        /** Adds (sign 1) or removes (sign -1) what the report contributes. */
        void add(ReportRow report, int sign) {
            LocalDate day = report.day();
            java.util.Set<String> counted = new java.util.HashSet<>();
            for (PolicyRow p : report.policies()) {
                Sum d = domains.computeIfAbsent(new DomainKey(day, p.domain(), report.organizationName(),
                        report.authenticated(), report.foreignDomain()), k -> new Sum());
                if (counted.add(p.domain())) {
                    d.reports += sign; // a report counts once per policy domain, however many policies name it
                }
                d.successful += sign * p.successful();
                d.failed += sign * p.failed();
                for (FailureRow f : p.failures()) {
                    Sum s = failures.computeIfAbsent(new FailureKey(day, p.domain(), p.policyType(), f.resultType(),
                            orEmpty(f.receivingMxNorm()), orEmpty(f.receivingIp()), orEmpty(f.sendingMtaIp()),
                            report.organizationName(), report.authenticated(), report.foreignDomain()),
                            k -> new Sum());
                    s.sessions += sign * f.failedSessionCount();
                    s.details += sign;
                    if (s.shown == null) {
                        s.shown = f.receivingMxHostname();
                    }
                }
            }
        }

        /**
         * Subtracts what the stored reports selected by {@code reportWhere} (a condition on {@code r}, the report
         * table, with one parameter) contribute, computed from their rows with the same SQL aggregates that
         * RollupCheck compares the roll-ups with.
         */
        void subtractStored(Connection c, String reportWhere, Object arg) throws SQLException {
            try (PreparedStatement ps = c.prepareStatement("SELECT p.domain, r.utc_day, r.organization_name, "
                    + "r.authenticated, r.foreign_domain, COUNT(DISTINCT r.id), SUM(COALESCE(p.total_successful, 0)), "
                    + "SUM(COALESCE(p.total_failure, 0)) FROM policy p JOIN report r ON r.id = p.report_id WHERE "
                    + reportWhere + " GROUP BY p.domain, r.utc_day, r.organization_name, r.authenticated, "
                    + "r.foreign_domain")) {
                Sql.bind(ps, arg);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Sum s = domains.computeIfAbsent(new DomainKey(Sql.date(rs, "utc_day"), rs.getString(1),
                                rs.getString(3), rs.getBoolean(4), rs.getBoolean(5)), k -> new Sum());
                        s.reports -= rs.getLong(6);
                        s.successful -= rs.getLong(7);
                        s.failed -= rs.getLong(8);
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT p.domain, r.utc_day, p.policy_type, f.result_type, "
                    + "COALESCE(f.receiving_mx_norm, '') AS mx, COALESCE(f.receiving_ip, '') AS rip, "
                    + "COALESCE(f.sending_mta_ip, '') AS sip, r.organization_name, r.authenticated, r.foreign_domain, "
                    + "SUM(f.failed_session_count), COUNT(*) FROM failure_detail f JOIN policy p ON p.id = f.policy_id "
                    + "JOIN report r ON r.id = f.report_id WHERE " + reportWhere + " GROUP BY p.domain, r.utc_day, "
                    + "p.policy_type, f.result_type, COALESCE(f.receiving_mx_norm, ''), COALESCE(f.receiving_ip, ''), "
                    + "COALESCE(f.sending_mta_ip, ''), r.organization_name, r.authenticated, r.foreign_domain")) {
                Sql.bind(ps, arg);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Sum s = failures.computeIfAbsent(new FailureKey(Sql.date(rs, "utc_day"), rs.getString(1),
                                rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7),
                                rs.getString(8), rs.getBoolean(9), rs.getBoolean(10)), k -> new Sum());
                        s.sessions -= rs.getLong(11);
                        s.details -= rs.getLong(12);
                    }
                }
            }
        }

        /** Changes the roll-up rows and forgets the changes. */
        void apply(Connection c) throws SQLException {
            // Rows are changed in the order of their keys, so that two transactions that change the same rows (two
            // instances, or processing and the retention purge) lock them in the same order and do not deadlock.
            List<Keyed<DomainKey>> ds = byKey(domains, k -> Sql.hash(k.day.toString(), k.domain, k.org,
                    String.valueOf(k.authenticated), String.valueOf(k.foreign)));
            applyRows(c, ds, "UPDATE daily_domain SET reports = reports + ?, successful = successful + ?, "
                            + "failed = failed + ? WHERE group_key = ?",
                    e -> new Object[]{e.sum.reports, e.sum.successful, e.sum.failed, e.key},
                    e -> e.sum.reports > 0,
                    "INSERT INTO daily_domain (group_key, utc_day, domain, organization_name, reports, successful, "
                            + "failed, authenticated, foreign_domain) VALUES (?,?,?,?,?,?,?,?,?)",
                    e -> new Object[]{e.key, e.k.day, e.k.domain, e.k.org, e.sum.reports, e.sum.successful,
                            e.sum.failed, e.k.authenticated, e.k.foreign},
                    e -> e.sum.reports < 0,
                    "DELETE FROM daily_domain WHERE group_key = ? AND reports <= 0");
            List<Keyed<FailureKey>> fs = byKey(failures, k -> Sql.hash(k.day.toString(), k.domain, k.policyType,
                    k.resultType, k.mx, k.receivingIp, k.sendingIp, k.org, String.valueOf(k.authenticated),
                    String.valueOf(k.foreign)));
            applyRows(c, fs, "UPDATE daily_failure SET sessions = sessions + ?, details = details + ? "
                            + "WHERE group_key = ?",
                    e -> new Object[]{e.sum.sessions, e.sum.details, e.key},
                    e -> e.sum.details > 0,
                    "INSERT INTO daily_failure (group_key, utc_day, domain, policy_type, result_type, receiving_mx, "
                            + "receiving_mx_shown, receiving_ip, sending_mta_ip, organization_name, sessions, details, "
                            + "authenticated, foreign_domain) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    e -> new Object[]{e.key, e.k.day, e.k.domain, e.k.policyType, e.k.resultType, e.k.mx, e.sum.shown,
                            e.k.receivingIp, e.k.sendingIp, e.k.org, e.sum.sessions, e.sum.details, e.k.authenticated,
                            e.k.foreign},
                    e -> e.sum.details < 0,
                    "DELETE FROM daily_failure WHERE group_key = ? AND details <= 0");
            domains.clear();
            failures.clear();
        }
    }

    /** Batch size of roll-up statements. */
    private static final int BATCH = 500;

    /**
     * Updates every row; inserts those not there yet that the change creates (a positive count); deletes those the
     * change empties. A row that another transaction inserted between our update and our insert (two instances on
     * one PostgreSQL) is updated instead: the savepoint keeps PostgreSQL's transaction usable after the failed insert.
     */
    private static <K> void applyRows(Connection c, List<Keyed<K>> rows, String update,
                                      Function<Keyed<K>, Object[]> updateValues,
                                      java.util.function.Predicate<Keyed<K>> creates, String insert,
                                      Function<Keyed<K>, Object[]> insertValues,
                                      java.util.function.Predicate<Keyed<K>> mayEmpty, String delete)
            throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        List<Keyed<K>> missing = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(update)) {
            for (int from = 0; from < rows.size(); from += BATCH) {
                List<Keyed<K>> chunk = rows.subList(from, Math.min(rows.size(), from + BATCH));
                for (Keyed<K> e : chunk) {
                    Sql.bind(ps, updateValues.apply(e));
                    ps.addBatch();
                }
                int[] counts = ps.executeBatch();
                for (int i = 0; i < counts.length; i++) {
                    if (counts[i] == 0 && creates.test(chunk.get(i))) {
                        missing.add(chunk.get(i));
                    }
                }
            }
        }
        if (!missing.isEmpty()) {
            var savepoint = c.setSavepoint();
            try (PreparedStatement ps = c.prepareStatement(insert)) {
                for (Keyed<K> e : missing) {
                    Sql.bind(ps, insertValues.apply(e));
                    ps.addBatch();
                }
                ps.executeBatch();
                c.releaseSavepoint(savepoint);
            } catch (SQLException e) {
                if (!Sql.isUniqueViolation(e)) {
                    throw e;
                }
                c.rollback(savepoint);
                for (Keyed<K> row : missing) {
                    insertOrUpdate(c, insert, insertValues.apply(row), update, updateValues.apply(row));
                }
            }
        }
        List<Keyed<K>> emptied = rows.stream().filter(mayEmpty).toList();
        if (!emptied.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement(delete)) {
                for (Keyed<K> e : emptied) {
                    Sql.bind(ps, e.key);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
    }

    private record Keyed<K>(String key, K k, Sum sum) {
    }

    /** The groups with their row keys, in the order of the keys. */
    private static <K> List<Keyed<K>> byKey(Map<K, Sum> groups, Function<K, String> key) {
        List<Keyed<K>> list = new ArrayList<>(groups.size());
        groups.forEach((k, s) -> list.add(new Keyed<>(key.apply(k), k, s)));
        list.sort(Comparator.comparing(Keyed::key));
        return list;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static int update(Connection c, String sql, Object... values) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            Sql.bind(ps, values);
            return ps.executeUpdate();
        }
    }

    /** Inserts a roll-up row, or updates it when another transaction inserted the same key in between. */
    private static void insertOrUpdate(Connection c, String insert, Object[] insertValues, String update,
                                       Object[] updateValues) throws SQLException {
        var savepoint = c.setSavepoint();
        try {
            update(c, insert, insertValues);
            c.releaseSavepoint(savepoint);
        } catch (SQLException e) {
            if (!Sql.isUniqueViolation(e)) {
                throw e;
            }
            c.rollback(savepoint);
            update(c, update, updateValues);
        }
    }
}
