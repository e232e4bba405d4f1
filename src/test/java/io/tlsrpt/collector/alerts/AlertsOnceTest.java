package io.tlsrpt.collector.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsrpt.collector.store.AlertStore;
import io.tlsrpt.collector.support.Collector;
import io.tlsrpt.collector.support.Mailer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With no cool-down at all, a failure rate that stays high alerts at every evaluation, but a new failure group and a
 * reporter's stop still alert once, although their conditions hold for days (no webhook or mail configured: the
 * alerts are only listed).
 */
class AlertsOnceTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);

    @TempDir
    Path dataDir;

    @Test
    void newFailuresAndStopsAlertOnceFailureRatesAfterTheCooldown() throws Exception {
        try (Collector c = Collector.start(dataDir, Map.of("tlsrpt.alerts.cooldown", "0s"))) {
            Mailer mailer = new Mailer(c.smtpPort());
            mailer.sendJson(ReportJson.of("r.example", "f1", TODAY.minusDays(1), "f.example", 900)
                    .failure("dnssec-invalid", "mx1.f.example", 100).bytes(), "f.example", "r.example", "f1", Mailer.RUA);
            LocalDate last = TODAY.minusDays(4);
            for (int i = 4; i >= 0; i--) {
                LocalDate day = last.minusDays(i);
                mailer.sendJson(ReportJson.of("daily.example", "d" + i, day, "s.example", 10).bytes(), "s.example",
                        "daily.example", "d" + i, Mailer.RUA);
            }
            long deadline = System.currentTimeMillis() + 60_000;
            while (true) {
                JsonNode stats = JSON.readTree(c.get("/api/stats").body());
                if (stats.get("messagesReceived").asLong() == 6 && stats.get("messagesPending").asLong() == 0) {
                    break;
                }
                assertTrue(System.currentTimeMillis() < deadline, stats.toString());
                Thread.sleep(100);
            }
            Thread.sleep(3000); // the evaluation that follows stored reports has run
            AlertEvaluator evaluator = c.context().getBean(AlertEvaluator.class);
            evaluator.evaluateAll();
            assertEquals(1, total(c, "new-failure"));
            assertEquals(1, total(c, "reporter-silent"));
            long rates = total(c, "failure-rate");
            assertTrue(rates >= 1);
            Thread.sleep(20); // past the (zero) cool-down
            List<Long> again = evaluator.evaluateAll();
            assertEquals(1, again.size(), "only the failure rate alerts again: " + again);
            assertEquals(1, total(c, "new-failure"));
            assertEquals(1, total(c, "reporter-silent"));
            assertEquals(rates + 1, total(c, "failure-rate"));

            AlertStore store = c.context().getBean(AlertStore.class);
            AlertStore.NewAlert once = new AlertStore.NewAlert("new-failure\nonce.example", AlertKinds.NEW_FAILURE,
                    "once.example", "t", "d", "{}", false, false);
            Instant now = Instant.now();
            assertTrue(store.raise(once, now, null).isPresent());
            assertTrue(store.raise(once, now.plus(Duration.ofDays(400)), null).isEmpty(), "never again");
        }
    }

    static long total(Collector c, String kind) throws Exception {
        return JSON.readTree(c.get("/api/alerts?kind=" + kind).body()).get("total").asLong();
    }
}
