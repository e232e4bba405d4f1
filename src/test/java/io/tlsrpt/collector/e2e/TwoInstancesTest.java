package io.tlsrpt.collector.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.tlsrpt.collector.support.Collector;
import io.tlsrpt.collector.support.Mailer;
import io.tlsrpt.collector.support.Postgres;
import io.tlsrpt.collector.support.RawSmtp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 5: two collector instances on one PostgreSQL database (two MX hosts of one rua) receive the same report
 * e-mail at the same moment, many times over; each report is stored once, the other arrival is recorded as its
 * duplicate, and the roll-ups equal the raw rows. Each instance's sweep also picks up what the other received, so
 * the same message is processed by both at once as well. H2 in file mode cannot be shared by two processes: this
 * runs in the surefire execution "postgres" only.
 */
class TwoInstancesTest {
    static final int REPORTS = 20;

    @TempDir
    Path dir;

    @Test
    void theSameReportReceivedByBothAtOnceIsStoredOnce() throws Exception {
        assumeTrue(Postgres.enabled(), "two instances need a shared database: run with -Dtlsrpt.test.database=postgres");
        String url = Postgres.newDatabase();
        Random rnd = new Random(5);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        String[] domains = {"a.example", "b.example", "c.example"};
        String[] orgs = {"google.com", "microsoft.com"};
        List<SyntheticReports.Report> reports = new ArrayList<>();
        try (Collector a = Collector.start(dir.resolve("a"), Map.of("datasources.default.url", url));
             Collector b = Collector.start(dir.resolve("b"), Map.of("datasources.default.url", url))) {
            ExecutorService senders = Executors.newFixedThreadPool(2);
            try {
                for (int i = 0; i < REPORTS; i++) {
                    SyntheticReports.Report r = SyntheticReports.random(rnd, "two-" + i, today, 10, domains, orgs);
                    reports.add(r);
                    byte[] mail = r.email();
                    CountDownLatch go = new CountDownLatch(1);
                    Future<String> toA = senders.submit(() -> {
                        go.await();
                        return RawSmtp.send(a.smtpPort(), "noreply@" + r.org(), Mailer.RUA, mail);
                    });
                    Future<String> toB = senders.submit(() -> {
                        go.await();
                        return RawSmtp.send(b.smtpPort(), "noreply@" + r.org(), Mailer.RUA, mail);
                    });
                    go.countDown();
                    assertTrue(toA.get(60, TimeUnit.SECONDS).startsWith("250"));
                    assertTrue(toB.get(60, TimeUnit.SECONDS).startsWith("250"));
                }
            } finally {
                senders.shutdownNow();
            }
            RandomizedRollupsTest.waitUntilProcessed(a);
            assertStoredOnce(a, b, reports);

            // Both instances process every message again, at the same time: still stored once.
            ExecutorService reprocess = Executors.newFixedThreadPool(2);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (Collector c : List.of(a, b)) {
                    done.add(reprocess.submit(() -> {
                        for (int id = 1; id <= 2 * REPORTS; id++) {
                            assertEquals(200, c.post("/api/messages/" + id + "/reprocess").status());
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(120, TimeUnit.SECONDS);
                }
            } finally {
                reprocess.shutdownNow();
            }
            assertStoredOnce(a, b, reports);
        }
    }

    static void assertStoredOnce(Collector a, Collector b, List<SyntheticReports.Report> reports) throws Exception {
        JsonNode stats = RandomizedRollupsTest.json(a, "/api/stats");
        assertEquals(stats, RandomizedRollupsTest.json(b, "/api/stats"), "one database, one view");
        assertEquals(2 * REPORTS, stats.get("messagesReceived").asLong(), stats.toString());
        assertEquals(REPORTS, stats.get("reportsStored").asLong(), stats.toString());
        assertEquals(REPORTS, stats.get("duplicates").asLong(), stats.toString());
        assertEquals(0, stats.get("quarantineEntries").asLong(), stats.toString());

        DataSource ds = a.context().getBean(DataSource.class);
        assertEquals(0, RollupCheck.scalar(ds, "SELECT COUNT(*) FROM (SELECT report_key FROM report "
                + "GROUP BY report_key HAVING COUNT(*) > 1) x"), "a report key stored twice");
        assertEquals(REPORTS, RollupCheck.scalar(ds, "SELECT COUNT(DISTINCT report_key) FROM report_duplicate"));
        // Every message is either the stored copy or the duplicate, and the two copies of a report are the two
        // messages (one per instance), never one message twice.
        assertEquals(0, RollupCheck.scalar(ds, "SELECT COUNT(*) FROM message WHERE reports_stored + duplicates <> 1"));
        assertEquals(0, RollupCheck.scalar(ds, "SELECT COUNT(*) FROM report r JOIN report_duplicate d "
                + "ON d.report_key = r.report_key WHERE d.message_id = r.message_id"));

        RollupCheck.assertRollupsEqualRawRows(ds);
        Map<String, long[]> expected = SyntheticReports.expectedPerDomainDay(reports);
        assertEquals(RandomizedRollupsTest.text(expected), RandomizedRollupsTest.text(RollupCheck.rawPerDomainDay(ds)));
        assertEquals(RandomizedRollupsTest.text(expected),
                RandomizedRollupsTest.text(RandomizedRollupsTest.overviewPerDomainDay(b, expected)));
    }
}
