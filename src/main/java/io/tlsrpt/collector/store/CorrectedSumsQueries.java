package io.tlsrpt.collector.store;

import io.tlsrpt.collector.store.view.DomainSummary;
import io.tlsrpt.collector.store.view.FailureFilter;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The domain list and the failure list (without domain) over a period that is not everything stored,
 * from kept sums corrected by a few days ({@link RankedSums}), when such sums serve the period:
 * <ul>
 *   <li>the default period (the last 30 days): the sums of its settled days (schema V13, {@link SettledWindow})
 *   plus the day rows of yesterday and today;</li>
 *   <li>a period that leaves out fewer stored days than it holds (a year back from today in a store of 400 days):
 *   the sums over everything (V6) less the day rows of the stored days outside it;</li>
 *   <li>the failure list of one reporter over such a period: its sums over every settled day (V14) less the days
 *   outside the period, plus yesterday's and today's rows.</li>
 * </ul>
 * Empty otherwise: the caller sums the period's day rows. The answers are those of summing the days
 * (SettledWindowTest, ListPathsTest).
 */
final class CorrectedSumsQueries {
    private CorrectedSumsQueries() {
    }

    /** The failure groups' ranking: rank = sessions, present = details; first and last day in the period. */
    static Optional<RankedSums.Ranking<Long>> failureGroups(Connection c, FailureFilter filter, Period stored,
                                                           PageRequest page) throws SQLException {
        Period period = filter.period();
        Visibility v = filter.visibility();
        RankedSums.KeyReader<Long> keys = rs -> rs.getLong(1);
        String days = "SELECT d.group_id, SUM(d.sessions), SUM(d.details), 0, MIN(d.utc_day), MAX(d.utc_day) "
                + "FROM failure_group_day d WHERE d.utc_day BETWEEN ? AND ?" + v.sql("d") + " GROUP BY d.group_id";
        if (filter.resultType() != null) {
            // The days' groups first, then their result type: joined inside, H2 read every day of the result type's
            // groups (85 ms against 12 at 1,000,000 reports).
            days = "SELECT x.* FROM (" + days + ") x JOIN failure_group g ON g.id = x.group_id WHERE g.result_type = ?";
        }
        Optional<SettledWindow.Bounds> settled = SettledWindow.bounds(c);
        if (filter.resultType() == null && serves(settled, period)) {
            return fromSettled(c, "failure_group_settled", "group_id",
                    "group_id, sessions, details, 0, first_day, last_day", "sessions", settled, days, period, v,
                    keys, page);
        }
        if (!fewDaysOutside(stored, period)) {
            return Optional.empty();
        }
        String where = "view_mode = ?" + (filter.resultType() != null ? " AND result_type = ?" : "");
        List<Object> args = filter.resultType() != null ? List.of(v.mode(), filter.resultType()) : List.of(v.mode());
        RankedSums.Kept kept = new RankedSums.Kept("failure_group_total", "group_id",
                "group_id, sessions, details, 0, first_day, last_day", "sessions", where, args,
                "view_mode, sessions DESC, group_id",
                FailureGroupQueries.totalGroups(c, v.mode(), filter.resultType()));
        RankedSums.Ranking<Long> r = RankedSums.rank(c, kept, outside(days, stored, period, filter.resultType()),
                keys, page);
        List<RankedSums.Row<Long>> rows = new ArrayList<>();
        for (RankedSums.Row<Long> row : r.page()) {
            rows.add(row.corrected() ? new RankedSums.Row<>(row.key(), withDays(row.sums(),
                    edgeDay(c, "failure_group_day", "group_id", row.key(), period, v, "ASC"),
                    edgeDay(c, "failure_group_day", "group_id", row.key(), period, v, "DESC")), true) : row);
        }
        return Optional.of(new RankedSums.Ranking<>(rows, r.total()));
    }

