package io.tlsrpt.collector.store;

import io.tlsrpt.collector.store.view.DaySessions;
import io.tlsrpt.collector.store.view.DomainSummary;
import io.tlsrpt.collector.store.view.DomainView;
import io.tlsrpt.collector.store.view.FailureFilter;
import io.tlsrpt.collector.store.view.FailureGroup;
import io.tlsrpt.collector.store.view.MessageInfo;
import io.tlsrpt.collector.store.view.QuarantineEntry;
import io.tlsrpt.collector.store.view.ReportDetail;
import io.tlsrpt.collector.store.view.ReportSummary;
import io.tlsrpt.collector.store.view.SeenPolicy;
import io.tlsrpt.collector.store.view.Stats;
import jakarta.inject.Singleton;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The queries behind the dashboard and the API. Filtered and paged in SQL; the views over failures and domains read
 * the daily roll-ups, not the raw rows.
 */
@Singleton
public final class DashboardQueries {
    /** Failure details shown on a report page; the rest are counted. */
    public static final int REPORT_PAGE_FAILURES = 1000;

    private final Database db;

    public DashboardQueries(Database db) {
        this.db = db;
    }

    /**
     * The policy domains, the most failed sessions first. A period that covers every stored day reads a page of
     * domain_total's index (sums over everything per view mode); the default period, or a period that leaves out fewer
     * stored days than it holds, sums kept for other days corrected by a few days' rows (CorrectedSumsQueries); any
     * other period sums daily_domain over it.
     */
    public Page<DomainSummary> domains(Period period, Visibility visibility, PageRequest page) {
        return db.read(c -> {
            Period stored = Coverage.storedDays(c);
            if (Coverage.covers(stored, period)) {
                return domainsFromTotals(c, visibility, page);
            }
            Optional<Page<DomainSummary>> corrected = CorrectedSumsQueries.domains(c, period, visibility, stored,
                    page);
            if (corrected.isPresent()) {
                return corrected.get();
            }
            return domainsFromDays(c, period, visibility, page);
        });
    }

