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
            // The public entry points choose: the same answers through them.
            DashboardQueries entry = collector.context().getBean(DashboardQueries.class);
            FailureFilter everything = new FailureFilter(all, null, null, null, Visibility.ALL);
            assertEquals(allPages(p -> db.read(c -> FailureGroupQueries.fromDays(c, everything, p))),
                    allPages(p -> entry.failures(everything, p)));
        }
    }

    /** Every item, read 37 at a time (pages that end inside ties of sessions). */
    private static <T> List<T> allPages(java.util.function.Function<PageRequest, Page<T>> read) {
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