    /**
     * The failure groups of one reporter (without domain), from its sums over every settled day (V14), less the rows
     * of the settled days outside the period, plus those of the period's days after them: when the period holds more
     * of the settled days than it leaves out (a year back from today, everything). Empty otherwise (the default
     * period: the caller sums the reporter's 30 days).
     */
    static Optional<RankedSums.Ranking<Long>> reporterFailureGroups(Connection c, FailureFilter filter,
                                                                   Period stored, PageRequest page)
            throws SQLException {
        Optional<SettledWindow.Bounds> settled = SettledWindow.bounds(c);
        if (settled.isEmpty() || stored == null || stored.from().isAfter(settled.get().lastDay())) {
            return Optional.empty();
        }
        Period kept = new Period(stored.from(), settled.get().lastDay());
        Period period = filter.period();
        if (!fewDaysOutside(kept, period)) {
            return Optional.empty();
        }
        Visibility v = filter.visibility();
        String reporter = Rollups.organizationKey(filter.organization());
        String result = filter.resultType();
        String days = "SELECT d.group_id, SUM(d.sessions), SUM(d.details), 0, MIN(d.utc_day), MAX(d.utc_day) "
                + "FROM failure_group_reporter_day d" + (result != null ? " JOIN failure_group g ON g.id = d.group_id"
                : "") + " WHERE d.utc_day BETWEEN ? AND ? AND d.organization_key = ?" + (result != null
                ? " AND g.result_type = ?" : "") + v.sql("d") + " GROUP BY d.group_id";
        List<Object> keyArgs = result != null ? List.of(reporter, result) : List.of(reporter);
        List<RankedSums.Correction> corrections = new ArrayList<>();
        for (Period span : outsideSpans(kept, period)) {
            corrections.add(correction(days, keyArgs, span, true));
        }
        if (period.to().isAfter(kept.to())) { // yesterday and today
            corrections.add(correction(days, keyArgs, new Period(max(period.from(), kept.to().plusDays(1)),
                    period.to()), false));
        }
        // A result type is the group's: the sums joined with the groups, read in rank order until the page is full.
        String table = "failure_group_reporter_settled s" + (result != null
                ? " JOIN failure_group g ON g.id = s.group_id" : "");
        String where = "s.view_mode = ? AND s.organization_key = ?" + (result != null ? " AND g.result_type = ?" : "");
        List<Object> args = new ArrayList<>(List.of(v.mode()));
        args.addAll(keyArgs);
        RankedSums.Kept sums = new RankedSums.Kept(table, "s.group_id",
                "s.group_id, s.sessions, s.details, 0, s.first_day, s.last_day", "s.sessions", where, args,
                "s.view_mode, s.organization_key, s.sessions DESC, s.group_id",
                Sql.count(c, "SELECT COUNT(*) FROM " + table + " WHERE " + where, args.toArray()));
        RankedSums.Ranking<Long> r = RankedSums.rank(c, sums, corrections, rs -> rs.getLong(1), page);
        if (!SettledWindow.bounds(c).equals(settled)) {
            return Optional.empty(); // moved on between two statements: the rows may be of two sets of days
        }
        String rowDays = "failure_group_reporter_day d WHERE d.organization_key = ? AND d.group_id = ?";
        List<RankedSums.Row<Long>> rows = new ArrayList<>();
        for (RankedSums.Row<Long> row : r.page()) {
            rows.add(row.corrected() ? new RankedSums.Row<>(row.key(), withDays(row.sums(),
                    edgeDay(c, rowDays, List.of(reporter, row.key()), period, v, "ASC"),
                    edgeDay(c, rowDays, List.of(reporter, row.key()), period, v, "DESC")), true) : row);
        }
        return Optional.of(new RankedSums.Ranking<>(rows, r.total()));
    }

