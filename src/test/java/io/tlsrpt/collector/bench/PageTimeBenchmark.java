package io.tlsrpt.collector.bench;

import io.tlsrpt.collector.store.SettledWindow;

import com.fasterxml.jackson.databind.JsonNode;
import io.micronaut.context.ApplicationContext;
import io.tlsrpt.collector.support.Collector;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Page and API times over a large store: every GET page and API call of the web controllers (dashboard, API,
 * exports, alerts, check, settings, metrics, health), with the default period (the last 30 days), with a 400-day
 * period, and with typical filters (a big domain, a small domain, a result type, an organization, an offset deep
 * into the list), each called {@code --calls} times after {@code --warmup} calls, printing p50/p95/max per URL and
 * then every URL whose p95 is over 200 ms.
 *
 * <p>On H2 the database runs with the app's URL, which has {@code OPTIMIZE_REUSE_RESULTS=FALSE}: with it, H2 answers a
 * repeated query over unchanged tables from a cache of results, and every call after the first costs nothing on an
 * idle store (a collector that receives reports changes the tables all the time). {@code -Dbench.h2.reuseResults=true}
 * measures with the cache.
 *
 * <p>Server time is measured as the whole HTTP call on loopback with {@link HttpClient} (one call at a time: request,
 * the server's work, the whole answer read), which is the server's time plus well under a millisecond. Exports are
 * streams of up to {@code tlsrpt.export.max-rows} rows: for them the time to the answer's headers is measured (the
 * first page of rows is read before the headers are sent), and the whole download once, printed apart.
 *
 * <p>The store: {@code --reports N} seeds N reports with {@link Seeder} first (into {@code --data-dir}, or a temporary
 * directory deleted afterwards), or {@code --data-dir DIR} alone reuses a seeded directory. {@code --database
 * h2|postgres} as for the seeder; {@code --skip REGEX} leaves out the URLs whose name (first column) matches, e.g.
 * {@code --skip '.*export.*400d.*'} (a whole export of 400 days pages through up to tlsrpt.export.max-rows rows, each
 * page a full aggregation). The collector runs with processing and record checks off. Prints figures; asserts
 * nothing about time.
 *
 * <pre>
 * java -Xmx2g -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
 *     io.tlsrpt.collector.bench.PageTimeBenchmark --data-dir /tmp/seed-h2 --database h2 --calls 20
 * </pre>
 */
public final class PageTimeBenchmark {
    static final double TARGET_MS = 200;

