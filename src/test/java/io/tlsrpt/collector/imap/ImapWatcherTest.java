package io.tlsrpt.collector.imap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsrpt.collector.support.Collector;
import io.tlsrpt.collector.support.Corpus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole collector reading a real IMAP mailbox (GreenMail on loopback): report e-mails in the folder are stored
 * once, moved (or flagged) only after that, new mail arrives through IDLE well before the poll interval, and a
 * mailbox that is down, or goes down, is reconnected to without harm to the rest of the collector.
 */
class ImapWatcherTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ALL = "from=2016-01-01&to=2026-12-31";

    @TempDir
    Path dataDir;

    static Map<String, Object> imapSettings(int port, String after, boolean idle, String pollInterval) {
        Map<String, Object> p = new HashMap<>();
        p.put("tlsrpt.imap.host", "127.0.0.1");
        p.put("tlsrpt.imap.port", port);
        p.put("tlsrpt.imap.ssl", "none");
        p.put("tlsrpt.imap.username", TestImapServer.USER);
        p.put("tlsrpt.imap.password", TestImapServer.PASSWORD);
        p.put("tlsrpt.imap.after", after);
        p.put("tlsrpt.imap.idle", idle);
        p.put("tlsrpt.imap.poll-interval", pollInterval);
        p.put("tlsrpt.imap.max-backoff", "2s");
        return p;
    }

    static JsonNode json(Collector c, String path) {
        Collector.Http r = c.get(path);
        assertEquals(200, r.status(), path + ": " + r.body());
        try {
            return JSON.readTree(r.body());
        } catch (Exception e) {
            throw new AssertionError(r.body(), e);
        }
    }

    static void waitFor(String what, long millis, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out after " + millis + " ms waiting for " + what);
    }

    static boolean received(Collector c, long messages) {
        JsonNode stats = json(c, "/api/stats");
        return stats.get("messagesReceived").asLong() == messages && stats.get("messagesPending").asLong() == 0;
    }

    @Test
    void storesEachMessageOnceMovesItAndGetsNewMailThroughIdle() throws Exception {
        Date received = Date.from(Instant.parse("2024-03-01T10:15:30Z"));
        try (TestImapServer imap = new TestImapServer(0)) {
            imap.append("INBOX", Corpus.bytes("mail-auth/rpt01.eml"), received);
            imap.append("INBOX", Corpus.bytes("mail-auth/rpt02.eml"), received);
            imap.append("INBOX", Corpus.bytes("parsedmarc/google.com_smtp_tls_report.eml"), received);
            // The RFC 8460 example again from another fixture: a duplicate report, counted once.
            imap.append("INBOX", Corpus.bytes("tlsrpt-be/test.eml"), received);
            // A poll interval far longer than the test: new mail can only come in through IDLE.
            try (Collector c = Collector.start(dataDir, imapSettings(imap.port(), "move", true, "60s"))) {
                waitFor("the folder's four messages", 30_000, () -> received(c, 4));
                JsonNode stats = json(c, "/api/stats");
                assertEquals(3, stats.get("reportsStored").asLong(), stats.toString());
                assertEquals(1, stats.get("duplicates").asLong(), stats.toString());
                waitFor("moved", 10_000, () -> count(imap, "INBOX") == 0);
                assertEquals(4, imap.count("tlsrpt-processed"));

                JsonNode report = json(c, "/api/reports?" + ALL).get("items").get(0);
                JsonNode message = json(c, "/api/reports/" + report.get("id").asLong()).get("detail").get("message");
                assertEquals("imap", message.get("channel").asText());
                assertEquals("2024-03-01T10:15:30Z", message.get("receivedAt").asText(), "the message's received date");
                assertTrue(message.get("clientIp").isNull(), message.toString());

                long before = System.currentTimeMillis();
                imap.append("INBOX", Corpus.bytes("email-report-processor/report.elm"), new Date());
                waitFor("the new message, through IDLE", 20_000, () -> received(c, 5));
                assertTrue(System.currentTimeMillis() - before < 20_000);
                waitFor("moved", 10_000, () -> count(imap, "INBOX") == 0);
                Thread.sleep(1500);
                assertEquals(5, json(c, "/api/stats").get("messagesReceived").asLong(), "nothing stored twice");

                String metrics = c.get("/prometheus").body();
                assertTrue(metrics.contains("\ntlsrpt_imap_connected 1\n"), metrics);
                assertTrue(metrics.contains("\ntlsrpt_messages_received_total{channel=\"imap\"} 5\n"), metrics);
            }
        }
    }

    @Test
    void flaggedMessagesAreNotStoredTwiceOverManyPolls() throws Exception {
        try (TestImapServer imap = new TestImapServer(0)) {
            imap.append("INBOX", Corpus.bytes("mail-auth/rpt01.eml"), new Date());
            imap.append("INBOX", Corpus.bytes("parsedmarc/google.com_smtp_tls_report.eml"), new Date());
            try (Collector c = Collector.start(dataDir, imapSettings(imap.port(), "flag", false, "500ms"))) {
                waitFor("the folder's two messages", 30_000, () -> received(c, 2));
                Thread.sleep(3000); // six polls
                assertEquals(2, json(c, "/api/stats").get("messagesReceived").asLong());
                assertEquals(2, json(c, "/api/stats").get("reportsStored").asLong());
                assertEquals(2, imap.count("INBOX"), "flagged messages stay in the folder");
                imap.flags("INBOX").forEach(f -> assertTrue(f.contains("tlsrpt-processed"), f.toString()));
                imap.append("INBOX", Corpus.bytes("mail-auth/rpt02.eml"), new Date());
                waitFor("the third message, by polling", 20_000, () -> received(c, 3));
            }
        }
    }

    @Test
    void idleIsRenewedAfterThePollIntervalOnTheSameConnection() throws Exception {
        try (TestImapServer imap = new TestImapServer(0)) {
            try (Collector c = Collector.start(dataDir, imapSettings(imap.port(), "move", true, "1s"))) {
                waitFor("connected", 10_000, () -> c.get("/prometheus").body().contains("\ntlsrpt_imap_connected 1\n"));
                Thread.sleep(3500); // three IDLEs ended by the bounded wait and started again
                String metrics = c.get("/prometheus").body();
                assertTrue(metrics.contains("\ntlsrpt_imap_errors_total 0\n"), metrics);
                assertTrue(metrics.contains("\ntlsrpt_imap_connected 1\n"), metrics);
                imap.append("INBOX", Corpus.bytes("mail-auth/rpt01.eml"), new Date());
                waitFor("the message", 10_000, () -> received(c, 1));
                assertTrue(c.get("/prometheus").body().contains("\ntlsrpt_imap_errors_total 0\n"));
            }
        }
    }

    @Test
    void aMailboxThatIsDownOrGoesDownIsReconnectedTo() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (Collector c = Collector.start(dataDir, imapSettings(port, "move", true, "60s"))) {
            // Nothing listens yet: the collector runs regardless.
            Thread.sleep(1500);
            assertEquals(200, c.get("/health").status());
            String metrics = c.get("/prometheus").body();
            assertTrue(metrics.contains("\ntlsrpt_imap_connected 0\n"), metrics);
            try (TestImapServer imap = new TestImapServer(port)) {
                imap.append("INBOX", Corpus.bytes("mail-auth/rpt01.eml"), new Date());
                waitFor("the message after the server came up", 30_000, () -> received(c, 1));
            }
            // The server went away while the watcher was idling; it comes back (empty) with new mail.
            try (TestImapServer imap = new TestImapServer(port)) {
                imap.append("INBOX", Corpus.bytes("mail-auth/rpt02.eml"), new Date());
                waitFor("the message after the server came back", 30_000, () -> received(c, 2));
                waitFor("moved", 10_000, () -> count(imap, "INBOX") == 0);
            }
            assertEquals(200, c.get("/health").status());
        }
    }

    @Test
    void aWrongPasswordIsRetriedWithoutStoppingTheCollector() throws Exception {
        try (TestImapServer imap = new TestImapServer(0)) {
            imap.append("INBOX", Corpus.bytes("mail-auth/rpt01.eml"), new Date());
            Map<String, Object> settings = imapSettings(imap.port(), "move", true, "60s");
            settings.put("tlsrpt.imap.password", "wrong");
            try (Collector c = Collector.start(dataDir, settings)) {
                waitFor("a failed login", 10_000, () -> c.get("/prometheus").body().matches(
                        "(?s).*\ntlsrpt_imap_errors_total [1-9].*"));
                assertEquals(200, c.get("/health").status());
                assertEquals(0, json(c, "/api/stats").get("messagesReceived").asLong());
                assertEquals(1, imap.count("INBOX"));
            }
        }
    }

    static int count(TestImapServer imap, String folder) {
        try {
            return imap.count(folder);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
