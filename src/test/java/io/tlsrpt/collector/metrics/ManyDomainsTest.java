package io.tlsrpt.collector.metrics;

import io.tlsrpt.collector.support.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 100,000 policy domains do not make 100,000 series: the biggest {@code max-domains} (default 100) get their own,
 * the rest are summed, and the scrape stays fast. /prometheus is behind the login when one is configured.
 */
class ManyDomainsTest {
    static final int DOMAINS = 100_000;
    static final String TOKEN = "metrics-test-token-0123456789";

    @TempDir
    Path dataDir;

    @Test
    void seriesStayBoundedAndTheSumsAddUp() throws Exception {
        try (Collector c = Collector.start(dataDir, Map.of("tlsrpt.http.auth.token", TOKEN))) {
            fill(c.context().getBean(DataSource.class));
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(c.baseUrl() + "/prometheus"))
                    .timeout(Duration.ofSeconds(60));
            assertEquals(401, http.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode(),
                    "behind the login like every other page");

            long start = System.nanoTime();
            HttpResponse<String> r = http.send(request.header("Authorization", "Bearer " + TOKEN).build(),
                    HttpResponse.BodyHandlers.ofString());
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(200, r.statusCode(), r.body());
            Map<String, Double> s = PrometheusEndpointTest.samples(r.body());
            long series = s.keySet().stream().filter(k -> k.startsWith("tlsrpt_sessions_total{")).count();
            // 100 domains with success and one failure type each, plus _other's two
            assertEquals(2 * 100 + 2, series, "series: " + series);
            assertEquals(DOMAINS, s.get("tlsrpt_policy_domains"));
            double success = s.entrySet().stream()
                    .filter(e -> e.getKey().startsWith("tlsrpt_sessions_total{") && e.getKey().contains("\"success\""))
                    .mapToDouble(Map.Entry::getValue).sum();
            assertEquals((double) DOMAINS * (DOMAINS + 1) / 2, success, "every session counted once");
            assertEquals((double) DOMAINS, s.get("tlsrpt_sessions_total{policy_domain=\"d100000.example\",result_type=\"success\"}"),
                    "the biggest domain has its own series");
            assertTrue(millis < 30_000, "scrape took " + millis + " ms");
            long again = System.nanoTime();
            assertEquals(r.body(), http.send(request.build(), HttpResponse.BodyHandlers.ofString()).body(),
                    "within tlsrpt.metrics.refresh the figures are not computed again");
            assertTrue(System.nanoTime() - again < 2_000_000_000L);
            assertTrue(r.body().length() < 200_000, "size " + r.body().length());
        }
    }

    /**
     * Writes the roll-ups of 100,000 domains directly, 10,000 rows a statement (H2's SYSTEM_RANGE or PostgreSQL's
     * generate_series): domain dN had N successful sessions and one failed session (certificate-expired), in the daily
     * roll-ups and in the sums over everything.
     */
    static void fill(DataSource ds) throws Exception {
        LocalDate day = LocalDate.now().minusDays(1);
        try (Connection c = ds.getConnection()) {
            boolean postgres = c.getMetaData().getDatabaseProductName().toLowerCase().contains("postgres");
            String range = postgres ? "generate_series(CAST(? AS INT), CAST(? AS INT)) AS r(x)" : "SYSTEM_RANGE(?, ?) r";
            String n = postgres ? "r.x" : "r.X";
            insert(c, day, "INSERT INTO daily_domain (group_key, utc_day, domain, organization_name, reports, successful, "
                    + "failed) SELECT LPAD(CAST(" + n + " AS VARCHAR), 64, '0'), ?, 'd' || " + n + " || '.example', "
                    + "'r.example', 1, " + n + ", 1 FROM " + range);
            insert(c, day, "INSERT INTO daily_failure (group_key, utc_day, domain, policy_type, result_type, "
                    + "receiving_mx, receiving_ip, sending_mta_ip, organization_name, sessions, details) SELECT "
                    + "LPAD(CAST(" + n + " AS VARCHAR), 64, '0'), ?, 'd' || " + n + " || '.example', 'sts', "
                    + "'certificate-expired', 'mx.d' || " + n + " || '.example', '', '', 'r.example', 1, 1 FROM " + range);
            // the sums over everything (view mode 0) that the metrics read
            insert(c, day, "INSERT INTO domain_total (view_mode, domain, reports, successful, failed, reporters, "
                    + "first_day, last_day) SELECT 0, 'd' || " + n + " || '.example', 1, " + n + ", 1, 1, "
                    + "CAST(? AS DATE), CAST(? AS DATE) FROM " + range, 2);
            insert(c, day, "INSERT INTO failure_group (id, group_key, domain, policy_type, result_type, receiving_mx) "
                    + "SELECT " + n + ", LPAD(CAST(" + n + " AS VARCHAR), 64, '0'), 'd' || " + n + " || '.example', "
                    + "'sts', 'certificate-expired', 'mx.d' || " + n + " || '.example' FROM " + range, 0);
            insert(c, day, "INSERT INTO failure_group_total (view_mode, group_id, domain, result_type, sessions, "
                    + "details, first_day, last_day) SELECT 0, " + n + ", 'd' || " + n + " || '.example', "
                    + "'certificate-expired', 1, 1, CAST(? AS DATE), CAST(? AS DATE) FROM " + range, 2);
        }
    }

    private static void insert(Connection c, LocalDate day, String sql) throws Exception {
        insert(c, day, sql, 1);
    }

    /** Runs the statement for every 10,000 domains; its first {@code days} parameters are the day. */
    private static void insert(Connection c, LocalDate day, String sql, int days) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int from = 1; from <= DOMAINS; from += 10_000) {
                for (int i = 1; i <= days; i++) {
                    ps.setObject(i, day);
                }
                ps.setInt(days + 1, from);
                ps.setInt(days + 2, from + 9_999);
                ps.executeUpdate();
            }
        }
    }
}
