package io.tlsrpt.collector.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.tlsrpt.collector.ingest.Acceptance;
import io.tlsrpt.collector.ingest.Envelope;
import io.tlsrpt.collector.ingest.Receiver;
import io.tlsrpt.collector.support.Collector;
import jakarta.mail.Session;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;

/**
 * Page and API times over a realistic store: 10,000 synthetic reports (200 policy domains, 6 reporters, the 11
 * registered result types, 400 days ending yesterday) put in through the real ingest code ({@link Receiver#accept},
 * the same call the SMTP handler makes, then the background processing), then every page and API call 50 times
 * with {@link HttpClient} after a warm-up, printing p50/p95/max per URL.
 *
 * <p>Prints figures; asserts nothing about time. Arguments: {@code [reports] [repetitions]} or
 * {@code -Dbench.reports}, {@code -Dbench.repetitions}.
 */
public final class PageTimeBenchmark {
    static final int DOMAINS = 200;
    static final int DAYS = 400;
    static final int WARMUP = 10;
    static final long INGEST_TIMEOUT_MILLIS = 20 * 60_000;
    static final long MEASURE_TIMEOUT_MILLIS = 10 * 60_000;

    private PageTimeBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int reports = BenchSupport.intArg(args, 0, "bench.reports", 10_000);
        int repetitions = BenchSupport.intArg(args, 1, "bench.repetitions", 50);
        LocalDate yesterday = LocalDate.now(ZoneOffset.UTC).minusDays(1);
        LocalDate first = yesterday.minusDays(DAYS - 1);
        System.out.printf(Locale.ROOT, "PageTimeBenchmark: %d reports, %d domains, %d reporters, %d result types, "
                        + "%s..%s; %d timed calls per URL after %d warm-up calls%n", reports, DOMAINS,
                BenchSupport.REPORTERS.length, BenchSupport.RESULT_TYPES.length, first, yesterday, repetitions,
                WARMUP);

