package io.tlsrpt.collector.metrics;

import io.tlsrpt.collector.alerts.ReportJson;
import io.tlsrpt.collector.support.Collector;
import io.tlsrpt.collector.support.Mailer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /prometheus} on a running collector fed by SMTP: sessions per policy domain and result type with the
 * domains capped (the rest summed under _other), messages per channel, quarantine by reason, reports and
 * duplicates, ingest latency histograms, open SMTP connections and the backlog; every line valid exposition text.
 */
class PrometheusEndpointTest {
    /** One sample line of the text format: name, optional labels, value. */
    static final Pattern SAMPLE = Pattern.compile(
            "[a-zA-Z_:][a-zA-Z0-9_:]*(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\\\n]|\\\\[\\\\\"n])*\",?)*})? "
                    + "(-?[0-9.]+(E-?[0-9]+)?|\\+Inf|-Inf|NaN)");
    static final String HOSTILE = "q\"uote\\back.example";
    static final LocalDate DAY = LocalDate.now(ZoneOffset.UTC).minusDays(1);

    @TempDir
    static Path dataDir;
    static Collector collector;

    @BeforeAll
    static void start() throws Exception {
        collector = Collector.start(dataDir, Map.of("tlsrpt.metrics.max-domains", 2, "tlsrpt.metrics.refresh", "0s"));
        Mailer mailer = new Mailer(collector.smtpPort());
        // Six policy domains; by sessions: a stranger's name with a quote and a backslash (3000), one literally
        // named "_other" (2000), one (1050), two (500), three (110), four (15).
        mailer.sendJson(ReportJson.of("r.example", "h", DAY, HOSTILE, 3000).bytes(), "hostile.example", "r.example",
                "h", Mailer.RUA);
        mailer.sendJson(ReportJson.of("r.example", "o", DAY, "_other", 2000).bytes(), "other.example", "r.example",
                "o", Mailer.RUA);
        mailer.sendJson(ReportJson.of("r.example", "1", DAY, "one.example", 1000)
                .failure("certificate-expired", "mx1.one.example", 50).bytes(), "one.example", "r.example", "1", Mailer.RUA);
        mailer.sendJson(ReportJson.of("r.example", "2", DAY, "two.example", 500).bytes(), "two.example", "r.example",
                "2", Mailer.RUA);
        mailer.sendJson(ReportJson.of("r.example", "3", DAY, "three.example", 100)
                .failure("some-new-type", "mx1.three.example", 10).bytes(), "three.example", "r.example", "3", Mailer.RUA);
        byte[] four = ReportJson.of("r.example", "4", DAY, "four.example", 10)
                .failure("starttls-not-supported", "mx1.four.example", 5).bytes();
        mailer.sendJson(four, "four.example", "r.example", "4", Mailer.RUA);
        mailer.sendJson(four, "four.example", "r.example", "4", Mailer.RUA); // a duplicate
        mailer.sendRaw(("From: a@b.example\r\nTo: " + Mailer.RUA + "\r\nSubject: hello\r\n\r\nno report here\r\n")
                .getBytes(StandardCharsets.US_ASCII), Mailer.RUA); // quarantined: no-report
        long deadline = System.currentTimeMillis() + 60_000;
        while (!collector.get("/api/stats").body().contains("\"messagesPending\":0")
                || !collector.get("/api/stats").body().contains("\"messagesReceived\":8")) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError(collector.get("/api/stats").body());
            }
            Thread.sleep(100);
        }
    }

    @AfterAll
    static void stop() {
        collector.close();
    }

    static Map<String, Double> samples(String text) {
        Map<String, Double> out = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || line.isEmpty()) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            out.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return out;
    }

    @Test
    void everyLineIsValidExpositionText() {
        Collector.Http r = collector.get("/prometheus");
        assertEquals(200, r.status());
        assertTrue(r.contentType().startsWith("text/plain; version=0.0.4"), r.contentType());
        for (String line : r.body().split("\n")) {
            if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                continue;
            }
            assertTrue(SAMPLE.matcher(line).matches(), "not a valid sample line: " + line);
        }
    }

    @Test
    void sessionsPerDomainAreCappedAndTheRestSummed() {
        Map<String, Double> s = samples(collector.get("/prometheus").body());
        assertEquals(3000, s.get("tlsrpt_sessions_total{policy_domain=\"q\\\"uote\\\\back.example\",result_type=\"success\"}"),
                "label values escaped: " + s.keySet());
        assertEquals(1000, s.get("tlsrpt_sessions_total{policy_domain=\"one.example\",result_type=\"success\"}"));
        assertEquals(50, s.get("tlsrpt_sessions_total{policy_domain=\"one.example\",result_type=\"certificate-expired\"}"));
        // "_other" (the domain), two, three and four are outside the two biggest: summed, with a result type we do
        // not know as "other"; no two series with the same labels
        assertEquals(2000 + 500 + 100 + 10, s.get("tlsrpt_sessions_total{policy_domain=\"_other\",result_type=\"success\"}"));
        assertEquals(10, s.get("tlsrpt_sessions_total{policy_domain=\"_other\",result_type=\"other\"}"));
        assertEquals(5, s.get("tlsrpt_sessions_total{policy_domain=\"_other\",result_type=\"starttls-not-supported\"}"));
        assertTrue(s.keySet().stream().noneMatch(k -> k.contains("two.example") || k.contains("three.example")
                || k.contains("four.example")));
        assertEquals(6, s.get("tlsrpt_policy_domains"));
        String text = collector.get("/prometheus").body();
        assertEquals(text.lines().filter(l -> !l.startsWith("#")).count(),
                text.lines().filter(l -> !l.startsWith("#")).map(l -> l.substring(0, l.lastIndexOf(' '))).distinct()
                        .count(), "every series once");
    }

    @Test
    void messagesReportsDuplicatesAndQuarantine() {
        Map<String, Double> s = samples(collector.get("/prometheus").body());
        assertEquals(8, s.get("tlsrpt_messages_received_total{channel=\"smtp\"}"));
        assertEquals(1, s.get("tlsrpt_messages_quarantined_total{code=\"no-report\"}"));
        assertEquals(6, s.get("tlsrpt_reports_stored_total"));
        assertEquals(1, s.get("tlsrpt_reports_duplicate_total"));
        assertEquals(0, s.get("tlsrpt_messages_pending"));
        assertEquals(0, s.get("tlsrpt_processing_backlog"));
        assertEquals(0, s.get("tlsrpt_processing_queue_full_total"));
        assertTrue(s.containsKey("tlsrpt_smtp_open_connections"), s.toString());
    }

    @Test
    void ingestLatencyIsMeasured() {
        Map<String, Double> s = samples(collector.get("/prometheus").body());
        assertEquals(8, s.get("tlsrpt_ingest_store_seconds_count{channel=\"smtp\"}"),
                "needs Receiver to call the IngestListener beans (ingest/IngestListener.java)");
        assertEquals(8, s.get("tlsrpt_ingest_store_seconds_bucket{channel=\"smtp\",le=\"+Inf\"}"));
        assertTrue(s.get("tlsrpt_ingest_store_seconds_sum{channel=\"smtp\"}") > 0);
        assertEquals(8, s.get("tlsrpt_ingest_processing_seconds_count"),
                "needs MessageProcessor to call the IngestListener beans (ingest/IngestListener.java)");
    }
}
