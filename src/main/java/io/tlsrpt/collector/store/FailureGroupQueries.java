package io.tlsrpt.collector.store;

import io.tlsrpt.collector.store.view.FailureFilter;
import io.tlsrpt.collector.store.view.FailureGroup;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The failure list: groups of (policy domain, policy type, result type, receiving MX), the most failed sessions
 * first. Five ways to one answer, chosen by the filter, so that no page sums more rows than it must:
 * <ul>
 *   <li>a period that covers every stored day, without domain or reporter: a page of the index of
 *   failure_group_total (the sums over everything, per view mode), however many reports are stored;</li>
 *   <li>without domain or reporter, the default period (the last 30 days), or a period that leaves out fewer stored
 *   days than it holds: sums kept for other days, corrected by the day rows of the few days where they differ
 *   (CorrectedSumsQueries);</li>
 *   <li>otherwise, without reporter: failure_group_day summed over the period (for one domain, only its groups);</li>
 *   <li>with a reporter but no domain, over a period that holds most settled days (a year back from today): the
 *   reporter's sums over the settled days (V14), corrected by a few days (CorrectedSumsQueries);</li>
 *   <li>otherwise with a reporter: failure_group_reporter_day, the same sums per reporter, read from the reporter's
 *   key range of the period.</li>
 * </ul>
 * The five give the same groups in the same order (sessions descending, then the group's id).
 */
final class FailureGroupQueries {
    private FailureGroupQueries() {
    }

    static Page<FailureGroup> failures(Connection c, FailureFilter filter, PageRequest page) throws SQLException {
        if (filter.domain() == null) {
            Period stored = Coverage.storedDays(c);
            if (filter.organization() == null && Coverage.covers(stored, filter.period())) {
                return fromTotals(c, filter, page);
            }
            Optional<RankedSums.Ranking<Long>> corrected = filter.organization() == null
                    ? CorrectedSumsQueries.failureGroups(c, filter, stored, page)
                    : CorrectedSumsQueries.reporterFailureGroups(c, filter, stored, page);
            if (corrected.isPresent()) {
                List<Ranked> ranked = corrected.get().page().stream().map(r -> new Ranked(r.key(), r.sums().rank(),
                        r.sums().present(), r.sums().firstDay(), r.sums().lastDay())).toList();
                return new Page<>(describe(c, ranked, filter), corrected.get().total(), page.limit(),
                        page.offset());
            }
        }
        return fromDays(c, filter, page);
    }

    /** A summed group before its names and members are read. */
    private record Ranked(long groupId, long sessions, long details, LocalDate firstDay, LocalDate lastDay) {
    }

    static Page<FailureGroup> fromTotals(Connection c, FailureFilter filter, PageRequest page)
            throws SQLException {
        int mode = filter.visibility().mode();
        String where = " WHERE view_mode = ?" + (filter.resultType() != null ? " AND result_type = ?" : "");
        Object[] args = filter.resultType() != null ? new Object[]{mode, filter.resultType()} : new Object[]{mode};
        long total = totalGroups(c, mode, filter.resultType());
        List<Ranked> ranked = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT group_id, sessions, details, first_day, last_day "
                + "FROM failure_group_total" + where + " ORDER BY view_mode, sessions DESC, group_id "
                + "OFFSET ? ROWS FETCH FIRST ? ROWS ONLY")) {
            Sql.bind(ps, append(args, page.offset(), page.limit()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ranked.add(new Ranked(rs.getLong(1), rs.getLong(2), rs.getLong(3), Sql.date(rs, "first_day"),
                            Sql.date(rs, "last_day")));
                }
            }
        }
        return new Page<>(describe(c, ranked, filter), total, page.limit(), page.offset());
    }

    /**
     * The number of rows of failure_group_total in a view mode, of one result type if not null: one row read
     * (rollup_count, V6; failure_group_result_count, V15).
     */
    static long totalGroups(Connection c, int mode, String resultType) throws SQLException {
        return resultType == null
                ? Sql.count(c, "SELECT row_count FROM rollup_count WHERE table_name = 'failure_group_total' "
                + "AND view_mode = ?", mode)
                : Sql.count(c, "SELECT COALESCE(SUM(groups), 0) FROM failure_group_result_count WHERE view_mode = ? "
                + "AND result_key = ?", mode, Rollups.resultKey(resultType));
    }

    static Page<FailureGroup> fromDays(Connection c, FailureFilter filter, PageRequest page)
            throws SQLException {
        StringBuilder sql = new StringBuilder();
        List<Object> args = new ArrayList<>();
        if (filter.organization() != null) {
            // the reporter's days of the period: one range of the primary key (reporter, day, group, flags). A
            // domain or result type is a join, not "group_id IN (SELECT ...)": H2 runs such a subquery again for
            // every row unless it may reuse an earlier result (OPTIMIZE_REUSE_RESULTS, and only while the tables
            // are unchanged): at 1,000,000 reports one page then took minutes.
            sql.append(" FROM failure_group_reporter_day d").append(filter.domain() != null
                    || filter.resultType() != null ? " JOIN failure_group g ON g.id = d.group_id" : "")
                    .append(" WHERE d.organization_key = ?");
            args.add(Rollups.organizationKey(filter.organization()));
            if (filter.domain() != null) {
                sql.append(" AND g.domain = ?");
                args.add(filter.domain());
            }
        } else if (filter.domain() != null) {
            // the domain's few groups first (failure_group_domain), then their days (the primary key's range)
            sql.append(" FROM failure_group g JOIN failure_group_day d ON d.group_id = g.id WHERE g.domain = ?");
            args.add(filter.domain());
        } else if (filter.resultType() != null) {
            sql.append(" FROM failure_group_day d JOIN failure_group g ON g.id = d.group_id WHERE 1 = 1");
        } else { // no join: the names are read for the page's groups only (H2, 8,000 rows: 43 against 109 ms)
            sql.append(" FROM failure_group_day d WHERE 1 = 1");
        }
        sql.append(" AND d.utc_day BETWEEN ? AND ?").append(filter.visibility().sql("d"));
        args.add(filter.period().from());
        args.add(filter.period().to());
        if (filter.resultType() != null) {
            sql.append(" AND g.result_type = ?");
            args.add(filter.resultType());
        }
        List<Ranked> ranked = new ArrayList<>();
        long total = -1;
        // The number of groups comes with the page (a window over the groups): the groups are summed once.
        try (PreparedStatement ps = c.prepareStatement("SELECT d.group_id, SUM(d.sessions) AS sessions, "
                + "SUM(d.details) AS details, MIN(d.utc_day) AS first_day, MAX(d.utc_day) AS last_day, "
                + "COUNT(*) OVER () AS total_groups" + sql + " GROUP BY d.group_id "
                + "ORDER BY SUM(d.sessions) DESC, d.group_id OFFSET ? ROWS FETCH FIRST ? ROWS ONLY")) {
            Sql.bind(ps, append(args.toArray(), page.offset(), page.limit()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    total = rs.getLong("total_groups");
                    ranked.add(new Ranked(rs.getLong(1), rs.getLong(2), rs.getLong(3), Sql.date(rs, "first_day"),
                            Sql.date(rs, "last_day")));
                }
            }
        }
        if (total < 0) { // an empty page: nothing in the period, or an offset past the end
            total = Sql.count(c, "SELECT COUNT(DISTINCT d.group_id)" + sql, args.toArray());
        }
        return new Page<>(describe(c, ranked, filter), total, page.limit(), page.offset());
    }

    /** Names and members of the ranked groups, in their order. */
    private static List<FailureGroup> describe(Connection c, List<Ranked> ranked, FailureFilter filter)
            throws SQLException {
        if (ranked.isEmpty()) {
            return List.of();
        }
        Map<Long, String[]> names = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, domain, policy_type, result_type, receiving_mx, "
                + "receiving_mx_shown FROM failure_group WHERE id IN ("
                + String.join(",", Collections.nCopies(ranked.size(), "?")) + ")")) {
            Sql.bind(ps, ranked.stream().map(Ranked::groupId).toArray());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.put(rs.getLong(1), new String[]{rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6)});
                }
            }
        }
        List<FailureGroup> out = new ArrayList<>();
        try (MemberReader members = new MemberReader(c, filter)) {
            for (Ranked r : ranked) {
                String[] n = names.get(r.groupId);
                if (n == null) {
                    continue; // cannot happen: groups are never deleted
                }
                Members m = members.read(n[0], n[1], n[2], n[3], r.lastDay);
                out.add(new FailureGroup(n[0], n[1], n[2], n[4] != null ? n[4] : n[3], r.sessions, r.details,
                        r.firstDay, r.lastDay, m.organizations(), m.receivingIps(), m.sendingIps()));
            }
        }
        return out;
    }

    private record Members(List<String> organizations, List<String> receivingIps, List<String> sendingIps) {
    }

    /**
     * Who reported a group on its last day, and between which addresses: read from daily_failure's rows of that
     * domain and day (its index), at most a few hundred rows whatever the period. One statement for a page.
     */
    private static final class MemberReader implements AutoCloseable {
        private final PreparedStatement ps;
        private final FailureFilter filter;

        MemberReader(Connection c, FailureFilter filter) throws SQLException {
            this.filter = filter;
            this.ps = c.prepareStatement("SELECT organization_name, receiving_ip, sending_mta_ip FROM daily_failure "
                    + "WHERE domain = ? AND utc_day = ? AND policy_type = ? AND result_type = ? AND receiving_mx = ?"
                    + filter.visibility().sql("") + (filter.organization() != null ? " AND organization_name = ?" : "")
                    + " FETCH FIRST 1000 ROWS ONLY");
        }

        Members read(String domain, String policyType, String resultType, String mx, LocalDate day)
                throws SQLException {
            Set<String> orgs = new TreeSet<>();
            Set<String> receiving = new TreeSet<>();
            Set<String> sending = new TreeSet<>();
            if (day != null) {
                Object[] args = {domain, day, policyType, resultType, mx};
                Sql.bind(ps, filter.organization() != null ? append(args, filter.organization()) : args);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        addBounded(orgs, rs.getString(1));
                        addBounded(receiving, rs.getString(2));
                        addBounded(sending, rs.getString(3));
                    }
                }
            }
            return new Members(List.copyOf(orgs), List.copyOf(receiving), List.copyOf(sending));
        }

        @Override
        public void close() throws SQLException {
            ps.close();
        }
    }

    private static void addBounded(Set<String> set, String value) {
        if (value != null && !value.isEmpty() && set.size() < FailureGroup.MEMBERS) {
            set.add(value);
        }
    }

    private static Object[] append(Object[] args, Object... more) {
        Object[] out = java.util.Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, out, args.length, more.length);
        return out;
    }
}
