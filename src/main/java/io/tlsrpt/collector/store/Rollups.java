package io.tlsrpt.collector.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The daily roll-ups, changed in the transaction that stores or removes a report's rows, so that they always equal
 * the figures computed from those rows. Adding and removing use the same contributions with opposite signs.
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
        LocalDate day = report.day();
        Map<DomainKey, Sum> domains = new LinkedHashMap<>();
        Map<FailureKey, Sum> failures = new LinkedHashMap<>();
        for (PolicyRow p : report.policies()) {
            Sum d = domains.computeIfAbsent(new DomainKey(day, p.domain(), report.organizationName(),
                    report.authenticated(), report.foreignDomain()), k -> {
                Sum s = new Sum();
                s.reports = 1; // a report counts once per policy domain, however many policies name it
                return s;
            });
            d.successful += p.successful();
            d.failed += p.failed();
            for (FailureRow f : p.failures()) {
                Sum s = failures.computeIfAbsent(new FailureKey(day, p.domain(), p.policyType(), f.resultType(),
                        orEmpty(f.receivingMxNorm()), orEmpty(f.receivingIp()), orEmpty(f.sendingMtaIp()),
                        report.organizationName(), report.authenticated(), report.foreignDomain()), k -> new Sum());
                s.sessions += f.failedSessionCount();
                s.details += 1;
                if (s.shown == null) {
                    s.shown = f.receivingMxHostname();
                }
            }
        }
        // Rows are changed in the order of their keys, so that two transactions that change the same rows (two
        // instances, or processing and the retention purge) lock them in the same order and do not deadlock.
        for (Keyed<DomainKey> e : byKey(domains, k -> Sql.hash(k.day.toString(), k.domain, k.org,
                String.valueOf(k.authenticated), String.valueOf(k.foreign)))) {
            DomainKey k = e.k();
            Sum s = e.sum();
            String key = e.key();
            if (update(c, "UPDATE daily_domain SET reports = reports + ?, successful = successful + ?, "
                    + "failed = failed + ? WHERE group_key = ?", sign * s.reports, sign * s.successful,
                    sign * s.failed, key) == 0 && sign > 0) {
                insertOrUpdate(c, "INSERT INTO daily_domain (group_key, utc_day, domain, organization_name, reports, "
                                + "successful, failed, authenticated, foreign_domain) VALUES (?,?,?,?,?,?,?,?,?)",
                        new Object[]{key, k.day, k.domain, k.org, s.reports, s.successful, s.failed,
                                k.authenticated, k.foreign},
                        "UPDATE daily_domain SET reports = reports + ?, successful = successful + ?, "
                                + "failed = failed + ? WHERE group_key = ?",
                        new Object[]{s.reports, s.successful, s.failed, key});
            }
        }
        for (Keyed<FailureKey> e : byKey(failures, k -> Sql.hash(k.day.toString(), k.domain, k.policyType,
                k.resultType, k.mx, k.receivingIp, k.sendingIp, k.org, String.valueOf(k.authenticated),
                String.valueOf(k.foreign)))) {
            FailureKey k = e.k();
            Sum s = e.sum();
            String key = e.key();
            String up = "UPDATE daily_failure SET sessions = sessions + ?, details = details + ? WHERE group_key = ?";
            if (update(c, up, sign * s.sessions, sign * s.details, key) == 0 && sign > 0) {
                insertOrUpdate(c, "INSERT INTO daily_failure (group_key, utc_day, domain, policy_type, result_type, "
                                + "receiving_mx, receiving_mx_shown, receiving_ip, sending_mta_ip, organization_name, "
                                + "sessions, details, authenticated, foreign_domain) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                        new Object[]{key, k.day, k.domain, k.policyType, k.resultType, k.mx, s.shown, k.receivingIp,
                                k.sendingIp, k.org, s.sessions, s.details, k.authenticated, k.foreign},
                        up, new Object[]{s.sessions, s.details, key});
            }
        }
        if (sign < 0) {
            update(c, "DELETE FROM daily_domain WHERE reports <= 0 AND utc_day = ?", day);
            update(c, "DELETE FROM daily_failure WHERE details <= 0 AND utc_day = ?", day);
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

    /**
     * Inserts a roll-up row; when another transaction inserted the same key in between (two instances on one
     * PostgreSQL), falls back to the update. The savepoint keeps PostgreSQL's transaction usable after the
     * failed insert.
     */
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
