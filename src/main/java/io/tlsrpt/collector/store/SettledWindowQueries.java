package io.tlsrpt.collector.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The domain list and the failure list over a period that starts on the settled window's first day and ends on or
 * after its last day (the dashboard's default period): the settled sums (schema V13) ranked, plus the sums of the
 * days after them, read from the day roll-ups. Empty when the window does not serve the period; the caller then sums
 * the days.
 *
 * <p>The first {@code n} rows of the merged ranking are among the first {@code n} settled rows, their ties, and the
 * rows with days after the window: a row with none of those days keeps its settled sum, and at least {@code n} rows
 * rank before it already by their settled sums, which the later days only raise (session counts are never negative,
 * RFC 8460 §4.4 and the parser). So a page reads {@code offset + limit} settled rows from the rank index and one
 * day's worth of day rows, not the period's.
 *
 * <p>Rows with the same count are ordered by their key in Java's order (code points; domains are ASCII), which is
 * H2's and that of PostgreSQL's "C" collation.
 */
final class SettledWindowQueries {
    private SettledWindowQueries() {
    }

    /** Summed figures of a row: {@code rank} orders (failed sessions), the others are shown. */
    record Sums(long rank, long second, long third, LocalDate firstDay, LocalDate lastDay) {
        Sums plus(Sums o) {
            return new Sums(rank + o.rank, second + o.second, third + o.third, min(firstDay, o.firstDay),
                    max(lastDay, o.lastDay));
        }
    }

    /** A ranked page and the number of rows in the whole ranking. */
    record Ranking<K>(List<Map.Entry<K, Sums>> page, long total) {
    }

    /** The failure groups: rank = sessions, second = details. */
    static Optional<Ranking<Long>> failureGroups(Connection c, Period period, Visibility visibility, PageRequest page)
            throws SQLException {
        return rank(c, period, page, new Table<Long>("failure_group_settled", "group_id",
                "sessions, details, 0, first_day, last_day", "sessions", visibility.mode(),
                "SELECT d.group_id, SUM(d.sessions), SUM(d.details), 0, MIN(d.utc_day), MAX(d.utc_day) "
                        + "FROM failure_group_day d WHERE d.utc_day BETWEEN ? AND ?" + visibility.sql("d")
                        + " GROUP BY d.group_id", rs -> rs.getLong(1)));
    }

    /** The domains: rank = failed sessions, second = reports, third = successful sessions; no first day. */
    static Optional<Ranking<String>> domains(Connection c, Period period, Visibility visibility, PageRequest page)
            throws SQLException {
        return rank(c, period, page, new Table<String>("domain_settled", "domain",
                "failed, reports, successful, CAST(NULL AS DATE), last_day", "failed", visibility.mode(),
                "SELECT d.domain, SUM(d.failed), SUM(d.reports), SUM(d.successful), CAST(NULL AS DATE), "
                        + "MAX(d.utc_day) FROM daily_domain d WHERE d.utc_day BETWEEN ? AND ?" + visibility.sql("d")
                        + " GROUP BY d.domain", rs -> rs.getString(1)));
    }

    private interface KeyReader<K> {
        K read(ResultSet rs) throws SQLException;
    }

    /**
     * A settled table and the day roll-up it sums. {@code sums} are the columns of {@link Sums} after the key;
     * {@code later} sums the day rows of a span of days (two parameters), the same columns after the key.
     */
    private record Table<K extends Comparable<K>>(String name, String key, String sums, String rankColumn, int mode,
                                                  String later, KeyReader<K> keyReader) {
    }

    private static <K extends Comparable<K>> Optional<Ranking<K>> rank(Connection c, Period period, PageRequest page,
                                                                        Table<K> t) throws SQLException {
        Optional<SettledWindow.Bounds> bounds = SettledWindow.bounds(c);
        if (bounds.isEmpty() || !period.from().equals(bounds.get().firstDay())
                || period.to().isBefore(bounds.get().lastDay())) {
            return Optional.empty();
        }
        Map<K, Sums> later = new HashMap<>();
        if (period.to().isAfter(bounds.get().lastDay())) {
            read(c, t.later, t.keyReader, later, bounds.get().lastDay().plusDays(1), period.to());
        }
        int wanted = page.offset() + page.limit();
        Map<K, Sums> settled = new HashMap<>();
        String select = "SELECT " + t.key + ", " + t.sums + " FROM " + t.name + " WHERE view_mode = ?";
        read(c, select + " ORDER BY view_mode, " + t.rankColumn + " DESC, " + t.key + " OFFSET 0 ROWS FETCH FIRST "
                + wanted + " ROWS ONLY", t.keyReader, settled, t.mode);
        if (settled.size() == wanted) { // the ties of the last row, which the database may order otherwise
            long last = settled.values().stream().mapToLong(Sums::rank).min().orElseThrow();
            read(c, select + " AND " + t.rankColumn + " = ?", t.keyReader, settled, t.mode, last);
        }
        List<K> unread = later.keySet().stream().filter(k -> !settled.containsKey(k)).toList();
        int settledOfLater = 0;
        for (int from = 0; from < unread.size(); from += 500) {
            List<K> chunk = unread.subList(from, Math.min(unread.size(), from + 500));
            Map<K, Sums> found = new HashMap<>();
            List<Object> args = new ArrayList<>(chunk);
            args.add(0, t.mode);
            read(c, select + " AND " + t.key + " IN (" + String.join(",", Collections.nCopies(chunk.size(), "?"))
                    + ")", t.keyReader, found, args.toArray());
            settledOfLater += found.size();
            settled.putAll(found);
        }
        long total = Sql.count(c, "SELECT COUNT(*) FROM " + t.name + " WHERE view_mode = ?", t.mode)
                + unread.size() - settledOfLater;
        Map<K, Sums> merged = new HashMap<>(settled);
        later.forEach((k, s) -> merged.merge(k, s, Sums::plus));
        List<Map.Entry<K, Sums>> ranked = new ArrayList<>(merged.entrySet());
        ranked.sort(Comparator.comparingLong((Map.Entry<K, Sums> e) -> -e.getValue().rank())
                .thenComparing(Map.Entry::getKey));
        List<Map.Entry<K, Sums>> out = ranked.subList(Math.min(page.offset(), ranked.size()),
                Math.min(wanted, ranked.size()));
        // Rebuilt meanwhile (the day changed between two statements): the rows may be of two windows.
        if (!SettledWindow.bounds(c).equals(bounds)) {
            return Optional.empty();
        }
        return Optional.of(new Ranking<>(List.copyOf(out), total));
    }

    private static <K> void read(Connection c, String sql, KeyReader<K> keys, Map<K, Sums> into, Object... args)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            Sql.bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    into.put(keys.read(rs), new Sums(rs.getLong(2), rs.getLong(3), rs.getLong(4),
                            rs.getObject(5, LocalDate.class), rs.getObject(6, LocalDate.class)));
                }
            }
        }
    }

    private static LocalDate min(LocalDate a, LocalDate b) {
        return a == null ? b : b == null || a.isBefore(b) ? a : b;
    }

    private static LocalDate max(LocalDate a, LocalDate b) {
        return a == null ? b : b == null || a.isAfter(b) ? a : b;
    }
}