    /** The domains' page: rank = failed sessions, present = reports, other = successful sessions. */
    static Optional<Page<DomainSummary>> domains(Connection c, Period period, Visibility v, Period stored,
                                                 PageRequest page) throws SQLException {
        RankedSums.KeyReader<String> keys = rs -> rs.getString(1);
        String days = "SELECT d.domain, SUM(d.failed), SUM(d.reports), SUM(d.successful), CAST(NULL AS DATE), "
                + "MAX(d.utc_day) FROM daily_domain d WHERE d.utc_day BETWEEN ? AND ?" + v.sql("d")
                + " GROUP BY d.domain";
        Optional<SettledWindow.Bounds> settled = SettledWindow.bounds(c);
        if (serves(settled, period)) {
            Optional<RankedSums.Ranking<String>> r = fromSettled(c, "domain_settled", "domain",
                    "domain, failed, reports, successful, CAST(NULL AS DATE), last_day", "failed", settled, days,
                    period, v, keys, page);
            if (r.isEmpty()) {
                return Optional.empty();
            }
            List<DomainSummary> sums = r.get().page().stream().map(CorrectedSumsQueries::summary).toList();
            return Optional.of(new Page<>(DashboardQueries.withReporters(c, sums, period, stored, v), r.get().total(),
                    page.limit(), page.offset()));
        }
        if (!fewDaysOutside(stored, period)) {
            return Optional.empty();
        }
        RankedSums.Kept kept = new RankedSums.Kept("domain_total", "domain",
                "domain, failed, reports, successful, first_day, last_day", "failed", "view_mode = ?",
                List.of(v.mode()), "view_mode, failed DESC, domain", Sql.count(c, "SELECT row_count FROM rollup_count "
                + "WHERE table_name = 'domain_total' AND view_mode = ?", v.mode()));
        RankedSums.Ranking<String> r = RankedSums.rank(c, kept, outside(days, stored, period, null), keys, page);
        List<DomainSummary> items = new ArrayList<>();
        for (RankedSums.Row<String> row : r.page()) {
            items.add(summary(row.corrected() ? new RankedSums.Row<>(row.key(), withDays(row.sums(), null,
                    edgeDay(c, "daily_domain", "domain", row.key(), period, v, "DESC")), true) : row));
        }
        return Optional.of(new Page<>(DashboardQueries.withReporters(c, items, period, stored, v), r.total(), page.limit(),
                page.offset()));
    }

    /** A domain's row without its reporters (DashboardQueries.withReporters counts them). */
    private static DomainSummary summary(RankedSums.Row<String> row) {
        RankedSums.Sums s = row.sums();
        return new DomainSummary(row.key(), s.present(), 0, s.other(), s.rank(), s.lastDay());
    }

    /**
     * The ranking from a settled table ({@code columns}: the key and the five of {@link RankedSums.Sums}) plus the
     * days of the period after it ({@code days}: their rows summed per key over a span, two parameters). Empty when
     * the sums were built again meanwhile (the day changed between two statements: the rows may be of two windows).
     */
    private static <K extends Comparable<K>> Optional<RankedSums.Ranking<K>> fromSettled(Connection c, String table,
            String key, String columns, String rankColumn, Optional<SettledWindow.Bounds> settled, String days,
            Period period, Visibility v, RankedSums.KeyReader<K> keys, PageRequest page) throws SQLException {
        RankedSums.Kept kept = new RankedSums.Kept(table, key, columns, rankColumn, "view_mode = ?",
                List.of(v.mode()), "view_mode, " + rankColumn + " DESC, " + key,
                Sql.count(c, "SELECT COUNT(*) FROM " + table + " WHERE view_mode = ?", v.mode()));
        RankedSums.Ranking<K> r = RankedSums.rank(c, kept, later(days, settled.get(), period), keys, page);
        return SettledWindow.bounds(c).equals(settled) ? Optional.of(r) : Optional.empty();
    }

