package io.tlsrpt.collector.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsrpt.collector.store.AlertStore;
import io.tlsrpt.collector.support.Collector;
import io.tlsrpt.collector.support.Mailer;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.smtp.server.SMTPServer;
import org.subethamail.wiser.Wiser;
import org.subethamail.wiser.WiserMessage;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Alerts end to end: reports mailed to a running collector raise new-failure, failure-rate and reporter-silent
 * alerts, each once; they reach a webhook (JDK HTTP server on loopback, failing the first attempt) and an SMTP sink
 * (SubEthaSMTP's Wiser), and are listed on /alerts and /api/alerts.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AlertsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);
    static final String HOSTILE_ORG = "<b>evil</b> \"reporter\" & co";

    @TempDir
    static Path dataDir;
    static Collector collector;
    static Mailer mailer;
    static WebhookReceiver webhook;
    static Wiser smtpSink;
    static int sent;

    @BeforeAll
    static void start() throws Exception {
        webhook = new WebhookReceiver();
        smtpSink = Wiser.create(SMTPServer.port(0).bindAddress(InetAddress.getLoopbackAddress()));
        smtpSink.start();
        collector = Collector.start(dataDir, Map.of(
                "tlsrpt.smtp.recipients", List.of(Mailer.RUA),
                "tlsrpt.alerts.webhook-url", webhook.url(),
                "tlsrpt.alerts.webhook-backoff", "100ms",
                "tlsrpt.alerts.webhook-retries", 2,
                "tlsrpt.alerts.smtp.host", "127.0.0.1",
                "tlsrpt.alerts.smtp.port", smtpSink.getServer().getPortAllocated(),
                "tlsrpt.alerts.smtp.from", "collector@alerts.test",
                "tlsrpt.alerts.smtp.to", List.of("ops@alerts.test"),
                "tlsrpt.alerts.dashboard-url", "http://127.0.0.1:8080/"));
        mailer = new Mailer(collector.smtpPort());
    }

    @AfterAll
    static void stop() {
        if (collector != null) {
            collector.close();
        }
        smtpSink.stop();
        webhook.close();
    }

    static void send(ReportJson report, String domain, String submitter, String reportId) throws Exception {
        mailer.sendJson(report.bytes(), domain, submitter, reportId, Mailer.RUA);
        sent++;
    }

    static void waitUntilProcessed() throws InterruptedException {
        waitFor("messages processed", () -> {
            JsonNode stats = json("/api/stats");
            return stats.get("messagesReceived").asLong() == sent && stats.get("messagesPending").asLong() == 0;
        });
    }

    static void waitFor(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    static JsonNode json(String path) {
        Collector.Http r = collector.get(path);
        assertEquals(200, r.status(), path + ": " + r.body());
        try {
            return JSON.readTree(r.body());
        } catch (Exception e) {
            throw new AssertionError(r.body(), e);
        }
    }

    static List<JsonNode> webhookBodies() {
        List<JsonNode> out = new ArrayList<>();
        for (WebhookReceiver.Request r : webhook.requests()) {
            try {
                out.add(JSON.readTree(r.body()));
            } catch (Exception e) {
                throw new AssertionError(r.body(), e);
            }
        }
        return out;
    }

    static AlertEvaluator evaluator() {
        return collector.context().getBean(AlertEvaluator.class);
    }

    @Test
    @Order(1)
    void newFailureAndFailureRateAlertOnceEachThroughWebhookAndEmail() throws Exception {
        webhook.failNext(1, 503); // the first POST fails: the alert must be retried, not lost
        // 100 of 1,100 sessions failed yesterday: 9.1 % > 5 %, with more than 100 sessions; and a new failure group.
        send(ReportJson.of("reporter-one.example", "r1-a", TODAY.minusDays(1), "a.example", 1000)
                .failure("certificate-expired", "mx1.a.example", 100), "a.example", "reporter-one.example", "r1-a");
        waitUntilProcessed();
        waitFor("two alerts delivered", () -> webhook.requests().size() >= 3 && smtpSink.getMessages().size() >= 2);
        Thread.sleep(500);

        List<JsonNode> bodies = webhookBodies();
        assertEquals(3, bodies.size(), "one failed attempt and two alerts: " + bodies);
        assertEquals(bodies.get(0).get("id"), bodies.get(1).get("id"), "the failed POST is retried");
        JsonNode newFailure = find(bodies, AlertKinds.NEW_FAILURE);
        assertEquals("a.example", newFailure.get("domain").asText());
        assertEquals("certificate-expired", newFailure.get("facts").get("resultType").asText());
        assertEquals("mx1.a.example", newFailure.get("facts").get("receivingMx").asText());
        assertEquals(100, newFailure.get("facts").get("sessions").asLong());
        assertEquals(1, newFailure.get("facts").get("reporters").asLong(), "counted for the group that alerts");
        assertEquals("http://127.0.0.1:8080/domains/a.example", newFailure.get("url").asText());
        assertTrue(newFailure.get("text").asText().contains("certificate-expired"));
        JsonNode rate = find(bodies, AlertKinds.FAILURE_RATE);
        assertEquals(1000, rate.get("facts").get("successful").asLong());
        assertEquals(100, rate.get("facts").get("failed").asLong());
        assertEquals(0.0909, rate.get("facts").get("failureRate").asDouble(), 0.0001);
        for (WebhookReceiver.Request r : webhook.requests()) {
            assertEquals("POST", r.method());
            assertTrue(r.contentType().startsWith("application/json"), r.contentType());
        }

        List<String> subjects = new ArrayList<>();
        for (WiserMessage m : smtpSink.getMessages()) {
            MimeMessage mime = m.getMimeMessage();
            subjects.add(mime.getSubject());
            assertEquals("ops@alerts.test", m.getEnvelopeReceiver());
            assertEquals("collector@alerts.test", m.getEnvelopeSender());
            assertTrue(String.valueOf(mime.getContent()).contains("a.example"));
        }
        assertTrue(subjects.stream().anyMatch(s -> s.startsWith("[tlsrpt] New failure at a.example")), subjects.toString());
        assertTrue(subjects.stream().anyMatch(s -> s.startsWith("[tlsrpt] Failure rate 9.1% at a.example")),
                subjects.toString());

        JsonNode api = json("/api/alerts");
        assertEquals(2, api.get("total").asLong());
        for (JsonNode a : api.get("items")) {
            assertEquals("sent", a.get("webhookStatus").asText(), a.toString());
            assertEquals("sent", a.get("emailStatus").asText(), a.toString());
        }
        JsonNode first = find(api.get("items"), bodies.get(0).get("kind").asText());
        assertEquals(3, first.get("attempts").asInt(), "two webhook attempts and one e-mail: " + first);
    }

    @Test
    @Order(2)
    void theSameEventsDoNotAlertAgain() throws Exception {
        int before = webhook.requests().size();
        // Another reporter, the same failure group today, still failing: same events, within the cool-down.
        send(ReportJson.of("reporter-two.example", "r2-a", TODAY, "a.example", 500)
                .failure("Certificate-Expired", "mx1.a.example", 60), "a.example", "reporter-two.example", "r2-a");
        waitUntilProcessed();
        assertEquals(List.of(), evaluator().evaluate(List.of("a.example")));
        assertEquals(List.of(), evaluator().evaluateAll());
        Thread.sleep(2500); // the evaluation after the stored report has run by now
        assertEquals(before, webhook.requests().size(), webhookBodies().toString());
        assertEquals(2, json("/api/alerts").get("total").asLong());
    }

    @Test
    @Order(3)
    void aNewReceivingMxIsANewFailureGroupButOldHistoryIsNot() throws Exception {
        // An old failure group (30 days ago) is history: it never alerts, and a recent report of it is not new.
        send(ReportJson.of("reporter-one.example", "old-1", TODAY.minusDays(30), "b.example", 10)
                .failure("starttls-not-supported", "mx9.b.example", 3), "b.example", "reporter-one.example", "old-1");
        send(ReportJson.of("reporter-one.example", "new-1", TODAY.minusDays(1), "b.example", 1000)
                .failure("starttls-not-supported", "mx9.b.example", 3), "b.example", "reporter-one.example", "new-1");
        // A failure at another MX of a.example is a new group.
        send(ReportJson.of("reporter-one.example", "r1-b", TODAY, "a.example", 10)
                .failure("certificate-expired", "mx2.a.example", 1), "a.example", "reporter-one.example", "r1-b");
        waitUntilProcessed();
        evaluator().evaluateAll();
        waitFor("the new group's alert", () -> json("/api/alerts?kind=new-failure").get("total").asLong() == 2);
        JsonNode items = json("/api/alerts?kind=new-failure&domain=a.example").get("items");
        assertEquals(2, items.size());
        assertEquals("mx2.a.example", items.get(0).get("facts").get("receivingMx").asText(), "newest first");
        assertEquals(0, json("/api/alerts?domain=b.example").get("total").asLong());
    }

    @Test
    @Order(4)
    void aDailyReporterThatStopsAlertsOnce() throws Exception {
        LocalDate last = TODAY.minusDays(4); // nothing for the two days since whose reports are due
        for (int i = 4; i >= 0; i--) { // a report every day for five days, then none
            LocalDate day = last.minusDays(i);
            send(ReportJson.of(HOSTILE_ORG, "daily-" + day, day, "s.example", 200), "s.example", "daily.example",
                    "daily-" + day);
            if (i % 2 == 0) { // every other day only: not a daily reporter
                send(ReportJson.of("sporadic.example", "sporadic-" + day, day, "s.example", 200), "s.example",
                        "sporadic.example", "sporadic-" + day);
            }
        }
        for (int i = 8; i >= 1; i--) { // a reporter that keeps sending
            LocalDate day = TODAY.minusDays(i);
            send(ReportJson.of("steady.example", "steady-" + day, day, "s.example", 300), "s.example",
                    "steady.example", "steady-" + day);
        }
        waitUntilProcessed();
        evaluator().evaluateAll(); // the hourly evaluation, now
        JsonNode silent = json("/api/alerts?kind=reporter-silent");
        assertEquals(1, silent.get("total").asLong(), json("/api/alerts").toString());
        JsonNode alert = silent.get("items").get(0);
        assertEquals("s.example", alert.get("domain").asText());
        assertEquals(HOSTILE_ORG, alert.get("facts").get("organization").asText());
        assertEquals(last.toString(), alert.get("facts").get("lastDay").asText());
        assertEquals(List.of(), evaluator().evaluateAll(), "one alert per event");
        waitFor("delivered", () -> webhookBodies().stream().anyMatch(b -> b.get("kind").asText()
                .equals(AlertKinds.REPORTER_SILENT)));
    }

    @Test
    @Order(5)
    void thePageListsAlertsEscaped() {
        Collector.Http page = collector.get("/alerts");
        assertEquals(200, page.status(), page.body());
        assertTrue(page.contentType().startsWith("text/html"), page.contentType());
        assertTrue(page.body().contains("New failure at a.example: certificate-expired on mx1.a.example"), page.body());
        assertTrue(page.body().contains("&lt;b&gt;evil&lt;/b&gt;"), "the organisation's name is escaped");
        assertFalse(page.body().contains("<b>evil"), "no markup from a report reaches the page");
        assertFalse(page.body().contains("<script"), "no script on the page");
        Collector.Http filtered = collector.get("/alerts?kind=reporter-silent");
        assertEquals(200, filtered.status());
        assertFalse(filtered.body().contains("New failure at"), filtered.body());
        assertEquals(400, collector.get("/api/alerts?kind=nonsense").status());
        assertEquals(400, collector.get("/alerts?limit=0").status());
    }

    @Test
    @Order(6)
    void theApiIsPagedLikeTheOtherLists() {
        JsonNode all = json("/api/alerts");
        long total = all.get("total").asLong();
        assertEquals(4, total, all.toString());
        JsonNode page = json("/api/alerts?limit=1&offset=1");
        assertEquals(total, page.get("total").asLong());
        assertEquals(1, page.get("limit").asInt());
        assertEquals(1, page.get("offset").asInt());
        assertEquals(1, page.get("items").size());
        assertEquals(all.get("items").get(1).get("id"), page.get("items").get(0).get("id"));
    }

    @Test
    @Order(7)
    void theCooldownLetsAnEventAlertAgainLater() {
        AlertStore store = collector.context().getBean(AlertStore.class);
        AlertStore.NewAlert alert = new AlertStore.NewAlert("failure-rate\ncooldown.example", AlertKinds.FAILURE_RATE,
                "cooldown.example", "t", "d", "{}", false, false);
        Instant now = Instant.now();
        assertTrue(store.raise(alert, now, Duration.ofHours(24)).isPresent());
        assertTrue(store.raise(alert, now.plus(Duration.ofHours(23)), Duration.ofHours(24)).isEmpty());
        assertTrue(store.raise(alert, now.plus(Duration.ofHours(25)), Duration.ofHours(24)).isPresent());
        assertEquals("off", json("/api/alerts?domain=cooldown.example").get("items").get(0).get("webhookStatus").asText());
    }

    @Test
    @Order(8)
    void eachDeliveryIsTakenByOneInstance() {
        AlertStore store = collector.context().getBean(AlertStore.class);
        Instant now = Instant.now();
        long id = store.raise(new AlertStore.NewAlert("failure-rate\nclaim.example", AlertKinds.FAILURE_RATE,
                "claim.example", "t", "d", "{}", true, false), now, Duration.ofHours(24)).orElseThrow();
        assertTrue(store.undelivered(now.minus(Duration.ofHours(1)), 1000).contains(id));
        assertTrue(store.claimDelivery(id, now, now.minus(Duration.ofHours(1))), "the first instance takes it");
        assertFalse(store.claimDelivery(id, now, now.minus(Duration.ofHours(1))), "a second one does not");
        assertFalse(store.undelivered(now.minus(Duration.ofHours(1)), 1000).contains(id));
        Instant later = now.plus(Duration.ofHours(2));
        assertTrue(store.claimDelivery(id, later, later.minus(Duration.ofHours(1))),
                "taken again when the instance that took it never finished");
        store.delivered(id, "sent", "off", 1, null, later);
        assertFalse(store.claimDelivery(id, later.plus(Duration.ofHours(2)), later.plus(Duration.ofHours(1))),
                "a delivered alert is never sent again");
    }

    static JsonNode find(Iterable<JsonNode> nodes, String kind) {
        for (JsonNode n : nodes) {
            if (n.get("kind").asText().equals(kind)) {
                return n;
            }
        }
        throw new AssertionError("no " + kind + " in " + nodes);
    }
}
