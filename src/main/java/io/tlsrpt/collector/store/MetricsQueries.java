package io.tlsrpt.collector.store;

import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The figures behind {@code GET /prometheus} that live in the database: totals since the first message, so that
 * they only grow (Prometheus counters), and sessions per policy domain with the number of domains bounded.
 */
@Singleton
public final class MetricsQueries {
    /** The label that sums the sessions of every policy domain outside the biggest. */
    public static final String OTHER_DOMAINS = "_other";
    /** The label of successful sessions in the result-type dimension. */
    public static final String SUCCESS = "success";
    /** The label of result types outside the known list (strangers may write any). */
    public static final String OTHER_RESULT = "other";
    private static final int IN_CHUNK = 500;

    private final Database db;

    public MetricsQueries(Database db) {
        this.db = db;
    }

    /** Sessions of one policy domain (or {@link #OTHER_DOMAINS}) with one result (or {@link #SUCCESS}). */
    public record SessionCount(String domain, String resultType, long sessions) {
    }

    /** Everything the endpoint reads from the database, read in one go. */
    public record Snapshot(Map<String, Long> messagesByChannel, Map<String, Long> quarantinedByCode,
                           long reportsStored, long duplicates, long messagesPending, long domains,
                           List<SessionCount> sessions, Map<String, Long> alertsByKind) {
    }

    /**
     * @param maxDomains  policy domains with their own series: the biggest by sessions (successful and failed) over
     *                    all time; the rest are summed under {@link #OTHER_DOMAINS}
     * @param knownResults result types kept as labels (lower case); any other is counted as {@link #OTHER_RESULT}
     */
    public Snapshot snapshot(int maxDomains, List<String> knownResults) {
        String resultLabel = resultLabel(knownResults);
        return db.read(c -> {
            Map<String, Long> channels = grouped(c, "SELECT channel, COUNT(*) FROM message GROUP BY channel");
            Map<String, Long> codes = grouped(c, "SELECT code, COUNT(DISTINCT message_id) FROM quarantine GROUP BY code");
            long reports = Sql.count(c, "SELECT COALESCE(SUM(reports), 0) FROM daily_report");
            long duplicates = Sql.count(c, "SELECT COUNT(*) FROM report_duplicate");
            long pending = Sql.count(c, "SELECT COUNT(*) FROM message WHERE state = ?", MessageStore.RECEIVED);
            long domains = Sql.count(c, "SELECT COUNT(*) FROM domain_total WHERE view_mode = 0");
            List<SessionCount> sessions = sessions(c, maxDomains, domains, resultLabel);
            Map<String, Long> alerts = grouped(c, "SELECT kind, COUNT(*) FROM alert GROUP BY kind");
            return new Snapshot(channels, codes, reports, duplicates, pending, domains, sessions, alerts);
        });
    }

    private static List<SessionCount> sessions(Connection c, int maxDomains, long domainCount, String resultLabel)
            throws SQLException {
        List<SessionCount> out = new ArrayList<>();
        Map<String, Long> topSuccess = new LinkedHashMap<>();
        if (maxDomains > 0) {
            // A policy domain literally named "_other" (strangers write domains) is summed with the rest, so that
            // no two series have the same labels.
            try (PreparedStatement ps = c.prepareStatement("SELECT domain, successful FROM domain_total "
                    + "WHERE view_mode = 0 AND domain <> ? ORDER BY successful + failed DESC, domain "
                    + "FETCH FIRST ? ROWS ONLY")) {
                Sql.bind(ps, OTHER_DOMAINS, maxDomains);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        topSuccess.put(rs.getString(1), rs.getLong(2));
                    }
                }
            }
        }
        // Failed sessions of the top domains by result type, in chunks so that no statement has too many parameters.
        Map<String, Map<String, Long>> topFailures = new LinkedHashMap<>();
        List<String> top = new ArrayList<>(topSuccess.keySet());
        for (int i = 0; i < top.size(); i += IN_CHUNK) {
            List<String> chunk = top.subList(i, Math.min(top.size(), i + IN_CHUNK));
            String in = String.join(",", Collections.nCopies(chunk.size(), "?"));
            try (PreparedStatement ps = c.prepareStatement("SELECT domain, rt, SUM(sessions) FROM (SELECT domain, "
                    + resultLabel + " AS rt, sessions FROM failure_group_total WHERE view_mode = 0 AND domain IN ("
                    + in + ")) t "
                    + "GROUP BY domain, rt")) {
                Sql.bind(ps, chunk.toArray());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        topFailures.computeIfAbsent(rs.getString(1), k -> new TreeMap<>())
                                .put(rs.getString(2), rs.getLong(3));
                    }
                }
            }
        }
        for (Map.Entry<String, Long> e : topSuccess.entrySet()) {
            out.add(new SessionCount(e.getKey(), SUCCESS, e.getValue()));
            topFailures.getOrDefault(e.getKey(), Map.of())
                    .forEach((rt, n) -> out.add(new SessionCount(e.getKey(), rt, n)));
        }
        if (domainCount > topSuccess.size()) {
            long success = Sql.count(c, "SELECT COALESCE(SUM(successful), 0) FROM domain_total WHERE view_mode = 0");
            Map<String, Long> failures = grouped(c, "SELECT rt, SUM(sessions) FROM (SELECT " + resultLabel
                    + " AS rt, sessions FROM failure_group_total WHERE view_mode = 0) t GROUP BY rt");
            long topOk = topSuccess.values().stream().mapToLong(Long::longValue).sum();
            out.add(new SessionCount(OTHER_DOMAINS, SUCCESS, Math.max(0, success - topOk)));
            for (Map.Entry<String, Long> e : new TreeMap<>(failures).entrySet()) {
                long inTop = topFailures.values().stream().mapToLong(m -> m.getOrDefault(e.getKey(), 0L)).sum();
                out.add(new SessionCount(OTHER_DOMAINS, e.getKey(), Math.max(0, e.getValue() - inTop)));
            }
        }
        return out;
    }

    /** A SQL expression mapping result_type to its lower-case form when known, else to {@link #OTHER_RESULT}. */
    private static String resultLabel(List<String> known) {
        List<String> literals = new ArrayList<>();
        for (String k : known) {
            String v = k.toLowerCase(Locale.ROOT);
            if (v.matches("[a-z0-9-]{1,64}")) { // our own constants; anything else is never put into SQL
                literals.add("'" + v + "'");
            }
        }
        if (literals.isEmpty()) {
            return "'" + OTHER_RESULT + "'";
        }
        return "CASE WHEN LOWER(result_type) IN (" + String.join(",", literals) + ") THEN LOWER(result_type) ELSE '"
                + OTHER_RESULT + "' END";
    }

    private static Map<String, Long> grouped(Connection c, String sql) throws SQLException {
        Map<String, Long> out = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.merge(String.valueOf(rs.getString(1)), rs.getLong(2), Long::sum);
            }
        }
        return out;
    }
}
