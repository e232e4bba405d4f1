package io.tlsrpt.collector.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsrpt.collector.support.Collector;
import io.tlsrpt.collector.support.Mailer;
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
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 5, "roll-ups equal to the figures computed from the raw rows (randomised data)": random reports (domains,
 * reporters, policy and result types, days, counts, summaries that disagree with their details), some sent twice,
 * random messages processed again while processing runs and after; then every roll-up group equals the SQL over the
 * raw rows, and the overview per domain and day equals the figures computed here from the reports as generated.
 * The seed is printed; {@code -Dtlsrpt.test.seed=N} runs one again.
 */
class RandomizedRollupsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    @Test
    void rollupsEqualTheRawRowsAndTheGeneratedFigures() throws Exception {
        long seed = Long.getLong("tlsrpt.test.seed", System.nanoTime());
        System.out.println("RandomizedRollupsTest seed: " + seed);
        Random rnd = new Random(seed);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        String[] domains = {"a.example", "b.example", "c.example.net", "d.example.org", "e.example", "f.example"};
        String[] orgs = {"google.com", "microsoft.com", "mail.ru", "reporter.example"};
        List<SyntheticReports.Report> reports = new ArrayList<>();
        List<byte[]> mails = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            SyntheticReports.Report r = SyntheticReports.random(rnd, "rnd-" + seed + "-" + i, today, 40, domains, orgs);
            reports.add(r);
            mails.add(r.email());
        }
        // A quarter again, as a retry, a second rua or a second MX would send them: duplicates, counted once.
        int duplicates = 0;
        List<byte[]> sends = new ArrayList<>(mails);
        for (byte[] m : mails) {
            if (rnd.nextInt(4) == 0) {
                sends.add(rnd.nextInt(sends.size() + 1), m);
                duplicates++;
            }
        }
        // The same JSON sent in a new e-mail is a duplicate too: the key is org, report-id and range, not the bytes.
        sends.add(reports.get(0).email());
        duplicates++;

        try (Collector collector = Collector.start(dataDir, Map.of())) {
            for (byte[] m : sends) {
                assertTrue(RawSmtp.send(collector.smtpPort(), "noreply@reporter.example", Mailer.RUA, m)
                        .startsWith("250"));
            }
            // Process random messages again while the worker is still at them, from three threads at once...
            reprocessRandomly(collector, rnd, sends.size(), 60);
            waitUntilProcessed(collector);
            // ...and after.
            reprocessRandomly(collector, rnd, sends.size(), 40);
            waitUntilProcessed(collector);

            JsonNode stats = json(collector, "/api/stats");
            assertEquals(sends.size(), stats.get("messagesReceived").asLong(), stats.toString());
            assertEquals(reports.size(), stats.get("reportsStored").asLong(), stats.toString());
            assertEquals(duplicates, stats.get("duplicates").asLong(), stats.toString());
            assertEquals(0, stats.get("quarantineEntries").asLong(), stats.toString());

            DataSource ds = collector.context().getBean(DataSource.class);
            int groups = RollupCheck.assertRollupsEqualRawRows(ds);
            assertTrue(groups > 50, "groups compared: " + groups);

            Map<String, long[]> expected = SyntheticReports.expectedPerDomainDay(reports);
            assertEquals(text(expected), text(RollupCheck.rawPerDomainDay(ds)), "raw rows against the generated data");
            assertEquals(text(expected), text(overviewPerDomainDay(collector, expected)),
                    "overview (roll-ups) per domain and day against the generated data");

            Map<String, long[]> failures = SyntheticReports.expectedFailuresPerDomain(reports);
            String period = "from=" + today.minusDays(60) + "&to=" + today;
            for (Map.Entry<String, long[]> e : failures.entrySet()) {
                JsonNode page = json(collector, "/api/failures?" + period + "&limit=1000&domain=" + e.getKey());
                long sessions = 0;
                long details = 0;
                for (JsonNode g : page.get("items")) {
                    sessions += g.get("sessions").asLong();
                    details += g.get("details").asLong();
                }
                assertEquals(page.get("total").asLong(), page.get("items").size());
                assertEquals(e.getValue()[0], sessions, "failed sessions of " + e.getKey());
                assertEquals(e.getValue()[1], details, "failure details of " + e.getKey());
            }
        }
    }

    /** POSTs /api/messages/{id}/reprocess for {@code count} random message ids, from three threads. */
    static void reprocessRandomly(Collector collector, Random rnd, int messages, int count) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                long id = 1 + rnd.nextInt(messages);
                results.add(pool.submit(() -> collector.post("/api/messages/" + id + "/reprocess").status()));
            }
            for (Future<Integer> f : results) {
                assertEquals(200, f.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** The overview called for each single day: per "domain day", {reports, successful, failed}. */
    static Map<String, long[]> overviewPerDomainDay(Collector collector, Map<String, long[]> expected) {
        Map<String, long[]> out = new TreeMap<>();
        java.util.Set<String> days = new java.util.TreeSet<>();
        expected.keySet().forEach(k -> days.add(k.substring(k.indexOf(' ') + 1)));
        for (String day : days) {
            JsonNode page = json(collector, "/api/domains?from=" + day + "&to=" + day + "&limit=1000");
            for (JsonNode d : page.get("items")) {
                out.put(d.get("domain").asText() + " " + day, new long[]{d.get("reports").asLong(),
                        d.get("successful").asLong(), d.get("failed").asLong()});
            }
        }
        return out;
    }

    static String text(Map<String, long[]> m) {
        StringBuilder b = new StringBuilder();
        m.forEach((k, v) -> b.append(k).append(' ').append(java.util.Arrays.toString(v)).append('\n'));
        return b.toString();
    }

    static void waitUntilProcessed(Collector collector) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (json(collector, "/api/stats").get("messagesPending").asLong() != 0) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("still pending after 60 s: " + json(collector, "/api/stats"));
            }
            Thread.sleep(100);
        }
    }

    static JsonNode json(Collector collector, String path) {
        try {
            Collector.Http r = collector.get(path);
            assertEquals(200, r.status(), path + ": " + r.body());
            return JSON.readTree(r.body());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
