package io.tlsrpt.collector.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.tlsrpt.collector.ingest.RetentionJob;
import io.tlsrpt.collector.store.RetentionStore;
import io.tlsrpt.collector.support.Collector;
import io.tlsrpt.collector.support.Mailer;
import io.tlsrpt.collector.support.RawSmtp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 5, retention ({@code tlsrpt.retention.reports-days}, {@code raw-days}): the purge deletes reports older than
 * reports-days with their duplicates and roll-up contributions (the roll-ups keep equalling the raw rows), deletes
 * raw copies older than raw-days while the report pages keep working, and deletes nothing with both settings 0.
 * The purge is called with a "now" in the future to age what the test sent.
 */
class RetentionTest {
    @TempDir
    Path dir;

    static SyntheticReports.Report report(String id, LocalDate day, String domain, long ok, long failed,
                                          String... resultTypes) {
        List<SyntheticReports.Detail> details = new ArrayList<>();
        for (String t : resultTypes) {
            details.add(new SyntheticReports.Detail(t, "192.0.2.1", "mx1." + domain, "198.51.100.1", failed));
        }
        return new SyntheticReports.Report("google.com", id, day, List.of(
                new SyntheticReports.Policy("sts", domain, ok, failed * resultTypes.length, details)));
    }

    @Test
    void reportsAndRawCopiesOlderThanTheSettingsArePurgedAndTheRollupsStayEqualToTheRawRows() throws Exception {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        SyntheticReports.Report recent = report("recent", today.minusDays(1), "a.example", 100, 3,
                "certificate-expired");
        SyntheticReports.Report edge = report("edge", today.minusDays(30), "a.example", 50, 2, "starttls-not-supported");
        SyntheticReports.Report tenDays = report("ten-days", today.minusDays(10), "b.example", 70, 1,
                "certificate-host-mismatch", "validation-failure");
        SyntheticReports.Report justOld = report("just-old", today.minusDays(31), "a.example", 10, 4,
                "certificate-expired");
        SyntheticReports.Report old = report("old", today.minusDays(45), "b.example", 20, 5, "certificate-expired",
                "dane-required");
        SyntheticReports.Report ancient = report("ancient", today.minusDays(100), "c.example", 30, 6,
                "sts-policy-fetch-error");
        List<SyntheticReports.Report> all = List.of(recent, edge, tenDays, justOld, old, ancient);
        try (Collector c = Collector.start(dir.resolve("data"), Map.of("tlsrpt.retention.reports-days", 30,
                "tlsrpt.retention.raw-days", 10))) {
            RetentionJob job = c.context().getBean(RetentionJob.class);
            assertTrue(job.isScheduled());
            for (SyntheticReports.Report r : all) {
                send(c, r.email());
            }
            send(c, old.email()); // a duplicate of a report that will be purged
            send(c, tenDays.email()); // a duplicate of one that stays
            new Mailer(c.smtpPort()).sendJson("not json".getBytes(StandardCharsets.UTF_8), "q.example", "q.example",
                    "q", Mailer.RUA);
            RandomizedRollupsTest.waitUntilProcessed(c);
            DataSource ds = c.context().getBean(DataSource.class);
            assertStats(c, 9, 6, 2, 1);
            RollupCheck.assertRollupsEqualRawRows(ds);

            // Now: reports whose day is more than 30 days back go, with their duplicates and roll-up contributions.
            Instant now = Instant.now();
            RetentionStore.Purged purged = job.purge(now);
            assertEquals(new RetentionStore.Purged(3, 1, 0, 0, 0), purged);
            assertEquals(Set.of("recent", "edge", "ten-days"), reportIds(c, today));
            assertStats(c, 9, 3, 1, 1);
            RollupCheck.assertRollupsEqualRawRows(ds);
            List<SyntheticReports.Report> kept = List.of(recent, edge, tenDays);
            Map<String, long[]> expected = SyntheticReports.expectedPerDomainDay(kept);
            assertEquals(RandomizedRollupsTest.text(expected),
                    RandomizedRollupsTest.text(RandomizedRollupsTest.overviewPerDomainDay(c, expected)));
            assertEquals(0, RollupCheck.scalar(ds, "SELECT COUNT(*) FROM daily_domain WHERE utc_day < DATE '"
                    + today.minusDays(30) + "'"));
            assertEquals(0, RollupCheck.scalar(ds, "SELECT COUNT(*) FROM daily_failure WHERE utc_day < DATE '"
                    + today.minusDays(30) + "'"));
            JsonNode failures = RandomizedRollupsTest.json(c, "/api/failures?from=" + today.minusDays(400) + "&to="
                    + today + "&limit=1000");
            assertEquals(4, failures.get("total").asLong(), failures.toString());
            assertFalse(failures.toString().contains("dane-required"), "only in a purged report");
            assertEquals(RetentionStore.NOTHING, job.purge(now), "a second purge finds nothing");

            // Eleven days on: every raw copy is older than 10 days; the report pages still render.
            purged = job.purge(now.plus(Duration.ofDays(11)));
            assertEquals(new RetentionStore.Purged(1, 0, 0, 9, 0), purged); // "edge" is now 41 days back
            assertEquals(Set.of("recent", "ten-days"), reportIds(c, today));
            RollupCheck.assertRollupsEqualRawRows(ds);
            long id = RandomizedRollupsTest.json(c, "/api/reports?from=" + today.minusDays(5) + "&to=" + today)
                    .get("items").get(0).get("id").asLong();
            Collector.Http page = c.get("/reports/" + id);
            assertEquals(200, page.status());
            assertTrue(page.body().contains("raw copy of the message was purged"), page.body());
            assertTrue(page.body().contains("certificate-expired"), "the stored rows are still shown");
            JsonNode api = RandomizedRollupsTest.json(c, "/api/reports/" + id);
            assertTrue(api.get("detail").get("message").get("rawPurged").asBoolean(), api.toString());
            long messageId = api.get("detail").get("message").get("id").asLong();
            assertEquals(404, c.get("/messages/" + messageId + "/raw").status());
            assertEquals(404, c.get("/reports/" + id + "/json").status());
            // Nothing to process again without the raw copy; what was stored from it stays.
            assertEquals(404, c.post("/api/messages/" + messageId + "/reprocess").status());
            assertEquals(200, c.get("/api/reports/" + id).status());
            assertEquals(200, c.get("/quarantine").status());

            // A year on: everything goes, message rows included (nothing is left of them).
            purged = job.purge(now.plus(Duration.ofDays(400)));
            assertEquals(new RetentionStore.Purged(2, 1, 1, 0, 9), purged);
            assertStats(c, 0, 0, 0, 0);
            assertEquals(0, RollupCheck.scalar(ds, "SELECT COUNT(*) FROM daily_domain"));
            assertEquals(0, RollupCheck.scalar(ds, "SELECT COUNT(*) FROM daily_failure"));
            for (String total : List.of("failure_group_day", "failure_group_reporter_day", "failure_group_total",
                    "domain_total", "domain_reporter_total", "daily_report", "failure_group_result_count",
                    "failure_group_reporter_settled")) {
                assertEquals(0, RollupCheck.scalar(ds, "SELECT COUNT(*) FROM " + total), total);
            }
            assertEquals(0, RollupCheck.scalar(ds, "SELECT COUNT(*) FROM policy"));
            assertEquals(0, RollupCheck.scalar(ds, "SELECT COUNT(*) FROM failure_detail"));
        }
    }

