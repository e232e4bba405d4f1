package io.tlsrpt.collector.store;

import io.tlsrpt.collector.bench.Seeder;
import io.tlsrpt.collector.store.view.DomainSummary;
import io.tlsrpt.collector.store.view.FailureFilter;
import io.tlsrpt.collector.store.view.FailureGroup;
import io.tlsrpt.collector.support.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The failure list and the domain list read the sums over everything (the *_total roll-ups) when the period covers
 * every stored day, and sum the days otherwise: both ways give the same page, item for item, in every view mode,
 * over seeded reports (skewed domains, 20 reporters, 400 days, 5% unauthenticated).
 */
class ListPathsTest {
    @TempDir
    Path dataDir;

    @Test
    void totalsAndDaysGiveTheSameListsInEveryViewMode() throws Exception {
        try (Collector collector = Collector.start(dataDir, Map.of())) {
            Seeder.seed(collector.context(), 400, 2, 100, 11);
            Database db = collector.context().getBean(Database.class);
            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            Period all = new Period(today.minusDays(500), today);
            boolean coversAll = db.read(c -> Coverage.coversEverything(c, all));
            assertTrue(coversAll);
            Period month = new Period(today.minusDays(30), today);
            boolean coversMonth = db.read(c -> Coverage.coversEverything(c, month));
            assertFalse(coversMonth);
            for (boolean authenticated : new boolean[]{false, true}) {
                for (boolean own : new boolean[]{false, true}) {
                    Visibility v = new Visibility(authenticated, own);
                    FailureFilter everything = new FailureFilter(all, null, null, null, v);
                    List<FailureGroup> totals = allPages(p -> db.read(c -> FailureGroupQueries.fromTotals(c,
                            everything, p)));
                    List<FailureGroup> days = allPages(p -> db.read(c -> FailureGroupQueries.fromDays(c,
                            everything, p)));
                    assertTrue(totals.size() > 100, "seeded failure groups: " + totals.size());
                    assertEquals(days, totals, "failure list, " + v);
                    String result = totals.get(0).resultType();
                    FailureFilter oneResult = new FailureFilter(all, null, result, null, v);
                    assertEquals(allPages(p -> db.read(c -> FailureGroupQueries.fromDays(c, oneResult, p))),
                            allPages(p -> db.read(c -> FailureGroupQueries.fromTotals(c, oneResult, p))),
                            "failure list of " + result + ", " + v);
                    List<DomainSummary> domainTotals = allPages(p -> db.read(c ->
                            DashboardQueries.domainsFromTotals(c, v, p)));
                    assertTrue(domainTotals.size() > 100, "seeded domains: " + domainTotals.size());
                    assertEquals(allPages(p -> db.read(c -> DashboardQueries.domainsFromDays(c, all, v, p))),
                            domainTotals, "domain list, " + v);
                    assertReportersAsRaw(db, all, v, domainTotals);
                    assertReportersAsRaw(db, month, v, allPages(p -> db.read(c ->
                            DashboardQueries.domainsFromDays(c, month, v, p))));
                    // The report list, counted from daily_report and started at the day where the offset falls,
                    // against every report id of the period in the list's order.
                    DashboardQueries queries = collector.context().getBean(DashboardQueries.class);
                    for (Period period : List.of(all, month)) {
                        List<Long> expected = db.read(c -> {
                            List<Long> ids = new ArrayList<>();
                            try (var ps = c.prepareStatement("SELECT id FROM report r WHERE utc_day BETWEEN ? AND ?"
                                    + v.sql("r") + " ORDER BY utc_day DESC, id DESC")) {
                                Sql.bind(ps, period.from(), period.to());
                                try (var rs = ps.executeQuery()) {
                                    while (rs.next()) {
                                        ids.add(rs.getLong(1));
                                    }
                                }
                            }
                            return ids;
                        });
                        assertFalse(expected.isEmpty());
                        assertEquals(expected, allPages(p -> queries.reports(null, period, v, p)).stream()
                                .map(r -> r.id()).toList(), "report list, " + period + ", " + v);
                    }
                }
            }
            // Periods that leave out a few stored days (at the start; at both ends) read the sums over everything
            // less those days' rows (CorrectedSumsQueries), with the days, reporters and counts of summing the days.
            Period stored = db.read(Coverage::storedDays);
            for (Period period : List.of(new Period(stored.from().plusDays(1), stored.to()),
                    new Period(stored.from().plusDays(40), stored.to().minusDays(3)))) {
                for (boolean authenticated : new boolean[]{false, true}) {
                    for (boolean own : new boolean[]{false, true}) {
                        Visibility v = new Visibility(authenticated, own);
                        FailureFilter f = new FailureFilter(period, null, null, null, v);
                        assertTrue(db.read(c -> CorrectedSumsQueries.failureGroups(c, f, stored,
                                new PageRequest(1, 0))).isPresent(), "the sums less the outside days serve " + period);
                        List<FailureGroup> groups = allPages(p -> entry(collector).failures(f, p));
                        assertTrue(groups.size() > 100, "failure groups: " + groups.size());
                        assertEquals(allPages(p -> db.read(c -> FailureGroupQueries.fromDays(c, f, p))), groups,
                                "failure list, " + period + ", " + v);
                        FailureFilter oneResult = new FailureFilter(period, null, groups.get(0).resultType(), null, v);
                        assertEquals(allPages(p -> db.read(c -> FailureGroupQueries.fromDays(c, oneResult, p))),
                                allPages(p -> entry(collector).failures(oneResult, p)),
                                "failure list of one result type, " + period + ", " + v);
                        List<DomainSummary> domains = allPages(p -> entry(collector).domains(period, v, p));
                        assertEquals(allPages(p -> db.read(c -> DashboardQueries.domainsFromDays(c, period, v, p))),
                                domains, "domain list, " + period + ", " + v);
                        assertReportersAsRaw(db, period, v, domains);
                    }
                }
            }
            // The reporter filter (failure_group_reporter_day, or its settled sums) against the failure details of
            // that reporter's reports, alone and with a domain or a result type, in every view mode, over everything,
            // a month and a year back.
            String reporter = db.read(c -> {
                try (var rs = c.createStatement().executeQuery("SELECT organization_name FROM report "
                        + "GROUP BY organization_name ORDER BY COUNT(*) DESC, organization_name FETCH FIRST 1 ROWS ONLY")) {
                    rs.next();
                    return rs.getString(1);
                }
            });
            // A year back from today (a day short of the store) reads the reporter's settled sums (V14).
            collector.context().getBean(SettledWindow.class).refresh(today);
            Period dayShort = new Period(stored.from().plusDays(1), today);
            assertTrue(db.read(c -> CorrectedSumsQueries.reporterFailureGroups(c, new FailureFilter(dayShort, null,
                    null, reporter, Visibility.ALL), stored, new PageRequest(1, 0))).isPresent());
            int compared = 0;
            for (boolean authenticated : new boolean[]{false, true}) {
                for (boolean own : new boolean[]{false, true}) {
                    Visibility v = new Visibility(authenticated, own);
                    for (Period period : List.of(all, month, dayShort)) {
                        FailureFilter byReporter = new FailureFilter(period, null, null, reporter, v);
                        List<FailureGroup> groups = allPages(p -> db.read(c -> FailureGroupQueries.failures(c,
                                byReporter, p)));
                        assertEquals(rawGroups(db, byReporter), sorted(described(groups)),
                                "reporter, " + period + ", " + v);
                        assertFalse(groups.isEmpty());
                        FailureGroup first = groups.get(0);
                        for (FailureFilter f : List.of(
                                new FailureFilter(period, first.domain(), null, reporter, v),
                                new FailureFilter(period, null, first.resultType(), reporter, v),
                                new FailureFilter(period, first.domain(), first.resultType(), reporter, v))) {
                            List<FailureGroup> narrowed = allPages(p -> db.read(c -> FailureGroupQueries.failures(c,
                                    f, p)));
                            assertFalse(narrowed.isEmpty());
                            assertEquals(rawGroups(db, f), sorted(described(narrowed)), "reporter with " + f);
                            compared += narrowed.size();
                        }
                        compared += groups.size();
                    }
                }
            }
            assertTrue(compared > 100, "groups compared: " + compared);
            // The public entry points choose: the same answers through them.
            DashboardQueries entry = collector.context().getBean(DashboardQueries.class);
            FailureFilter everything = new FailureFilter(all, null, null, null, Visibility.ALL);
            assertEquals(allPages(p -> db.read(c -> FailureGroupQueries.fromDays(c, everything, p))),
                    allPages(p -> entry.failures(everything, p)));
        }
    }

