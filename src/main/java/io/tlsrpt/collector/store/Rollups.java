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
import java.util.Optional;
import java.util.function.Function;

/**
 * The roll-ups, changed in the transaction that stores or removes a report's rows, so that they always equal the
 * figures computed from those rows: per day daily_domain, daily_failure (finest: reporter and IP pair),
 * failure_group_day, failure_group_reporter_day (V10) and daily_report; over everything, per view mode,
 * domain_total, domain_reporter_total and failure_group_total with their row counts (schema V6; those of
 * failure_group_total also per result type, V15); for the settled days of the default period, domain_settled and
 * failure_group_settled (V13, {@link SettledWindow}), and per reporter over every settled day
 * failure_group_reporter_settled (V14): only contributions of those days, under the lock that keeps a rebuild out.
 * Adding and removing use the same contributions with opposite signs; the V6, V10, V13, V14 and V15 rows are derived
 * from the same contributions in {@link Delta#apply}.
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

    private record ReportDay(LocalDate day, boolean authenticated, boolean foreign) {
    }

    private static final class Sum {
        long reports;
        long successful;
        long failed;
        long sessions;
        long details;
        /** domain_total only: rows of domain_reporter_total created less those deleted. */
        long reporters;
        String shown;
        /** Whether anything was added or removed; the first and last day of what was added (the *_total rows). */
        boolean added;
        boolean removed;
        LocalDate first;
        LocalDate last;

        void mark(int sign) {
            if (sign > 0) {
                added = true;
            } else {
                removed = true;
            }
        }

        /** Takes over what another sum says about days (the contributions of one day, to a total). */
        void days(LocalDate day, Sum of) {
            if (of.added) {
                first = first == null || day.isBefore(first) ? day : first;
                last = last == null || day.isAfter(last) ? day : last;
            }
            removed |= of.removed;
        }
    }

    /** Summed changes of roll-up rows, applied once per row. */
    static final class Delta {
        private final Map<DomainKey, Sum> domains = new HashMap<>();
        private final Map<FailureKey, Sum> failures = new HashMap<>();
        private final Map<ReportDay, Sum> reportDays = new HashMap<>();

        /**
         * Adds (sign 1) or removes (sign -1) what the report contributes. The keys take the stored form of the text
         * ({@link Sql#text}): a change read back by {@link #subtractStored} in the same delta (processing a message
         * again) then meets the same key and nets out.
         */
        void add(ReportRow report, int sign) {
            LocalDate day = report.day();
            String org = Sql.text(report.organizationName());
            reportDays.computeIfAbsent(new ReportDay(day, report.authenticated(), report.foreignDomain()),
                    k -> new Sum()).reports += sign;
            java.util.Set<String> counted = new java.util.HashSet<>();
            for (PolicyRow p : report.policies()) {
                String domain = Sql.text(p.domain());
                Sum d = domains.computeIfAbsent(new DomainKey(day, domain, org, report.authenticated(),
                        report.foreignDomain()), k -> new Sum());
                d.mark(sign);
                if (counted.add(domain)) {
                    d.reports += sign; // a report counts once per policy domain, however many policies name it
                }
                d.successful += sign * p.successful();
                d.failed += sign * p.failed();
                for (FailureRow f : p.failures()) {
                    Sum s = failures.computeIfAbsent(new FailureKey(day, domain, Sql.text(p.policyType()),
                            Sql.text(f.resultType()), Sql.text(orEmpty(f.receivingMxNorm())),
                            Sql.text(orEmpty(f.receivingIp())), Sql.text(orEmpty(f.sendingMtaIp())), org,
                            report.authenticated(), report.foreignDomain()), k -> new Sum());
                    s.sessions += sign * f.failedSessionCount();
                    s.details += sign;
                    s.mark(sign);
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
                        s.removed = true;
                        s.reports -= rs.getLong(6);
                        s.successful -= rs.getLong(7);
                        s.failed -= rs.getLong(8);
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT r.utc_day, r.authenticated, r.foreign_domain, "
                    + "COUNT(*) FROM report r WHERE " + reportWhere + " GROUP BY r.utc_day, r.authenticated, "
                    + "r.foreign_domain")) {
                Sql.bind(ps, arg);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        reportDays.computeIfAbsent(new ReportDay(Sql.date(rs, "utc_day"), rs.getBoolean(2),
                                rs.getBoolean(3)), k -> new Sum()).reports -= rs.getLong(4);
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
                        s.removed = true;
                        s.sessions -= rs.getLong(11);
                        s.details -= rs.getLong(12);
                    }
                }
            }
        }

        /** Changes the roll-up rows and forgets the changes. */
        void apply(Connection c) throws SQLException {
            // first: the lock that keeps a rebuild of the settled sums out until this transaction ends
            Optional<SettledWindow.Bounds> settled = SettledWindow.boundsForWriting(c);
            List<Keyed<DomainKey>> ds = keyed(domains, k -> Sql.hash(k.day.toString(), k.domain, k.org,
                    String.valueOf(k.authenticated), String.valueOf(k.foreign)));
            DAILY_DOMAIN.apply(c, ds, BY_KEY, e -> null);
            List<Keyed<FailureKey>> fs = keyed(failures, k -> Sql.hash(k.day.toString(), k.domain, k.policyType,
                    k.resultType, k.mx, k.receivingIp, k.sendingIp, k.org, String.valueOf(k.authenticated),
                    String.valueOf(k.foreign)));
            DAILY_FAILURE.apply(c, fs, BY_KEY, e -> null);
            applyTotals(c, settled);
            applyFailureGroups(c, settled);
            // last: every transaction changes the row of the day its reports are for, so it is held briefly
            DAILY_REPORT.apply(c, keyed(reportDays, k -> null), Comparator.comparing((Keyed<ReportDay> e) -> e.k.day)
                    .thenComparing(e -> e.k.authenticated).thenComparing(e -> e.k.foreign), e -> null);
            domains.clear();
            failures.clear();
            reportDays.clear();
        }

        /** domain_total and domain_reporter_total: the domain changes summed per view mode. */
        private void applyTotals(Connection c, Optional<SettledWindow.Bounds> settled) throws SQLException {
            Map<ModeDomain, Sum> totals = new HashMap<>();
            Map<ModeDomain, Sum> settledSums = new HashMap<>();
            Map<ModeReporter, Sum> reporters = new HashMap<>();
            domains.forEach((k, s) -> {
                for (int mode : Visibility.modesOf(k.authenticated, k.foreign)) {
                    Sum t = totals.computeIfAbsent(new ModeDomain(mode, k.domain), x -> new Sum());
                    t.reports += s.reports;
                    t.successful += s.successful;
                    t.failed += s.failed;
                    t.days(k.day, s);
                    Sum r = reporters.computeIfAbsent(new ModeReporter(mode, k.domain, k.org), x -> new Sum());
                    r.reports += s.reports;
                    r.days(k.day, s);
                    if (settled.isPresent() && settled.get().contains(k.day)) {
                        Sum w = settledSums.computeIfAbsent(new ModeDomain(mode, k.domain), x -> new Sum());
                        w.reports += s.reports;
                        w.successful += s.successful;
                        w.failed += s.failed;
                        w.days(k.day, s);
                    }
                }
            });
            // domain_reporter_total first: the rows it creates and deletes per domain are domain_total's reporters,
            // changed with the rest of the row (the same order in every transaction: reporters, then domains)
            List<Keyed<ModeReporter>> rs = new ArrayList<>();
            for (Keyed<ModeReporter> e : changed(reporters)) {
                rs.add(new Keyed<>(Sql.hash(e.k().domain, e.k().org), e.k(), e.sum()));
            }
            Map<Object, Long> reporterRows = REPORTER_TOTAL.apply(c, rs,
                    Comparator.comparingInt((Keyed<ModeReporter> e) -> e.k().mode).thenComparing(Keyed::key),
                    e -> new ModeDomain(e.k().mode, e.k().domain));
            for (Keyed<ModeReporter> e : rs) {
                if (e.sum().removed) { // the last day may be gone: read it again from the days (V13)
                    ProcessingWriter.exec(c, "UPDATE domain_reporter_total SET last_day = (SELECT MAX(d.utc_day) "
                                    + "FROM daily_domain d WHERE d.domain = ? AND d.organization_name = ?"
                                    + MODE_CONDITION + ") WHERE view_mode = ? AND reporter_key = ?",
                            e.k().domain, e.k().org, authenticatedOnly(e.k().mode), ownOnly(e.k().mode), e.k().mode,
                            e.key());
                }
            }
            reporterRows.forEach((k, n) -> totals.computeIfAbsent((ModeDomain) k, x -> new Sum()).reporters += n);
            List<Keyed<ModeDomain>> changedTotals = changed(totals);
            count(c, "domain_total", DOMAIN_TOTAL.apply(c, changedTotals,
                    Comparator.comparingInt((Keyed<ModeDomain> e) -> e.k().mode).thenComparing(e -> e.k().domain),
                    e -> e.k().mode));
            for (Keyed<ModeDomain> e : changedTotals) {
                if (e.sum().removed) { // the first or last day may be gone: read them again from the days
                    ProcessingWriter.exec(c, "UPDATE domain_total SET first_day = (SELECT MIN(d.utc_day) "
                                    + "FROM daily_domain d WHERE d.domain = ?" + MODE_CONDITION + "), "
                                    + "last_day = (SELECT MAX(d.utc_day) FROM daily_domain d WHERE d.domain = ?"
                                    + MODE_CONDITION + ") "
                                    + "WHERE view_mode = ? AND domain = ?",
                            e.k().domain, authenticatedOnly(e.k().mode), ownOnly(e.k().mode), e.k().domain,
                            authenticatedOnly(e.k().mode), ownOnly(e.k().mode), e.k().mode, e.k().domain);
                }
            }
            if (settledSums.isEmpty()) {
                return;
            }
            SettledWindow.Bounds b = settled.get();
            List<Keyed<ModeDomain>> changedSettled = changed(settledSums);
            DOMAIN_SETTLED.apply(c, changedSettled, Comparator.comparingInt((Keyed<ModeDomain> e) -> e.k().mode)
                    .thenComparing(e -> e.k().domain), e -> e.k().mode);
            for (Keyed<ModeDomain> e : changedSettled) {
                if (e.sum().removed) { // the last day may be gone: read it again from the settled days
                    ProcessingWriter.exec(c, "UPDATE domain_settled SET last_day = COALESCE((SELECT MAX(d.utc_day) "
                                    + "FROM daily_domain d WHERE d.domain = ? AND d.utc_day BETWEEN ? AND ?"
                                    + MODE_CONDITION + "), last_day) WHERE view_mode = ? AND domain = ?",
                            e.k().domain, b.firstDay(), b.lastDay(), authenticatedOnly(e.k().mode),
                            ownOnly(e.k().mode), e.k().mode, e.k().domain);
                }
            }
        }

        /** failure_group, failure_group_day and failure_group_total: the failure changes summed per group. */
        private void applyFailureGroups(Connection c, Optional<SettledWindow.Bounds> settled) throws SQLException {
            if (failures.isEmpty()) {
                return;
            }
            Map<FailureGroups.Group, String> shown = new HashMap<>();
            failures.forEach((k, s) -> shown.merge(group(k), s.shown == null ? k.mx : s.shown, (a, b) -> a));
            Map<FailureGroups.Group, Long> ids = FailureGroups.ids(c, shown);
            Map<GroupDay, Sum> days = new HashMap<>();
            Map<ReporterGroupDay, Sum> reporterDays = new HashMap<>();
            Map<String, String> reporterKeys = new HashMap<>();
            Map<ModeGroup, Sum> totals = new HashMap<>();
            Map<ModeGroup, Sum> settledSums = new HashMap<>();
            Map<ModeReporterGroup, Sum> reporterSettled = new HashMap<>();
            failures.forEach((k, s) -> {
                long id = ids.get(group(k));
                Sum d = days.computeIfAbsent(new GroupDay(id, k.day, k.authenticated, k.foreign), x -> new Sum());
                d.sessions += s.sessions;
                d.details += s.details;
                String reporter = reporterKeys.computeIfAbsent(k.org, Rollups::organizationKey);
                Sum r = reporterDays.computeIfAbsent(new ReporterGroupDay(reporter, k.day, id, k.authenticated,
                        k.foreign), x -> new Sum());
                r.sessions += s.sessions;
                r.details += s.details;
                for (int mode : Visibility.modesOf(k.authenticated, k.foreign)) {
                    if (settled.isPresent() && settled.get().settles(k.day)) {
                        Sum w = reporterSettled.computeIfAbsent(new ModeReporterGroup(mode, reporter, id),
                                x -> new Sum());
                        w.sessions += s.sessions;
                        w.details += s.details;
                        w.days(k.day, s);
                    }
                    Sum t = totals.computeIfAbsent(new ModeGroup(mode, id, k.domain, k.resultType), x -> new Sum());
                    t.sessions += s.sessions;
                    t.details += s.details;
                    t.days(k.day, s);
                    if (settled.isPresent() && settled.get().contains(k.day)) {
                        Sum w = settledSums.computeIfAbsent(new ModeGroup(mode, id, k.domain, k.resultType),
                                x -> new Sum());
                        w.sessions += s.sessions;
                        w.details += s.details;
                        w.days(k.day, s);
                    }
                }
            });
            GROUP_DAY.apply(c, changed(days), Comparator.comparingLong((Keyed<GroupDay> e) -> e.k().groupId)
                    .thenComparing(e -> e.k().day).thenComparing(e -> e.k().authenticated)
                    .thenComparing(e -> e.k().foreign), e -> null);
            REPORTER_GROUP_DAY.apply(c, changed(reporterDays), Comparator.comparing(
                            (Keyed<ReporterGroupDay> e) -> e.k().organizationKey).thenComparing(e -> e.k().day)
                    .thenComparingLong(e -> e.k().groupId).thenComparing(e -> e.k().authenticated)
                    .thenComparing(e -> e.k().foreign), e -> null);
            List<Keyed<ModeGroup>> changedTotals = changed(totals);
            Map<Object, Long> created = GROUP_TOTAL.apply(c, changedTotals,
                    Comparator.comparingInt((Keyed<ModeGroup> e) -> e.k().mode).thenComparingLong(e -> e.k().groupId),
                    e -> new ModeResult(e.k().mode, e.k().resultType));
            Map<Object, Long> perMode = new HashMap<>();
            created.forEach((k, n) -> perMode.merge(((ModeResult) k).mode, n, Long::sum));
            count(c, "failure_group_total", perMode);
            countResults(c, created);
            for (Keyed<ModeGroup> e : changedTotals) {
                if (e.sum().removed) { // the first or last day may be gone: read them again from the days
                    readDaysAgain(c, "failure_group_total", " FROM failure_group_day d WHERE d.group_id = ?",
                            List.of(e.k().groupId), e.k().mode, "group_id = ?", List.of(e.k().groupId));
                }
            }
            applyReporterSettled(c, changed(reporterSettled), settled);
            if (settledSums.isEmpty()) {
                return;
            }
            SettledWindow.Bounds b = settled.get();
            List<Keyed<ModeGroup>> changedSettled = changed(settledSums);
            GROUP_SETTLED.apply(c, changedSettled, Comparator.comparingInt((Keyed<ModeGroup> e) -> e.k().mode)
                    .thenComparingLong(e -> e.k().groupId), e -> e.k().mode);
            for (Keyed<ModeGroup> e : changedSettled) {
                if (e.sum().removed) { // the first or last day may be gone: read them again from the settled days
                    readDaysAgain(c, "failure_group_settled", " FROM failure_group_day d WHERE d.group_id = ? "
                            + "AND d.utc_day BETWEEN ? AND ?", List.of(e.k().groupId, b.firstDay(), b.lastDay()),
                            e.k().mode, "group_id = ?", List.of(e.k().groupId));
                }
            }
        }
    }

    /**
     * failure_group_reporter_settled (V14): changed sums of the reporters' settled days; a row that lost
     * contributions has its first and last day read again from the reporter's days of its group (their index).
     */
    private static void applyReporterSettled(Connection c, List<Keyed<ModeReporterGroup>> changes,
                                             Optional<SettledWindow.Bounds> settled) throws SQLException {
        REPORTER_SETTLED.apply(c, changes, REPORTER_SETTLED_ORDER, e -> null);
        for (Keyed<ModeReporterGroup> e : changes) {
            if (e.sum().removed) {
                readDaysAgain(c, "failure_group_reporter_settled", " FROM failure_group_reporter_day d WHERE "
                        + "d.organization_key = ? AND d.group_id = ? AND d.utc_day <= ?", List.of(e.k().organizationKey,
                        e.k().groupId, settled.get().lastDay()), e.k().mode, "organization_key = ? AND group_id = ?",
                        List.of(e.k().organizationKey, e.k().groupId));
            }
        }
    }

    /**
     * Sets a row's first and last day again from its day rows, after contributions were removed: {@code days} is
     * " FROM (day table) d WHERE ..." with {@code dayArgs}, narrowed here to the row's view mode; {@code row} selects
     * the row of {@code table} in that mode, with {@code rowArgs}. A row left without days keeps them (the emptied
     * row was deleted already).
     */
    private static void readDaysAgain(Connection c, String table, String days, List<Object> dayArgs, int mode,
                                      String row, List<Object> rowArgs) throws SQLException {
        String inMode = days + MODE_CONDITION;
        List<Object> modeArgs = new ArrayList<>(dayArgs);
        modeArgs.addAll(List.of(authenticatedOnly(mode), ownOnly(mode)));
        List<Object> args = new ArrayList<>(modeArgs);
        args.addAll(modeArgs);
        args.add(mode);
        args.addAll(rowArgs);
        ProcessingWriter.exec(c, "UPDATE " + table + " SET first_day = COALESCE((SELECT MIN(d.utc_day)" + inMode
                + "), first_day), last_day = COALESCE((SELECT MAX(d.utc_day)" + inMode + "), last_day) "
                + "WHERE view_mode = ? AND " + row, args.toArray());
    }

    /**
     * Adds the reporters' days {@code from}..{@code to} to failure_group_reporter_settled (V14), when they become
     * settled ({@link SettledWindow#refresh}, under the exclusive lock). One pass over the day rows (they are keyed by
     * reporter first, so a day is a scan), summed per reporter, group and flags, then per view mode.
     */
    static void addReporterDays(Connection c, LocalDate from, LocalDate to) throws SQLException {
        Map<ModeReporterGroup, Sum> sums = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT d.organization_key, d.group_id, d.authenticated, "
                + "d.foreign_domain, SUM(d.sessions), SUM(d.details), MIN(d.utc_day), MAX(d.utc_day) "
                + "FROM failure_group_reporter_day d WHERE d.utc_day BETWEEN ? AND ? GROUP BY d.organization_key, "
                + "d.group_id, d.authenticated, d.foreign_domain")) {
            Sql.bind(ps, from, to);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Sum days = new Sum();
                    days.sessions = rs.getLong(5);
                    days.details = rs.getLong(6);
                    days.added = true;
                    LocalDate first = rs.getObject(7, LocalDate.class);
                    LocalDate last = rs.getObject(8, LocalDate.class);
                    for (int mode : Visibility.modesOf(rs.getBoolean(3), rs.getBoolean(4))) {
                        Sum s = sums.computeIfAbsent(new ModeReporterGroup(mode, rs.getString(1), rs.getLong(2)),
                                x -> new Sum());
                        s.sessions += days.sessions;
                        s.details += days.details;
                        s.days(first, days);
                        s.days(last, days);
                    }
                }
            }
        }
        REPORTER_SETTLED.apply(c, changed(sums), REPORTER_SETTLED_ORDER, e -> null);
    }

    /** The rows of a day table that count in a view mode (two parameters: authenticated only, own domains only). */
    static final String MODE_CONDITION = " AND (? = FALSE OR d.authenticated = TRUE) "
            + "AND (? = FALSE OR d.foreign_domain = FALSE)";

    private static boolean authenticatedOnly(int mode) {
        return (mode & 1) != 0;
    }

    private static boolean ownOnly(int mode) {
        return (mode & 2) != 0;
    }

    /** Changes rollup_count by the rows inserted less those deleted per view mode, in the order of the modes. */
    private static void count(Connection c, String table, Map<Object, Long> created) throws SQLException {
        for (Map.Entry<Object, Long> e : new java.util.TreeMap<>(created).entrySet()) {
            if (e.getValue() != 0) {
                ProcessingWriter.exec(c, "UPDATE rollup_count SET row_count = row_count + ? WHERE table_name = ? AND view_mode = ?",
                        e.getValue(), table, e.getKey());
            }
        }
    }

    /**
     * Changes failure_group_result_count (V15) by the rows of failure_group_total inserted less those deleted per view
     * mode and result type ({@link ModeResult}), in the order of their keys.
     */
    private static void countResults(Connection c, Map<Object, Long> created) throws SQLException {
        List<Keyed<ModeResult>> changes = new ArrayList<>();
        created.forEach((k, n) -> {
            if (n != 0) {
                Sum s = new Sum();
                s.details = n;
                ModeResult r = (ModeResult) k;
                changes.add(new Keyed<>(resultKey(r.resultType), r, s));
            }
        });
        RESULT_COUNT.apply(c, changes, Comparator.comparingInt((Keyed<ModeResult> e) -> e.k().mode)
                .thenComparing(Keyed::key), e -> null);
    }

    /** The result type's key in failure_group_result_count (schema V15). */
    static String resultKey(String resultType) {
        return Sql.hash(resultType);
    }

    /** The reporter's key in failure_group_reporter_day (schema V10). */
    static String organizationKey(String organizationName) {
        return Sql.hash(organizationName);
    }

    private static FailureGroups.Group group(FailureKey k) {
        return new FailureGroups.Group(k.domain, k.policyType, k.resultType, k.mx);
    }

    private record ModeDomain(int mode, String domain) {
    }

    private record ModeReporter(int mode, String domain, String org) {
    }

    private record GroupDay(long groupId, LocalDate day, boolean authenticated, boolean foreign) {
    }

    private record ModeGroup(int mode, long groupId, String domain, String resultType) {
    }

    private record ModeResult(int mode, String resultType) {
    }

    private record ModeReporterGroup(int mode, String organizationKey, long groupId) {
    }

    private static final Comparator<Keyed<ModeReporterGroup>> REPORTER_SETTLED_ORDER = Comparator
            .comparingInt((Keyed<ModeReporterGroup> e) -> e.k().mode).thenComparing(e -> e.k().organizationKey)
            .thenComparingLong(e -> e.k().groupId);

    private record ReporterGroupDay(String organizationKey, LocalDate day, long groupId, boolean authenticated,
                                    boolean foreign) {
    }

    private static final RollupRows<Keyed<DomainKey>> DAILY_DOMAIN = new RollupRows<>(
            "UPDATE daily_domain SET reports = reports + ?, successful = successful + ?, failed = failed + ? "
                    + "WHERE group_key = ?",
            e -> new Object[]{e.sum.reports, e.sum.successful, e.sum.failed, e.key},
            e -> e.sum.reports > 0,
            "INSERT INTO daily_domain (group_key, utc_day, domain, organization_name, reports, successful, failed, "
                    + "authenticated, foreign_domain) VALUES (?,?,?,?,?,?,?,?,?)",
            e -> new Object[]{e.key, e.k.day, e.k.domain, e.k.org, e.sum.reports, e.sum.successful, e.sum.failed,
                    e.k.authenticated, e.k.foreign},
            e -> e.sum.reports < 0,
            "DELETE FROM daily_domain WHERE group_key = ? AND reports <= 0", e -> new Object[]{e.key});

    private static final RollupRows<Keyed<FailureKey>> DAILY_FAILURE = new RollupRows<>(
            "UPDATE daily_failure SET sessions = sessions + ?, details = details + ? WHERE group_key = ?",
            e -> new Object[]{e.sum.sessions, e.sum.details, e.key},
            e -> e.sum.details > 0,
            "INSERT INTO daily_failure (group_key, utc_day, domain, policy_type, result_type, receiving_mx, "
                    + "receiving_mx_shown, receiving_ip, sending_mta_ip, organization_name, sessions, details, "
                    + "authenticated, foreign_domain) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            e -> new Object[]{e.key, e.k.day, e.k.domain, e.k.policyType, e.k.resultType, e.k.mx, e.sum.shown,
                    e.k.receivingIp, e.k.sendingIp, e.k.org, e.sum.sessions, e.sum.details, e.k.authenticated,
                    e.k.foreign},
            e -> e.sum.details < 0,
            "DELETE FROM daily_failure WHERE group_key = ? AND details <= 0", e -> new Object[]{e.key});

    private static final RollupRows<Keyed<ReportDay>> DAILY_REPORT = new RollupRows<>(
            "UPDATE daily_report SET reports = reports + ? WHERE utc_day = ? AND authenticated = ? "
                    + "AND foreign_domain = ?",
            e -> new Object[]{e.sum.reports, e.k.day, e.k.authenticated, e.k.foreign},
            e -> e.sum.reports > 0,
            "INSERT INTO daily_report (utc_day, authenticated, foreign_domain, reports) VALUES (?,?,?,?)",
            e -> new Object[]{e.k.day, e.k.authenticated, e.k.foreign, e.sum.reports},
            e -> e.sum.reports < 0,
            "DELETE FROM daily_report WHERE utc_day = ? AND authenticated = ? AND foreign_domain = ? "
                    + "AND reports <= 0",
            e -> new Object[]{e.k.day, e.k.authenticated, e.k.foreign});

    private static final RollupRows<Keyed<ModeDomain>> DOMAIN_TOTAL = new RollupRows<>(
            "UPDATE domain_total SET reports = reports + ?, successful = successful + ?, failed = failed + ?, "
                    + "first_day = LEAST(first_day, COALESCE(CAST(? AS DATE), first_day)), "
                    + "last_day = GREATEST(last_day, COALESCE(CAST(? AS DATE), last_day)), "
                    + "reporters = reporters + ? WHERE view_mode = ? AND domain = ?",
            e -> new Object[]{e.sum.reports, e.sum.successful, e.sum.failed, e.sum.first, e.sum.last,
                    e.sum.reporters, e.k.mode, e.k.domain},
            e -> e.sum.reports > 0,
            "INSERT INTO domain_total (view_mode, domain, reports, successful, failed, first_day, last_day, "
                    + "reporters) VALUES (?,?,?,?,?,?,?,?)",
            e -> new Object[]{e.k.mode, e.k.domain, e.sum.reports, e.sum.successful, e.sum.failed, e.sum.first,
                    e.sum.last, e.sum.reporters},
            e -> e.sum.reports < 0,
            "DELETE FROM domain_total WHERE view_mode = ? AND domain = ? AND reports <= 0",
            e -> new Object[]{e.k.mode, e.k.domain});

    private static final RollupRows<Keyed<ModeReporter>> REPORTER_TOTAL = new RollupRows<>(
            "UPDATE domain_reporter_total SET reports = reports + ?, "
                    + "last_day = GREATEST(last_day, COALESCE(CAST(? AS DATE), last_day)) "
                    + "WHERE view_mode = ? AND reporter_key = ?",
            e -> new Object[]{e.sum.reports, e.sum.last, e.k.mode, e.key},
            e -> e.sum.reports > 0,
            "INSERT INTO domain_reporter_total (view_mode, reporter_key, domain, organization_name, reports, "
                    + "last_day) VALUES (?,?,?,?,?,?)",
            e -> new Object[]{e.k.mode, e.key, e.k.domain, e.k.org, e.sum.reports, e.sum.last},
            e -> e.sum.reports < 0,
            "DELETE FROM domain_reporter_total WHERE view_mode = ? AND reporter_key = ? AND reports <= 0",
            e -> new Object[]{e.k.mode, e.key});

    private static final RollupRows<Keyed<GroupDay>> GROUP_DAY = new RollupRows<>(
            "UPDATE failure_group_day SET sessions = sessions + ?, details = details + ? WHERE group_id = ? "
                    + "AND utc_day = ? AND authenticated = ? AND foreign_domain = ?",
            e -> new Object[]{e.sum.sessions, e.sum.details, e.k.groupId, e.k.day, e.k.authenticated, e.k.foreign},
            e -> e.sum.details > 0,
            "INSERT INTO failure_group_day (group_id, utc_day, authenticated, foreign_domain, sessions, details) "
                    + "VALUES (?,?,?,?,?,?)",
            e -> new Object[]{e.k.groupId, e.k.day, e.k.authenticated, e.k.foreign, e.sum.sessions, e.sum.details},
            e -> e.sum.details < 0,
            "DELETE FROM failure_group_day WHERE group_id = ? AND utc_day = ? AND authenticated = ? "
                    + "AND foreign_domain = ? AND details <= 0",
            e -> new Object[]{e.k.groupId, e.k.day, e.k.authenticated, e.k.foreign});

    private static final RollupRows<Keyed<ReporterGroupDay>> REPORTER_GROUP_DAY = new RollupRows<>(
            "UPDATE failure_group_reporter_day SET sessions = sessions + ?, details = details + ? "
                    + "WHERE organization_key = ? AND utc_day = ? AND group_id = ? AND authenticated = ? "
                    + "AND foreign_domain = ?",
            e -> new Object[]{e.sum.sessions, e.sum.details, e.k.organizationKey, e.k.day, e.k.groupId,
                    e.k.authenticated, e.k.foreign},
            e -> e.sum.details > 0,
            "INSERT INTO failure_group_reporter_day (organization_key, utc_day, group_id, authenticated, "
                    + "foreign_domain, sessions, details) VALUES (?,?,?,?,?,?,?)",
            e -> new Object[]{e.k.organizationKey, e.k.day, e.k.groupId, e.k.authenticated, e.k.foreign,
                    e.sum.sessions, e.sum.details},
            e -> e.sum.details < 0,
            "DELETE FROM failure_group_reporter_day WHERE organization_key = ? AND utc_day = ? AND group_id = ? "
                    + "AND authenticated = ? AND foreign_domain = ? AND details <= 0",
            e -> new Object[]{e.k.organizationKey, e.k.day, e.k.groupId, e.k.authenticated, e.k.foreign});

    private static final RollupRows<Keyed<ModeGroup>> GROUP_TOTAL = new RollupRows<>(
            "UPDATE failure_group_total SET sessions = sessions + ?, details = details + ?, "
                    + "first_day = LEAST(first_day, COALESCE(CAST(? AS DATE), first_day)), "
                    + "last_day = GREATEST(last_day, COALESCE(CAST(? AS DATE), last_day)) "
                    + "WHERE view_mode = ? AND group_id = ?",
            e -> new Object[]{e.sum.sessions, e.sum.details, e.sum.first, e.sum.last, e.k.mode, e.k.groupId},
            e -> e.sum.details > 0,
            "INSERT INTO failure_group_total (view_mode, group_id, domain, result_type, sessions, details, "
                    + "first_day, last_day) VALUES (?,?,?,?,?,?,?,?)",
            e -> new Object[]{e.k.mode, e.k.groupId, e.k.domain, e.k.resultType, e.sum.sessions, e.sum.details,
                    e.sum.first, e.sum.last},
            e -> e.sum.details < 0,
            "DELETE FROM failure_group_total WHERE view_mode = ? AND group_id = ? AND details <= 0",
            e -> new Object[]{e.k.mode, e.k.groupId});

    private static final RollupRows<Keyed<ModeDomain>> DOMAIN_SETTLED = new RollupRows<>(
            "UPDATE domain_settled SET reports = reports + ?, successful = successful + ?, failed = failed + ?, "
                    + "last_day = GREATEST(last_day, COALESCE(CAST(? AS DATE), last_day)) "
                    + "WHERE view_mode = ? AND domain = ?",
            e -> new Object[]{e.sum.reports, e.sum.successful, e.sum.failed, e.sum.last, e.k.mode, e.k.domain},
            e -> e.sum.reports > 0,
            "INSERT INTO domain_settled (view_mode, domain, reports, successful, failed, last_day) "
                    + "VALUES (?,?,?,?,?,?)",
            e -> new Object[]{e.k.mode, e.k.domain, e.sum.reports, e.sum.successful, e.sum.failed, e.sum.last},
            e -> e.sum.reports < 0,
            "DELETE FROM domain_settled WHERE view_mode = ? AND domain = ? AND reports <= 0",
            e -> new Object[]{e.k.mode, e.k.domain});

    private static final RollupRows<Keyed<ModeGroup>> GROUP_SETTLED = new RollupRows<>(
            "UPDATE failure_group_settled SET sessions = sessions + ?, details = details + ?, "
                    + "first_day = LEAST(first_day, COALESCE(CAST(? AS DATE), first_day)), "
                    + "last_day = GREATEST(last_day, COALESCE(CAST(? AS DATE), last_day)) "
                    + "WHERE view_mode = ? AND group_id = ?",
            e -> new Object[]{e.sum.sessions, e.sum.details, e.sum.first, e.sum.last, e.k.mode, e.k.groupId},
            e -> e.sum.details > 0,
            "INSERT INTO failure_group_settled (view_mode, group_id, sessions, details, first_day, last_day) "
                    + "VALUES (?,?,?,?,?,?)",
            e -> new Object[]{e.k.mode, e.k.groupId, e.sum.sessions, e.sum.details, e.sum.first, e.sum.last},
            e -> e.sum.details < 0,
            "DELETE FROM failure_group_settled WHERE view_mode = ? AND group_id = ? AND details <= 0",
            e -> new Object[]{e.k.mode, e.k.groupId});

    private static final RollupRows<Keyed<ModeReporterGroup>> REPORTER_SETTLED = new RollupRows<>(
            "UPDATE failure_group_reporter_settled SET sessions = sessions + ?, details = details + ?, "
                    + "first_day = LEAST(first_day, COALESCE(CAST(? AS DATE), first_day)), "
                    + "last_day = GREATEST(last_day, COALESCE(CAST(? AS DATE), last_day)) "
                    + "WHERE view_mode = ? AND organization_key = ? AND group_id = ?",
            e -> new Object[]{e.sum.sessions, e.sum.details, e.sum.first, e.sum.last, e.k.mode, e.k.organizationKey,
                    e.k.groupId},
            e -> e.sum.details > 0,
            "INSERT INTO failure_group_reporter_settled (view_mode, organization_key, group_id, sessions, details, "
                    + "first_day, last_day) VALUES (?,?,?,?,?,?,?)",
            e -> new Object[]{e.k.mode, e.k.organizationKey, e.k.groupId, e.sum.sessions, e.sum.details, e.sum.first,
                    e.sum.last},
            e -> e.sum.details < 0,
            "DELETE FROM failure_group_reporter_settled WHERE view_mode = ? AND organization_key = ? AND group_id = ? "
                    + "AND details <= 0",
            e -> new Object[]{e.k.mode, e.k.organizationKey, e.k.groupId});

    /** Rows of failure_group_total per view mode and result type: {@code sum.details} is the change. */
    private static final RollupRows<Keyed<ModeResult>> RESULT_COUNT = new RollupRows<>(
            "UPDATE failure_group_result_count SET groups = groups + ? WHERE view_mode = ? AND result_key = ?",
            e -> new Object[]{e.sum.details, e.k.mode, e.key},
            e -> e.sum.details > 0,
            "INSERT INTO failure_group_result_count (view_mode, result_key, groups) VALUES (?,?,?)",
            e -> new Object[]{e.k.mode, e.key, e.sum.details},
            e -> e.sum.details < 0,
            "DELETE FROM failure_group_result_count WHERE view_mode = ? AND result_key = ? AND groups <= 0",
            e -> new Object[]{e.k.mode, e.key});

    private record Keyed<K>(String key, K k, Sum sum) {
    }

    /** The order of rows keyed by a hash: any order serves, as long as every transaction uses the same one. */
    private static final Comparator<Keyed<?>> BY_KEY = Comparator.comparing(Keyed::key);

    /** The groups with their row keys. */
    private static <K> List<Keyed<K>> keyed(Map<K, Sum> groups, Function<K, String> key) {
        List<Keyed<K>> list = new ArrayList<>(groups.size());
        groups.forEach((k, s) -> list.add(new Keyed<>(key.apply(k), k, s)));
        return list;
    }

    /**
     * The groups whose sums changed, or that lost contributions (their first or last day may have changed);
     * additions that cancel out in one transaction change nothing.
     */
    private static <K> List<Keyed<K>> changed(Map<K, Sum> groups) {
        List<Keyed<K>> list = new ArrayList<>(groups.size());
        groups.forEach((k, s) -> {
            if (s.reports != 0 || s.successful != 0 || s.failed != 0 || s.sessions != 0 || s.details != 0
                    || s.reporters != 0 || s.removed) {
                list.add(new Keyed<>(null, k, s));
            }
        });
        return list;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