    @Test
    void unprocessedMessagesKeepTheirRawCopyAndNothingIsPurgedWithBothSettingsZero() throws Exception {
        try (Collector c = Collector.start(dir.resolve("unprocessed"), Map.of("tlsrpt.retention.reports-days", 1,
                "tlsrpt.retention.raw-days", 1, "tlsrpt.processing.enabled", false))) {
            send(c, report("waiting", LocalDate.now(ZoneOffset.UTC).minusDays(3), "a.example", 1, 1,
                    "certificate-expired").email());
            RetentionJob job = c.context().getBean(RetentionJob.class);
            assertEquals(RetentionStore.NOTHING, job.purge(Instant.now().plus(Duration.ofDays(100))));
            assertEquals(200, c.get("/messages/1/raw").status(), "a message not processed yet keeps its raw copy");
        }
        try (Collector c = Collector.start(dir.resolve("defaults"), Map.of())) {
            send(c, report("kept", LocalDate.now(ZoneOffset.UTC).minusDays(300), "a.example", 1, 1,
                    "certificate-expired").email());
            RandomizedRollupsTest.waitUntilProcessed(c);
            RetentionJob job = c.context().getBean(RetentionJob.class);
            assertFalse(job.isScheduled(), "both settings 0: no purge is scheduled");
            assertEquals(RetentionStore.NOTHING, job.purge(Instant.now().plus(Duration.ofDays(1000))));
            assertStats(c, 1, 1, 0, 0);
            assertEquals(200, c.get("/messages/1/raw").status());
        }
    }

    static void send(Collector c, byte[] mail) {
        assertTrue(RawSmtp.send(c.smtpPort(), "noreply@google.com", Mailer.RUA, mail).startsWith("250"));
    }

    static Set<String> reportIds(Collector c, LocalDate today) {
        JsonNode page = RandomizedRollupsTest.json(c, "/api/reports?from=" + today.minusDays(400) + "&to=" + today
                + "&limit=1000");
        Set<String> ids = new TreeSet<>();
        page.get("items").forEach(r -> ids.add(r.get("reportId").asText()));
        assertEquals(page.get("total").asLong(), ids.size());
        return ids;
    }

    static void assertStats(Collector c, long messages, long reports, long duplicates, long quarantine) {
        JsonNode stats = RandomizedRollupsTest.json(c, "/api/stats");
        assertEquals(messages, stats.get("messagesReceived").asLong(), stats.toString());
        assertEquals(reports, stats.get("reportsStored").asLong(), stats.toString());
        assertEquals(duplicates, stats.get("duplicates").asLong(), stats.toString());
        assertEquals(quarantine, stats.get("quarantineEntries").asLong(), stats.toString());
    }
}