    private PageTimeBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = Seeder.options(args);
        int calls = Integer.parseInt(o.getOrDefault("calls", "20"));
        int warmup = Integer.parseInt(o.getOrDefault("warmup", "3"));
        String database = o.getOrDefault("database", "h2");
        int pgPort = Integer.parseInt(o.getOrDefault("pg-port", String.valueOf(Seeder.DEFAULT_PG_PORT)));
        boolean temporary = !o.containsKey("data-dir");
        Path dataDir = temporary ? Files.createTempDirectory("tlsrpt-bench-pages")
                : Path.of(o.get("data-dir")).toAbsolutePath();
        Files.createDirectories(dataDir);
        try (Seeder.BenchDatabase db = Seeder.BenchDatabase.open(database, dataDir, pgPort)) {
            if (o.containsKey("reports")) {
                int reports = Integer.parseInt(o.get("reports"));
                try (ApplicationContext ctx = ApplicationContext.run(Seeder.contextProperties(dataDir,
                        db.datasource()))) {
                    db.beforeSeeding(ctx);
                    try {
                        Seeder.print(Seeder.seed(ctx, reports, Integer.parseInt(o.getOrDefault("threads", "2")),
                                Integer.parseInt(o.getOrDefault("batch", "500")), 8460));
                    } finally {
                        db.afterSeeding(ctx);
                    }
                }
            }
            Map<String, Object> props = new HashMap<>(db.datasource());
            props.put("tlsrpt.processing.enabled", false);
            if ("h2".equals(database) && Boolean.getBoolean("bench.h2.reuseResults")) {
                // With H2's cache of results, as the app ran before it turned it off: a page called twice on an idle
                // store costs nothing the second time, while on a collector receiving reports the tables change all
                // the time.
                props.put("datasources.default.url", "jdbc:h2:retry:file:" + dataDir + "/tlsrpt;MAX_COMPACT_TIME=2000;"
                        + "DB_CLOSE_ON_EXIT=FALSE;QUERY_CACHE_SIZE=128;OPTIMIZE_REUSE_RESULTS=TRUE");
            }
            try (Collector collector = Collector.start(dataDir, props)) {
                System.out.printf(Locale.ROOT, "PageTimeBenchmark on %s; data %.1f MB; %d timed calls per URL after "
                        + "%d warm-up calls%n", db.where(), BenchSupport.mb(db.size(collector.context())), calls,
                        warmup);
                System.out.println("stats " + BenchSupport.json(collector, "/api/stats"));
                // The default period's settled sums (schema V13) are built a few seconds after start-up; the pages
                // of the default period are measured with them.
                long started = System.nanoTime();
                boolean built = collector.context().getBean(SettledWindow.class)
                        .refresh(LocalDate.now(ZoneOffset.UTC));
                System.out.printf(Locale.ROOT, "settled sums of the default period: %s, %.1f s%n",
                        built ? "built" : "built by the collector's job (waited for it)",
                        (System.nanoTime() - started) / 1e9);
                run(collector, calls, warmup, o.get("skip"));
            }
        } finally {
            if (temporary) {
                BenchSupport.deleteTree(dataDir);
            }
        }
    }

    /** The URLs, by name; the seeder's biggest domain, a small one, a report and its message. */
    static Map<String, String> urls(Collector collector) {
        LocalDate yesterday = LocalDate.now(ZoneOffset.UTC).minusDays(1);
        String year = "from=" + yesterday.minusDays(Seeder.DAYS - 1) + "&to=" + yesterday;
        String big = Seeder.Model.domain(0);
        String small = Seeder.Model.domain(Seeder.DOMAINS - 1);
        JsonNode list = BenchSupport.json(collector, "/api/reports?" + year + "&domain=" + big + "&limit=1");
        if (list.get("items").isEmpty()) {
            throw new IllegalStateException("no report for " + big + ": is the store seeded? " + list);
        }
        long reportId = list.get("items").get(0).get("id").asLong();
        long messageId = list.get("items").get(0).get("messageId").asLong();
        String result = "certificate-expired";
        String org = "Google%20Inc.";
        Map<String, String> u = new LinkedHashMap<>();
        u.put("/ 30d", "/");
        u.put("/ 400d", "/?" + year);
        u.put("/ 400d offset 9000", "/?" + year + "&offset=9000");
        u.put("/failures 30d", "/failures");
        u.put("/failures 400d", "/failures?" + year);
        u.put("/failures 400d big domain", "/failures?" + year + "&domain=" + big);
        u.put("/failures 400d small domain", "/failures?" + year + "&domain=" + small);
        u.put("/failures 400d result", "/failures?" + year + "&result=" + result);
        u.put("/failures 400d org", "/failures?" + year + "&reporter=" + org);
        u.put("/failures 400d offset 50000", "/failures?" + year + "&offset=50000");
        u.put("/domains/big 30d", "/domains/" + big);
        u.put("/domains/big 400d", "/domains/" + big + "?" + year);
        u.put("/domains/small 400d", "/domains/" + small + "?" + year);
        u.put("/reports 30d", "/reports");
        u.put("/reports 400d", "/reports?" + year);
        u.put("/reports 400d offset 500000", "/reports?" + year + "&offset=500000");
        u.put("/reports 400d big domain", "/reports?" + year + "&domain=" + big);
        u.put("/reports 400d small domain", "/reports?" + year + "&domain=" + small);
        u.put("/reports/{id}", "/reports/" + reportId);
        u.put("/reports/{id}/json", "/reports/" + reportId + "/json");
        u.put("/messages/{id}/raw", "/messages/" + messageId + "/raw");
        u.put("/quarantine", "/quarantine");
        u.put("/check", "/check");
        u.put("/check?domain", "/check?domain=" + big);
        u.put("/settings", "/settings");
        u.put("/alerts", "/alerts");
        u.put("/api/domains 30d", "/api/domains");
        u.put("/api/domains 400d", "/api/domains?" + year);
        u.put("/api/domains 400d limit 1000", "/api/domains?" + year + "&limit=1000");
        u.put("/api/failures 30d", "/api/failures");
        u.put("/api/failures 400d", "/api/failures?" + year);
        u.put("/api/failures 400d big domain", "/api/failures?" + year + "&domain=" + big);
        u.put("/api/failures 400d result+org", "/api/failures?" + year + "&result=" + result + "&reporter=" + org);
        u.put("/api/reports 30d", "/api/reports");
        u.put("/api/reports 400d", "/api/reports?" + year);
        u.put("/api/reports 400d big domain", "/api/reports?" + year + "&domain=" + big);
        u.put("/api/reports 400d big offset 5000", "/api/reports?" + year + "&domain=" + big + "&offset=5000");
        u.put("/api/reports/{id}", "/api/reports/" + reportId);
        u.put("/api/quarantine", "/api/quarantine");
        u.put("/api/stats", "/api/stats");
        u.put("/api/domains/{d}/records", "/api/domains/" + big + "/records");
        u.put("/api/alerts", "/api/alerts");
        u.put("/prometheus", "/prometheus");
        u.put("/health", "/health");
        u.put("/export/failures.csv 30d*", "/export/failures.csv");
        u.put("/export/failures.json 400d*", "/export/failures.json?" + year);
        u.put("/export/reports.csv 400d big*", "/export/reports.csv?" + year + "&domain=" + big);
        u.put("/export/reports.json 30d*", "/export/reports.json");
        return u;
    }

    static void run(Collector collector, int calls, int warmup, String skip) throws Exception {
        Map<String, String> urls = urls(collector);
        if (skip != null) {
            urls.keySet().removeIf(name -> name.matches(skip));
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        System.out.println();
        System.out.printf(Locale.ROOT, "%-36s %8s %8s %8s %10s  %s%n", "URL", "p50 ms", "p95 ms", "max ms", "bytes",
                "called as");
        List<String> slow = new ArrayList<>();
        Map<String, Double> downloads = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : urls.entrySet()) {
            URI uri = URI.create(collector.baseUrl() + e.getValue());
            boolean export = e.getKey().endsWith("*");
            long size = 0;
            for (int i = 0; i < warmup; i++) {
                size = call(http, uri, false);
            }
            if (export) {
                long t = System.nanoTime();
                size = call(http, uri, false);
                downloads.put(e.getKey(), (System.nanoTime() - t) / 1e6);
            }
            double[] ms = new double[calls];
            for (int i = 0; i < calls; i++) {
                long t = System.nanoTime();
                call(http, uri, export);
                ms[i] = (System.nanoTime() - t) / 1e6;
            }
            Arrays.sort(ms);
            double p95 = BenchSupport.percentile(ms, 95);
            System.out.printf(Locale.ROOT, "%-36s %8.1f %8.1f %8.1f %10d  %s%n", e.getKey(),
                    BenchSupport.percentile(ms, 50), p95, ms[ms.length - 1], size, e.getValue());
            if (p95 > TARGET_MS) {
                slow.add(String.format(Locale.ROOT, "OVER %.0f ms: %-36s p95 %.1f ms  %s", TARGET_MS, e.getKey(), p95,
                        e.getValue()));
            }
        }
        System.out.println();
        System.out.println("* exports: time to the answer's headers (the first page is read before them); "
                + "whole downloads:");
        downloads.forEach((k, v) -> System.out.printf(Locale.ROOT, "  %-36s %.1f ms%n", k, v));
        System.out.println();
        System.out.println(slow.isEmpty() ? "every URL within " + TARGET_MS + " ms at p95" : String.join("\n", slow));
        System.out.println("after " + BenchSupport.heap());
    }

    /**
     * One GET; 200 expected (404 for the records of a domain never checked). Answers the bytes read: the whole body,
     * or none when {@code headersOnly} (the body is then discarded unread by closing the stream).
     */
    private static long call(HttpClient http, URI uri, boolean headersOnly) throws IOException, InterruptedException {
        HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(300)).GET()
                .build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            boolean fine = r.statusCode() == 200 || (r.statusCode() == 404 && uri.getPath().endsWith("/records"));
            if (!fine) {
                throw new IllegalStateException(uri + " answered " + r.statusCode() + ": "
                        + new String(in.readNBytes(2000), java.nio.charset.StandardCharsets.UTF_8));
            }
            if (headersOnly) {
                return 0;
            }
            long n = 0;
            byte[] buf = new byte[65536];
            for (int k; (k = in.read(buf)) > 0; ) {
                n += k;
            }
            return n;
        }
    }
}
