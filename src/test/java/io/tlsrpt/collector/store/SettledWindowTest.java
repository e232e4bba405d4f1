package io.tlsrpt.collector.store;

import io.micronaut.context.ApplicationContext;
import io.tlsrpt.collector.bench.Seeder;
import io.tlsrpt.collector.e2e.RollupCheck;
import io.tlsrpt.collector.ingest.RetentionJob;
import io.tlsrpt.collector.store.view.FailureFilter;
import io.tlsrpt.collector.support.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static io.tlsrpt.collector.store.ListPathsTest.allPages;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The default period's lists read from the settled sums (schema V13) equal the lists summed from the days, item for
 * item and page by page, in every view mode: after the first build, after late reports for settled days (changed by
 * processing), after the retention purge removed settled days' reports, after the day changed, and after rebuilds
 * that ran while processing stored reports (the lock). So do the reporters' failure lists from their sums over the
 * settled days (V14), moved on by a day or built again. RollupCheck compares the settled sums with the raw rows each
 * time.
 */
class SettledWindowTest {
    @TempDir
    Path dataDir;

    @Test
    void theDefaultPeriodFromTheSettledSumsEqualsTheSummedDays() throws Exception {
        try (Collector collector = Collector.start(dataDir, Map.of("tlsrpt.retention.reports-days", 20))) {
            ApplicationContext ctx = collector.context();
            Database db = ctx.getBean(Database.class);
            DataSource ds = ctx.getBean(DataSource.class);
            SettledWindow window = ctx.getBean(SettledWindow.class);
            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            // 40 days up to yesterday: the settled days of the default period, yesterday after them, older days
            Seeder.seed(ctx, 600, 2, 100, 21, 40);
            window.refresh(today); // unless the job built it already
            assertFalse(window.refresh(today), "built once a day");
            int compared = assertSameLists(ctx, today);
            assertTrue(compared > 300, "items compared: " + compared);
            RollupCheck.assertRollupsEqualRawRows(ds);

            // Late reports: about 70% of these are for settled days, which processing now changes.
            Seeder.seed(ctx, 300, 2, 50, 22, 40);
            assertFalse(window.refresh(today), "not built again: kept current by processing");
            assertSameLists(ctx, today);
            RollupCheck.assertRollupsEqualRawRows(ds);

            // The purge removes the reports of the settled days before today - 20.
            long before = db.read(c -> Sql.count(c, "SELECT SUM(reports) FROM domain_settled WHERE view_mode = 0"));
            assertTrue(ctx.getBean(RetentionJob.class).purge(Instant.now()).reports() > 0);
            long after = db.read(c -> Sql.count(c, "SELECT SUM(reports) FROM domain_settled WHERE view_mode = 0"));
            assertTrue(after < before, "settled reports " + before + " -> " + after);
            assertSameLists(ctx, today);
            RollupCheck.assertRollupsEqualRawRows(ds);

            // The next day: built again, one day on.
            assertTrue(window.refresh(today.plusDays(1)));
            assertSameLists(ctx, today.plusDays(1));
            RollupCheck.assertRollupsEqualRawRows(ds);

            // Rebuilds for alternating days while processing stores reports of every day: none lost, none twice.
            CompletableFuture<Seeder.Result> seeding = CompletableFuture.supplyAsync(() -> {
                try {
                    return Seeder.seed(ctx, 400, 2, 10, 23, 30);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            int rebuilds = 0;
            for (int i = 0; !seeding.isDone(); i++) {
                rebuilds += window.refresh(today.plusDays(i % 2)) ? 1 : 0;
            }
            assertEquals(400, seeding.get().reports());
            assertTrue(rebuilds > 2, "rebuilds while storing: " + rebuilds);
            window.refresh(today);
            assertSameLists(ctx, today);
            RollupCheck.assertRollupsEqualRawRows(ds);
        }
    }

    /** Both lists of the default period ending on {@code day}, in every view mode; answers the items compared. */
    private static int assertSameLists(ApplicationContext ctx, LocalDate day) {
        Database db = ctx.getBean(Database.class);
        DashboardQueries queries = ctx.getBean(DashboardQueries.class);
        Period period = Period.lastDays(day, Period.DEFAULT_DAYS);
        int compared = 0;
        for (boolean authenticated : new boolean[]{false, true}) {
            for (boolean own : new boolean[]{false, true}) {
                Visibility v = new Visibility(authenticated, own);
                FailureFilter filter = new FailureFilter(period, null, null, null, v);
                boolean served = db.read(c -> SettledWindow.bounds(c).get().firstDay().equals(period.from())
                        && CorrectedSumsQueries.failureGroups(c, filter, Coverage.storedDays(c),
                        new PageRequest(1, 0)).isPresent());
                assertTrue(served, "the settled sums serve " + period);
                var groups = allPages(p -> queries.failures(filter, p));
                assertEquals(allPages(p -> db.read(c -> FailureGroupQueries.fromDays(c, filter, p))), groups,
                        "failure list, " + v);
                var domains = allPages(p -> queries.domains(period, v, p));
                assertEquals(allPages(p -> db.read(c -> DashboardQueries.domainsFromDays(c, period, v, p))),
                        domains, "domain list, " + v);
                ListPathsTest.assertReportersAsRaw(db, period, v, domains);
                assertFalse(groups.isEmpty());
                compared += groups.size() + domains.size();
            }
        }
        return compared + assertSameReporterLists(db, day);
    }

    /**
     * The failure lists of the biggest and the smallest reporter from their sums over the settled days (V14) equal
     * those summed from their days, over periods that add yesterday and today, subtract days at the start, and
     * subtract days at both ends, alone and with a result type, in every view mode; answers the items compared.
     */
    private static int assertSameReporterLists(Database db, LocalDate day) {
        Period stored = db.read(Coverage::storedDays);
        List<String> reporters = db.read(c -> {
            List<String> out = new ArrayList<>();
            try (var rs = c.createStatement().executeQuery("SELECT organization_name FROM report GROUP BY "
                    + "organization_name ORDER BY COUNT(*) DESC, organization_name")) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return List.of(out.get(0), out.get(out.size() - 1));
        });
        int compared = 0;
        for (String reporter : reporters) {
            for (Period period : List.of(new Period(stored.from(), day), new Period(stored.from().plusDays(1), day),
                    new Period(stored.from().plusDays(2), day.minusDays(3)))) {
                for (boolean authenticated : new boolean[]{false, true}) {
                    for (boolean own : new boolean[]{false, true}) {
                        Visibility v = new Visibility(authenticated, own);
                        FailureFilter f = new FailureFilter(period, null, null, reporter, v);
                        assertTrue(db.read(c -> CorrectedSumsQueries.reporterFailureGroups(c, f, stored,
                                new PageRequest(1, 0))).isPresent(), "the reporter's settled sums serve " + period);
                        var groups = allPages(p -> db.read(c -> FailureGroupQueries.failures(c, f, p)));
                        assertEquals(allPages(p -> db.read(c -> FailureGroupQueries.fromDays(c, f, p))), groups,
                                "failure list of " + reporter + ", " + period + ", " + v);
                        if (!groups.isEmpty()) {
                            FailureFilter oneResult = new FailureFilter(period, null, groups.get(0).resultType(),
                                    reporter, v);
                            assertEquals(allPages(p -> db.read(c -> FailureGroupQueries.fromDays(c, oneResult, p))),
                                    allPages(p -> db.read(c -> FailureGroupQueries.failures(c, oneResult, p))),
                                    "failure list of " + reporter + ", one result type, " + period + ", " + v);
                        }
                        compared += groups.size();
                    }
                }
            }
        }
        assertTrue(compared > 50, "reporters' groups compared: " + compared);
        return compared;
    }
}