    static Page<DomainSummary> domainsFromDays(Connection c, Period period, Visibility visibility,
                                               PageRequest page) throws SQLException {
        String where = " WHERE utc_day BETWEEN ? AND ?" + visibility.sql("");
        // The number of domains comes with the page (a window over the groups), and the reporters are counted for
        // the page's domains only: a COUNT(DISTINCT) in the grouped query makes PostgreSQL sort every row of the
        // period (1,000,000 reports, 30 days, 78,000 rows: 457 against 146 ms under load).
        long total = -1;
        List<DomainSummary> sums = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT domain, SUM(reports) AS reports, SUM(successful) AS ok, "
                + "SUM(failed) AS bad, MAX(utc_day) AS last_day, COUNT(*) OVER () AS total FROM daily_domain" + where
                + " GROUP BY domain ORDER BY SUM(failed) DESC, domain OFFSET ? ROWS FETCH FIRST ? ROWS ONLY")) {
            Sql.bind(ps, period.from(), period.to(), page.offset(), page.limit());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    total = rs.getLong("total");
                    sums.add(new DomainSummary(rs.getString("domain"), rs.getLong("reports"), 0, rs.getLong("ok"),
                            rs.getLong("bad"), Sql.date(rs, "last_day")));
                }
            }
        }
        if (total < 0) { // an empty page: nothing in the period, or an offset past the end
            total = Sql.count(c, "SELECT COUNT(*) FROM (SELECT domain FROM daily_domain" + where + " GROUP BY domain) g",
                    period.from(), period.to());
            return new Page<>(sums, total, page.limit(), page.offset());
        }
        return new Page<>(withReporters(c, sums, period, Coverage.storedDays(c), visibility), total, page.limit(),
                page.offset());
    }

    /**
     * The page's domains with the number of their reporters in the period, counted for these domains only (by key:
     * {@link Sql#forKeys}). When the period reaches the last stored day: the domain's rows of domain_reporter_total
     * whose last day is in it (V13; a big domain has a few dozen). Otherwise its day rows in the period.
     * {@code stored}: the first and last stored day ({@link Coverage#storedDays}), null when nothing is stored.
     */
    static List<DomainSummary> withReporters(Connection c, List<DomainSummary> sums, Period period, Period stored,
                                             Visibility visibility) throws SQLException {
        if (sums.isEmpty()) {
            return sums;
        }
        List<String> domains = sums.stream().map(DomainSummary::domain).toList();
        Map<String, Long> reporters = new HashMap<>();
        if (stored == null || !period.to().isBefore(stored.to())) {
            Sql.forKeys(c, "SELECT domain, COUNT(*) FROM domain_reporter_total JOIN KEYS ON domain = wanted.k "
                    + "WHERE view_mode = ? AND last_day >= ? GROUP BY domain", domains, List.of(),
                    List.of(visibility.mode(), period.from()), rs -> reporters.put(rs.getString(1), rs.getLong(2)));
        } else {
            Sql.forKeys(c, "SELECT domain, COUNT(DISTINCT organization_name) FROM daily_domain JOIN KEYS ON domain "
                    + "= wanted.k WHERE utc_day BETWEEN ? AND ?" + visibility.sql("") + " GROUP BY domain", domains,
                    List.of(), List.of(period.from(), period.to()), rs -> reporters.put(rs.getString(1),
                            rs.getLong(2)));
        }
        List<DomainSummary> items = new ArrayList<>();
        for (DomainSummary d : sums) {
            items.add(new DomainSummary(d.domain(), d.reports(), reporters.getOrDefault(d.domain(), 0L),
                    d.successful(), d.failed(), d.lastDay()));
        }
        return items;
    }

    static Page<DomainSummary> domainsFromTotals(Connection c, Visibility visibility, PageRequest page)
            throws SQLException {
        int mode = visibility.mode();
        long total = Sql.count(c, "SELECT row_count FROM rollup_count WHERE table_name = 'domain_total' "
                + "AND view_mode = ?", mode);
        List<DomainSummary> items = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT domain, reports, reporters, successful, failed, "
                + "last_day FROM domain_total WHERE view_mode = ? ORDER BY view_mode, failed DESC, domain "
                + "OFFSET ? ROWS FETCH FIRST ? ROWS ONLY")) {
            Sql.bind(ps, mode, page.offset(), page.limit());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    items.add(new DomainSummary(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4),
                            rs.getLong(5), Sql.date(rs, "last_day")));
                }
            }
        }
        return new Page<>(items, total, page.limit(), page.offset());
    }

    /** The failure groups, the most failed sessions first (FailureGroupQueries). */
    public Page<FailureGroup> failures(FailureFilter filter, PageRequest page) {
        return db.read(c -> FailureGroupQueries.failures(c, filter, page));
    }

    /** The domain page: daily sessions, failure groups, policies seen and reports, each paged. */
    public DomainView domain(String domain, Period period, Visibility visibility, PageRequest page) {
        return new DomainView(domain, dailySessions(domain, period, visibility),
                failures(new FailureFilter(period, domain, null, null, visibility), page),
                policiesSeen(domain, period, visibility, page), reports(domain, period, visibility, page));
    }

    /** Sessions per day for a policy domain; one row per day with reports, at most the days of the period. */
    public List<DaySessions> dailySessions(String domain, Period period, Visibility visibility) {
        return db.read(c -> {
            List<DaySessions> days = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT utc_day, SUM(successful), SUM(failed) FROM daily_domain "
                    + "WHERE domain = ? AND utc_day BETWEEN ? AND ?" + visibility.sql("")
                    + " GROUP BY utc_day ORDER BY utc_day")) {
                Sql.bind(ps, domain, period.from(), period.to());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        days.add(new DaySessions(Sql.date(rs, "utc_day"), rs.getLong(2), rs.getLong(3)));
                    }
                }
            }
            return days;
        });
    }

    /**
     * The policies reporters saw for a domain: those with that policy domain and those in reports sent for it
     * (TLS-Report-Domain), e.g. DANE policies whose policy domain is an MX host.
     */
    public Page<SeenPolicy> policiesSeen(String domain, Period period, Visibility visibility, PageRequest page) {
        // Two index look-ups joined by UNION ALL instead of an OR across the two tables (which scans every policy):
        // the policies naming the domain (policy_domain_idx), and the other policies of the reports sent for it
        // (report_other_policy, V16: only those, not every report sent for the domain).
        String rows = "SELECT p.domain, p.policy_type, p.policy_string, p.mx_host, r.organization_name, r.utc_day "
                + "FROM policy p JOIN report r ON r.id = p.report_id WHERE p.domain = ? AND r.utc_day BETWEEN ? AND ?"
                + visibility.sql("r") + " UNION ALL SELECT p.domain, p.policy_type, p.policy_string, p.mx_host, "
                + "r.organization_name, r.utc_day FROM report_other_policy o JOIN policy p ON p.id = o.policy_id "
                + "JOIN report r ON r.id = o.report_id WHERE o.report_domain = ? AND o.utc_day BETWEEN ? AND ?"
                + visibility.sql("o");
        String from = " FROM (" + rows + ") s";
        String groupBy = "domain, policy_type, policy_string, mx_host, organization_name";
        Object[] args = {domain, period.from(), period.to(), domain, period.from(), period.to()};
        return db.read(c -> {
            // The number of groups comes with the page (a window over the groups): the policies are grouped once.
            long total = -1;
            List<SeenPolicy> items = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + groupBy + ", COUNT(*) AS reports, "
                    + "MIN(utc_day) AS first_day, MAX(utc_day) AS last_day, COUNT(*) OVER () AS total_groups"
                    + from + " GROUP BY " + groupBy
                    + " ORDER BY MAX(utc_day) DESC, domain, organization_name, policy_type, policy_string, mx_host "
                    + "OFFSET ? ROWS FETCH FIRST ? ROWS ONLY")) {
                List<Object> pageArgs = new ArrayList<>(List.of(args));
                pageArgs.add(page.offset());
                pageArgs.add(page.limit());
                Sql.bind(ps, pageArgs.toArray());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        total = rs.getLong("total_groups");
                        items.add(new SeenPolicy(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getString(5), rs.getLong("reports"), Sql.date(rs, "first_day"),
                                Sql.date(rs, "last_day")));
                    }
                }
            }
            if (total < 0) { // an empty page: nothing in the period, or an offset past the end
                total = Sql.count(c, "SELECT COUNT(*) FROM (SELECT 1 AS one" + from + " GROUP BY " + groupBy + ") g",
                        args);
            }
            return new Page<>(items, total, page.limit(), page.offset());
        });
    }

    /** Reports whose date range starts in the period; with a domain, those sent for it or naming it in a policy. */
    public Page<ReportSummary> reports(String domain, Period period, Visibility visibility, PageRequest page) {
        if (domain == null) {
            return db.read(c -> allReports(c, period, visibility, page));
        }
        return db.read(c -> domainReports(c, domain, period, visibility, page));
    }

    /**
     * A domain's reports from domain_report (schema V12): counted over its key range, and the page's ids read from
     * that range before the reports themselves, so that an offset skips index entries, not reports (the join of the
     * reports sent for the domain with those naming it in a policy, which this replaces, read both sets twice).
     */
    private static Page<ReportSummary> domainReports(Connection c, String domain, Period period,
                                                     Visibility visibility, PageRequest page) throws SQLException {
        String range = " FROM domain_report d WHERE d.domain = ? AND d.utc_day BETWEEN ? AND ?" + visibility.sql("d");
        long total = Sql.count(c, "SELECT COUNT(*)" + range, domain, period.from(), period.to());
        String ids = "(SELECT d.report_id, d.utc_day" + range
                + " ORDER BY d.utc_day DESC, d.report_id DESC OFFSET ? ROWS FETCH FIRST ? ROWS ONLY) ids";
        List<ReportSummary> items = reportPage(c, " r JOIN " + ids + " ON r.id = ids.report_id",
                List.of(domain, period.from(), period.to(), page.offset(), page.limit()), 0, page.limit());
        return new Page<>(items, total, page.limit(), page.offset());
    }

    /**
     * The report list without a domain: counted from daily_report, and started at the day where the offset falls
     * (the newer days skipped by their counts), so that neither the count nor a deep page reads the rows before it
     * (PostgreSQL, 1,000,000 reports: count 256 ms, offset 500,000 906 ms, before).
     */
    private static Page<ReportSummary> allReports(Connection c, Period period, Visibility visibility,
                                                  PageRequest page) throws SQLException {
        long total = 0;
        long skipped = 0;
        java.time.LocalDate upTo = null;
        try (PreparedStatement ps = c.prepareStatement("SELECT utc_day, SUM(reports) FROM daily_report "
                + "WHERE utc_day BETWEEN ? AND ?" + visibility.sql("") + " GROUP BY utc_day ORDER BY utc_day DESC")) {
            Sql.bind(ps, period.from(), period.to());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long n = rs.getLong(2);
                    if (upTo == null && total + n > page.offset()) {
                        upTo = Sql.date(rs, "utc_day");
                        skipped = total;
                    }
                    total += n;
                }
            }
        }
        if (upTo == null) { // past the end
            return new Page<>(List.of(), total, page.limit(), page.offset());
        }
        List<Object> args = new ArrayList<>(List.of(period.from(), upTo));
        return new Page<>(reportPage(c, " r WHERE r.utc_day BETWEEN ? AND ?" + visibility.sql("r"), args,
                page.offset() - skipped, page.limit()), total, page.limit(), page.offset());
    }

    private static List<ReportSummary> reportPage(Connection c, String where, List<Object> args, long offset,
                                              int limit) throws SQLException {
        List<Object> pageArgs = new ArrayList<>(args);
        pageArgs.add(offset);
        pageArgs.add(limit);
        List<ReportSummary> items = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT r.* FROM report" + where
                + " ORDER BY r.utc_day DESC, r.id DESC OFFSET ? ROWS FETCH FIRST ? ROWS ONLY")) {
            Sql.bind(ps, pageArgs.toArray());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    items.add(new ReportSummary(rs.getLong("id"), rs.getString("organization_name"),
                            rs.getString("report_id"), Sql.instant(rs, "start_datetime"),
                            Sql.instant(rs, "end_datetime"), rs.getString("report_domain"),
                            rs.getInt("policy_count"), rs.getLong("total_successful"),
                            rs.getLong("total_failure"), Sql.instant(rs, "stored_at"), rs.getLong("message_id")));
                }
            }
        }
        return items;
    }

    public Optional<ReportDetail> report(long id) {
        return db.read(c -> {
            ReportRow row = ReportReader.report(c, id, REPORT_PAGE_FAILURES);
            if (row == null) {
                return Optional.empty();
            }
            long shown = row.policies().stream().mapToLong(p -> p.failures().size()).sum();
            long total = Sql.count(c, "SELECT COUNT(*) FROM failure_detail WHERE report_id = ?", id);
            List<ReportDetail.Duplicate> duplicates = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT d.message_id, d.received_at, m.client_ip, "
                    + "m.envelope_from FROM report_duplicate d JOIN report r ON r.report_key = d.report_key "
                    + "JOIN message m ON m.id = d.message_id WHERE r.id = ? ORDER BY d.id FETCH FIRST 100 ROWS ONLY")) {
                Sql.bind(ps, id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        duplicates.add(new ReportDetail.Duplicate(rs.getLong(1), Sql.instant(rs, "received_at"),
                                rs.getString(3), rs.getString(4)));
                    }
                }
            }
            java.time.Instant storedAt;
            try (PreparedStatement ps = c.prepareStatement("SELECT stored_at FROM report WHERE id = ?")) {
                Sql.bind(ps, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    storedAt = Sql.instant(rs, "stored_at");
                }
            }
            return Optional.of(new ReportDetail(id, row, storedAt, message(c, row.messageId()).orElseThrow(),
                    duplicates, shown, total));
        });
    }

    public Optional<MessageInfo> message(long id) {
        return db.read(c -> message(c, id));
    }

    private static Optional<MessageInfo> message(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT m.*, CASE WHEN EXISTS (SELECT 1 FROM message_body b "
                + "WHERE b.message_id = m.id) THEN 0 ELSE 1 END AS raw_purged FROM message m WHERE m.id = ?")) {
            Sql.bind(ps, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new MessageInfo(rs.getLong("id"), Sql.instant(rs, "received_at"),
                        rs.getString("channel"), rs.getString("client_ip"), rs.getString("helo"),
                        rs.getString("envelope_from"), rs.getString("envelope_to"), rs.getLong("size_bytes"),
                        rs.getString("sha256"), rs.getString("state"), rs.getInt("attempts"),
                        Sql.instant(rs, "processed_at"), rs.getString("last_error"), rs.getString("subject"),
                        rs.getString("from_header"), rs.getString("message_id_header"), rs.getString("date_header"),
                        rs.getString("tls_report_domain"), rs.getString("tls_report_submitter"),
                        rs.getInt("reports_stored"), rs.getInt("duplicates"), rs.getInt("problems"),
                        new DkimColumns(rs.getString("dkim_status"), rs.getString("dkim_domain"),
                                rs.getString("dkim_selector"), bool(rs, "dkim_aligned_from"),
                                bool(rs, "dkim_aligned_submitter"), bool(rs, "dkim_tlsrpt_service"),
                                rs.getString("dkim_reason")), rs.getInt("raw_purged") == 1));
            }
        }
    }

    /** Quarantine entries, newest first; with a period, those created on its days (UTC). */
    public Page<QuarantineEntry> quarantine(Period period, PageRequest page) {
        String where = period == null ? "" : " WHERE q.created_at >= ? AND q.created_at < ?";
        List<Object> args = new ArrayList<>();
        if (period != null) {
            args.add(period.from().atStartOfDay(java.time.ZoneOffset.UTC).toInstant());
            args.add(period.to().plusDays(1).atStartOfDay(java.time.ZoneOffset.UTC).toInstant());
        }
        return db.read(c -> {
            long total = Sql.count(c, "SELECT COUNT(*) FROM quarantine q" + where, args.toArray());
            List<Object> pageArgs = new ArrayList<>(args);
            pageArgs.add(page.offset());
            pageArgs.add(page.limit());
            List<QuarantineEntry> items = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT q.*, m.client_ip, m.envelope_from, m.subject "
                    + "FROM quarantine q JOIN message m ON m.id = q.message_id" + where
                    + " ORDER BY q.created_at DESC, q.id DESC OFFSET ? ROWS FETCH FIRST ? ROWS ONLY")) {
                Sql.bind(ps, pageArgs.toArray());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        int part = rs.getInt("part_index");
                        items.add(new QuarantineEntry(rs.getLong("id"), rs.getLong("message_id"),
                                rs.wasNull() ? null : part, rs.getString("file_name"), rs.getString("code"),
                                rs.getString("reason"), Sql.instant(rs, "created_at"), rs.getString("client_ip"),
                                rs.getString("envelope_from"), rs.getString("subject")));
                    }
                }
            }
            return new Page<>(items, total, page.limit(), page.offset());
        });
    }

    public Stats stats() {
        return db.read(c -> new Stats(
                Sql.count(c, "SELECT COUNT(*) FROM message"),
                Sql.count(c, "SELECT COUNT(*) FROM message WHERE state = ?", MessageStore.RECEIVED),
                Sql.count(c, "SELECT COUNT(*) FROM message WHERE state = ?", MessageStore.QUARANTINED),
                // daily_report's rows (one per day and flags) instead of a count of every report
                Sql.count(c, "SELECT COALESCE(SUM(reports), 0) FROM daily_report"),
                Sql.count(c, "SELECT COUNT(*) FROM report_duplicate"),
                Sql.count(c, "SELECT COUNT(*) FROM quarantine")));
    }

    private static Boolean bool(ResultSet rs, String column) throws SQLException {
        boolean v = rs.getBoolean(column);
        return rs.wasNull() ? null : v;
    }
}