    /** Each domain's reporters in the period, as the report rows give them. */
    static void assertReportersAsRaw(Database db, Period period, Visibility v, List<DomainSummary> domains) {
        Map<String, Long> raw = db.read(c -> {
            Map<String, Long> out = new java.util.HashMap<>();
            try (var ps = c.prepareStatement("SELECT p.domain, COUNT(DISTINCT r.organization_name) FROM policy p "
                    + "JOIN report r ON r.id = p.report_id WHERE r.utc_day BETWEEN ? AND ?" + v.sql("r")
                    + " GROUP BY p.domain")) {
                Sql.bind(ps, period.from(), period.to());
                try (var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), rs.getLong(2));
                    }
                }
            }
            return out;
        });
        assertEquals(raw.size(), domains.size(), "domains in " + period);
        for (DomainSummary d : domains) {
            assertEquals(raw.get(d.domain()), d.organizations(), "reporters of " + d.domain() + " in " + period);
        }
    }

    private static DashboardQueries entry(Collector collector) {
        return collector.context().getBean(DashboardQueries.class);
    }

    /** The list's groups as text, in its order (most failed sessions first): what is compared with the raw rows. */
    private static List<String> described(List<FailureGroup> groups) {
        return groups.stream().map(g -> g.domain() + " | " + g.policyType() + " | " + g.resultType() + " | "
                + g.sessions() + " | " + g.details() + " | " + g.firstDay() + " | " + g.lastDay()).toList();
    }

    /**
     * The filter's groups computed from the failure details, most failed sessions first (the list's order; groups of
     * equal sessions are ordered by their text on both sides, since the list orders them by id).
     */
    private static List<String> rawGroups(Database db, FailureFilter f) {
        return db.read(c -> {
            List<Object> args = new ArrayList<>(List.of(f.organization(), f.period().from(), f.period().to()));
            String where = " WHERE r.organization_name = ? AND r.utc_day BETWEEN ? AND ?" + f.visibility().sql("r");
            if (f.domain() != null) {
                where += " AND p.domain = ?";
                args.add(f.domain());
            }
            if (f.resultType() != null) {
                where += " AND f.result_type = ?";
                args.add(f.resultType());
            }
            List<String> out = new ArrayList<>();
            try (var ps = c.prepareStatement("SELECT p.domain, p.policy_type, f.result_type, "
                    + "SUM(f.failed_session_count), COUNT(*), MIN(r.utc_day), MAX(r.utc_day) FROM failure_detail f "
                    + "JOIN policy p ON p.id = f.policy_id JOIN report r ON r.id = f.report_id" + where
                    + " GROUP BY p.domain, p.policy_type, f.result_type, COALESCE(f.receiving_mx_norm, '')")) {
                Sql.bind(ps, args.toArray());
                try (var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1) + " | " + rs.getString(2) + " | " + rs.getString(3) + " | "
                                + rs.getLong(4) + " | " + rs.getLong(5) + " | " + rs.getObject(6, LocalDate.class)
                                + " | " + rs.getObject(7, LocalDate.class));
                    }
                }
            }
            return out;
        }).stream().sorted(BY_SESSIONS_THEN_TEXT).toList();
    }

    /**
     * The list's text in the raw side's order; that the list itself comes most failed sessions first is asserted
     * before.
     */
    private static List<String> sorted(List<String> described) {
        List<Long> sessions = described.stream().map(g -> Long.parseLong(g.split(" \\| ")[3])).toList();
        for (int i = 1; i < sessions.size(); i++) {
            assertTrue(sessions.get(i - 1) >= sessions.get(i), "most failed sessions first: " + sessions);
        }
        return described.stream().sorted(BY_SESSIONS_THEN_TEXT).toList();
    }

    private static final java.util.Comparator<String> BY_SESSIONS_THEN_TEXT = java.util.Comparator
            .comparingLong((String g) -> -Long.parseLong(g.split(" \\| ")[3])).thenComparing(g -> g);

    /** Every item, read 37 at a time (pages that end inside ties of sessions). */
    static <T> List<T> allPages(java.util.function.Function<PageRequest, Page<T>> read) {
        List<T> out = new ArrayList<>();
        for (int offset = 0; ; offset += 37) {
            Page<T> page = read.apply(new PageRequest(37, offset));
            out.addAll(page.items());
            assertEquals(page.total(), read.apply(new PageRequest(1, 0)).total());
            if (offset + 37 >= page.total()) {
                assertEquals(page.total(), out.size());
                return out;
            }
        }
    }
}