    /** Whether the settled sums serve the period: it starts on their first day and does not end before their last. */
    private static boolean serves(Optional<SettledWindow.Bounds> settled, Period period) {
        return settled.isPresent() && period.from().equals(settled.get().firstDay())
                && !period.to().isBefore(settled.get().lastDay());
    }

    /**
     * Whether the stored days outside the period are fewer than those inside it (the sums over everything less the
     * outside days read fewer day rows than the period's own).
     */
    private static boolean fewDaysOutside(Period stored, Period period) {
        if (stored == null) {
            return false;
        }
        LocalDate from = max(period.from(), stored.from());
        LocalDate to = min(period.to(), stored.to());
        long storedDays = ChronoUnit.DAYS.between(stored.from(), stored.to()) + 1;
        long inside = to.isBefore(from) ? 0 : ChronoUnit.DAYS.between(from, to) + 1;
        return inside > storedDays - inside;
    }

    /** The day rows of the period after the settled days, to add. */
    private static List<RankedSums.Correction> later(String days, SettledWindow.Bounds settled, Period period) {
        if (!period.to().isAfter(settled.lastDay())) {
            return List.of();
        }
        return List.of(correction(days, List.of(), new Period(settled.lastDay().plusDays(1), period.to()), false));
    }

    /** The day rows of the stored days before and after the period, to subtract. */
    private static List<RankedSums.Correction> outside(String days, Period stored, Period period, String resultType) {
        List<Object> keyArgs = resultType != null ? List.of(resultType) : List.of();
        return outsideSpans(stored, period).stream().map(p -> correction(days, keyArgs, p, true)).toList();
    }

    /** The spans of stored days before and after the period. */
    private static List<Period> outsideSpans(Period stored, Period period) {
        List<Period> out = new ArrayList<>();
        if (stored.from().isBefore(period.from())) {
            out.add(new Period(stored.from(), min(period.from().minusDays(1), stored.to())));
        }
        if (stored.to().isAfter(period.to())) {
            out.add(new Period(max(period.to().plusDays(1), stored.from()), stored.to()));
        }
        return out;
    }

    private static LocalDate min(LocalDate a, LocalDate b) {
        return a.isBefore(b) ? a : b;
    }

    private static LocalDate max(LocalDate a, LocalDate b) {
        return a.isAfter(b) ? a : b;
    }

    /** Day rows of a span: {@code days} takes the span's first and last day, then {@code keyArgs}. */
    private static RankedSums.Correction correction(String days, List<Object> keyArgs, Period span,
                                                    boolean subtract) {
        List<Object> args = new ArrayList<>(List.of(span.from(), span.to()));
        args.addAll(keyArgs);
        return new RankedSums.Correction(days, args, subtract);
    }

    private static RankedSums.Sums withDays(RankedSums.Sums s, LocalDate first, LocalDate last) {
        return new RankedSums.Sums(s.rank(), s.present(), s.other(), first, last);
    }

    /**
     * The first ({@code ASC}) or last ({@code DESC}) day in the period of a row of a day table: one end of the key
     * range of (key, day).
     */
    private static LocalDate edgeDay(Connection c, String table, String key, Object value, Period period,
                                     Visibility v, String direction) throws SQLException {
        return edgeDay(c, table + " d WHERE d." + key + " = ?", List.of(value), period, v, direction);
    }

    /** The same for the rows {@code rows} selects ("table d WHERE ...", with {@code args}). */
    private static LocalDate edgeDay(Connection c, String rows, List<Object> args, Period period, Visibility v,
                                     String direction) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT d.utc_day FROM " + rows + " AND d.utc_day BETWEEN ? "
                + "AND ?" + v.sql("d") + " ORDER BY d.utc_day " + direction + " FETCH FIRST 1 ROWS ONLY")) {
            List<Object> all = new ArrayList<>(args);
            all.add(period.from());
            all.add(period.to());
            Sql.bind(ps, all.toArray());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getObject(1, LocalDate.class) : null;
            }
        }
    }
}