        Path dataDir = Files.createTempDirectory("tlsrpt-bench-pages");
        try {
            try (Collector collector = Collector.start(dataDir, Map.of())) {
                Receiver receiver = collector.context().getBean(Receiver.class);
                Session session = Session.getInstance(new Properties());
                Random rnd = new Random(8461);
                long ingestStart = System.nanoTime();
                long bytes = 0;
                long deadline = System.currentTimeMillis() + INGEST_TIMEOUT_MILLIS;
                int accepted = 0;
                for (int i = 0; i < reports && System.currentTimeMillis() < deadline; i++) {
                    String[] reporter = BenchSupport.REPORTERS[i % BenchSupport.REPORTERS.length];
                    String domain = domain((i / BenchSupport.REPORTERS.length) % DOMAINS);
                    LocalDate day = first.plusDays((long) rnd.nextInt(DAYS));
                    String reportId = "page-bench-" + i;
                    // 0 to 6 failure details; about a fifth of the reports have none (all sessions succeeded).
                    int details = rnd.nextInt(5) == 0 ? 0 : 1 + rnd.nextInt(6);
                    byte[] json = BenchSupport.report(rnd, reporter[0], reporter[1], reportId, domain, day, details, 0);
                    byte[] eml = SmtpLoadBenchmark.eml(session, json, domain, reporter[1], reportId, day);
                    bytes += eml.length;
                    Envelope envelope = new Envelope(Instant.now(), "127.0.0.1", "bench.reporter.test",
                            "noreply-smtp-tls-reporting@" + reporter[1], List.of(SmtpLoadBenchmark.RUA));
                    Acceptance a = receiver.accept("bench", envelope, eml);
                    if (!(a instanceof Acceptance.Accepted)) {
                        throw new IllegalStateException("message " + i + " not accepted: " + a);
                    }
                    accepted++;
                }
                long stored = System.nanoTime();
                JsonNode stats = BenchSupport.awaitProcessed(collector, accepted,
                        Math.max(60_000, deadline - System.currentTimeMillis()));
                long processed = System.nanoTime();
                System.out.printf(Locale.ROOT, "stored %d messages (%.1f MB) through Receiver.accept in %.1f s "
                                + "(%.0f/s); all processed after %.1f s (%.0f reports/s)%n", accepted,
                        BenchSupport.mb(bytes), (stored - ingestStart) / 1e9, accepted / ((stored - ingestStart) / 1e9),
                        (processed - ingestStart) / 1e9, accepted / ((processed - ingestStart) / 1e9));
                System.out.println("stats " + stats);
                System.out.printf(Locale.ROOT, "data directory %.1f MB%n",
                        BenchSupport.mb(BenchSupport.dirSize(dataDir)));

                String period = "from=" + first + "&to=" + yesterday;
                String domain = domain(0);
                JsonNode list = BenchSupport.json(collector, "/api/reports?" + period + "&limit=50");
                long reportId = -1;
                for (JsonNode r : list.get("items")) {
                    if (r.get("organization").asText().startsWith("Google")) {
                        reportId = r.get("id").asLong();
                        break;
                    }
                }
                if (reportId < 0) {
                    throw new IllegalStateException("no Google report in " + list);
                }

                Map<String, String> urls = new LinkedHashMap<>();
                urls.put("/", "/?" + period);
                urls.put("/failures", "/failures?" + period);
                urls.put("/domains/{d}", "/domains/" + domain + "?" + period);
                urls.put("/reports", "/reports?" + period);
                urls.put("/reports/{id}", "/reports/" + reportId);
                urls.put("/quarantine", "/quarantine");
                urls.put("/api/domains", "/api/domains?" + period);
                urls.put("/api/failures", "/api/failures?" + period);
                urls.put("/api/reports", "/api/reports?" + period);
                urls.put("/api/reports/{id}", "/api/reports/" + reportId);
                urls.put("/api/stats", "/api/stats");
                urls.put("/health", "/health");

                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
                long measureDeadline = System.currentTimeMillis() + MEASURE_TIMEOUT_MILLIS;
                System.out.println();
                System.out.printf(Locale.ROOT, "%-20s %8s %8s %8s %9s  %s%n", "URL", "p50 ms", "p95 ms", "max ms",
                        "chars", "called as");
                for (Map.Entry<String, String> e : urls.entrySet()) {
                    URI uri = URI.create(collector.baseUrl() + e.getValue());
                    int size = 0;
                    for (int i = 0; i < WARMUP; i++) {
                        size = call(http, uri).length();
                    }
                    double[] ms = new double[repetitions];
                    int done = 0;
                    for (; done < repetitions && System.currentTimeMillis() < measureDeadline; done++) {
                        long t = System.nanoTime();
                        call(http, uri);
                        ms[done] = (System.nanoTime() - t) / 1e6;
                    }
                    ms = Arrays.copyOf(ms, done);
                    Arrays.sort(ms);
                    System.out.printf(Locale.ROOT, "%-20s %8.1f %8.1f %8.1f %9d  %s%n", e.getKey(),
                            BenchSupport.percentile(ms, 50), BenchSupport.percentile(ms, 95),
                            ms.length == 0 ? Double.NaN : ms[ms.length - 1], size, e.getValue());
                }
                System.out.println();
                System.out.println("after " + BenchSupport.heap());
            }
            // The collector is closed now: H2 has written and compacted its file.
            System.out.printf(Locale.ROOT, "data directory after close %.1f MB (%s)%n",
                    BenchSupport.mb(BenchSupport.dirSize(dataDir)), BenchSupport.files(dataDir));
        } finally {
            BenchSupport.deleteTree(dataDir);
        }
    }

    static String domain(int i) {
        return String.format(Locale.ROOT, "domain-%03d.example", i);
    }

    private static String call(HttpClient http, URI uri) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(uri + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }
}
