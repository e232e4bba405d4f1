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

/**
 * A page of a ranking over a period read from sums kept for a span of days that is not the period (the sums over
 * everything, or over the default period's settled days), corrected by the day rows of the days where the two
 * differ: added (days of the period after the span) or subtracted (stored days outside the period). Used when those
 * days are few: then a page reads about {@code offset + limit} rows of the kept sums' rank index and the day rows of
 * those few days, not those of the whole period.
 *
 * <p>Why that page is right: a row without corrections keeps its kept sum, so the rows without corrections appear in
 * the ranking in the order of their kept sums, and the first {@code n} of the ranking hold at most {@code n} of them:
 * the first {@code n} such rows by kept sum. Reading the first {@code n + c} kept rows ({@code c} rows corrected) and
 * the ties of the last one therefore finds them; the corrected rows are read by key. When the corrections only add,
 * the first {@code n} kept rows do: a row outside them has {@code n} rows before it already. Rows with the same count are
 * ordered by key in Java's order (code points; domain names are ASCII), H2's order and that of PostgreSQL's "C"
 * collation.
 */
final class RankedSums {
    private RankedSums() {
    }

    /**
     * Summed figures of a row: {@code rank} orders (failed sessions); the row is in the period while {@code present}
     * (failure details, or reports) is above 0; {@code other} is shown.
     */
    record Sums(long rank, long present, long other, LocalDate firstDay, LocalDate lastDay) {
        /** The sums of both; the first and last day of both, where known. */
        Sums plus(Sums o) {
            return new Sums(rank + o.rank, present + o.present, other + o.other, min(firstDay, o.firstDay),
                    max(lastDay, o.lastDay));
        }

        /**
         * To subtract: the sums negated, the days unknown (a sum less some days keeps its own first and last day,
         * which the caller reads again for the page's rows: see {@link Row#corrected}).
         */
        Sums negated() {
            return new Sums(-rank, -present, -other, null, null);
        }
    }

    /** A row of the page; {@code corrected} when day rows changed it. */
    record Row<K>(K key, Sums sums, boolean corrected) {
    }

    /** A page and the number of rows in the whole ranking. */
    record Ranking<K>(List<Row<K>> page, long total) {
    }

    interface KeyReader<K> {
        K read(ResultSet rs) throws SQLException;
    }

    /**
     * The kept sums: {@code columns} are the key, then the five of {@link Sums}; {@code where} selects the rows
     * (with {@code args}); {@code order} is the rank index's order, which ends with the rank column descending and the
     * key; {@code count} the number of rows selected.
     */
    record Kept(String table, String key, String columns, String rankColumn, String where, List<Object> args,
                String order, long count) {
    }

    /** Day rows that correct the kept sums: a query giving the key and the five of {@link Sums}. */
    record Correction(String sql, List<Object> args, boolean subtract) {
    }

    static <K extends Comparable<K>> Ranking<K> rank(Connection c, Kept kept, List<Correction> corrections,
                                                    KeyReader<K> keys, PageRequest page) throws SQLException {
        Map<K, Sums> corrected = new HashMap<>();
        for (Correction x : corrections) {
            Map<K, Sums> rows = new HashMap<>();
            read(c, x.sql, keys, rows, x.args.toArray());
            rows.forEach((k, s) -> corrected.merge(k, x.subtract ? s.negated() : s, Sums::plus));
        }
        long wanted = (long) page.offset() + page.limit();
        // Rows only raised by the corrections cannot pass the first "wanted" uncorrected rows: no more are needed.
        boolean lowered = corrections.stream().anyMatch(Correction::subtract);
        long first = wanted + (lowered ? corrected.size() : 0);
        String select = "SELECT " + kept.columns + " FROM " + kept.table + " WHERE " + kept.where;
        Map<K, Sums> rows = new HashMap<>();
        read(c, select + " ORDER BY " + kept.order + " OFFSET 0 ROWS FETCH FIRST " + first + " ROWS ONLY", keys, rows,
                kept.args.toArray());
        if (rows.size() == first) { // the ties of the last row, which the database may order otherwise
            long last = rows.values().stream().mapToLong(Sums::rank).min().orElseThrow();
            List<Object> args = new ArrayList<>(kept.args);
            args.add(last);
            read(c, select + " AND " + kept.rankColumn + " = ?", keys, rows, args.toArray());
        }
        Sql.forKeys(c, "SELECT " + kept.columns + " FROM " + kept.table + " JOIN KEYS ON " + kept.key + " = wanted.k "
                + "WHERE " + kept.where, corrected.keySet().stream().filter(k -> !rows.containsKey(k)).toList(),
                List.of(), kept.args, rs -> put(rs, keys, rows));
        long total = kept.count;
        List<Row<K>> ranked = new ArrayList<>();
        for (Map.Entry<K, Sums> e : rows.entrySet()) {
            Sums x = corrected.get(e.getKey());
            if (x == null) {
                ranked.add(new Row<>(e.getKey(), e.getValue(), false));
                continue;
            }
            Sums s = e.getValue().plus(x);
            if (s.present > 0) {
                ranked.add(new Row<>(e.getKey(), s, true));
            } else {
                total--; // all of its days are outside the period
            }
        }
        for (Map.Entry<K, Sums> e : corrected.entrySet()) {
            if (!rows.containsKey(e.getKey()) && e.getValue().present > 0) { // only in the added days
                ranked.add(new Row<>(e.getKey(), e.getValue(), true));
                total++;
            }
        }
        ranked.sort(Comparator.comparingLong((Row<K> r) -> -r.sums.rank).thenComparing(Row::key));
        return new Ranking<>(List.copyOf(ranked.subList((int) Math.min(page.offset(), ranked.size()),
                (int) Math.min(wanted, ranked.size()))), total);
    }

    private static <K> void read(Connection c, String sql, KeyReader<K> keys, Map<K, Sums> into, Object... args)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            Sql.bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    put(rs, keys, into);
                }
            }
        }
    }

    private static <K> void put(ResultSet rs, KeyReader<K> keys, Map<K, Sums> into) throws SQLException {
        into.put(keys.read(rs), new Sums(rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getObject(5, LocalDate.class),
                rs.getObject(6, LocalDate.class)));
    }

    private static LocalDate min(LocalDate a, LocalDate b) {
        return a == null ? b : b == null || a.isBefore(b) ? a : b;
    }

    private static LocalDate max(LocalDate a, LocalDate b) {
        return a == null ? b : b == null || a.isAfter(b) ? a : b;
    }
}
