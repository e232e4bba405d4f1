package io.tlsrpt.collector.hostile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsrpt.collector.support.Collector;
import io.tlsrpt.collector.support.Mailer;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A collector under attack, with the checks every hostile test makes after each message. */
final class Site implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String YEAR = "from=2025-01-01&to=2025-12-31";
    static final String FROM = "noreply-smtp-tls-reporting@hostile.test";
    static final long IDLE_TIMEOUT_MS = 180_000;

    final Collector collector;
    final Mailer mailer;
    /** Where a test's figures go (HostileMailTest prints them at the end). */
    java.util.function.Consumer<String> log = System.out::println;

    private Site(Collector collector) {
        this.collector = collector;
        this.mailer = new Mailer(collector.smtpPort());
    }

    static Site start(Path dataDir, Map<String, Object> settings) {
        return new Site(Collector.start(dataDir, settings));
    }

    /** Sends the message with Jakarta Mail's SMTP transport (bytes as parsed, not rebuilt); the DATA reply. */
    RawSmtp.Reply jakarta(byte[] eml) throws MessagingException {
        MimeMessage m = new MimeMessage(mailer.session(), new ByteArrayInputStream(eml));
        SMTPTransport t = (SMTPTransport) mailer.session().getTransport("smtp");
        try {
            t.connect();
            t.sendMessage(m, new Address[]{new InternetAddress(Mailer.RUA)});
            return new RawSmtp.Reply(t.getLastReturnCode(), t.getLastServerResponse());
        } catch (SMTPSendFailedException e) {
            return new RawSmtp.Reply(e.getReturnCode(), String.valueOf(e.getMessage()));
        } finally {
            t.close();
        }
    }

    /** Sends the bytes exactly as given over a plain socket; the DATA reply. */
    RawSmtp.Reply raw(byte[] eml) throws IOException {
        return RawSmtp.send(collector.smtpPort(), FROM, Mailer.RUA, eml);
    }

    JsonNode json(String path) {
        Collector.Http r = collector.get(path);
        assertEquals(200, r.status(), path + ": " + r.body());
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError(path + " did not answer JSON: " + r.body(), e);
        }
    }

    JsonNode stats() {
        return json("/api/stats");
    }

    /** Waits (bounded) until no stored message is waiting for processing. */
    void awaitIdle() throws InterruptedException {
        long deadline = System.currentTimeMillis() + IDLE_TIMEOUT_MS;
        while (stats().get("messagesPending").asLong() != 0) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("messages still pending after " + IDLE_TIMEOUT_MS / 1000 + " s: "
                        + stats());
            }
            Thread.sleep(50);
        }
    }

    /** The quarantine entries of one message (the quarantine is listed newest first, 1,000 at most here). */
    List<JsonNode> quarantineOf(long messageId) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode e : json("/api/quarantine?limit=1000").get("items")) {
            if (e.get("messageId").asLong() == messageId) {
                out.add(e);
            }
        }
        return out;
    }

    void assertHealthy() {
        Collector.Http h = collector.get("/health");
        assertEquals(200, h.status(), "GET /health: " + h.body());
    }

    /**
     * The message got a 250, was processed, and ended in quarantine with an entry whose code is one of
     * {@code codes} and whose reason contains every one of {@code reasonParts} (case-insensitive).
     *
     * @return that entry
     */
    JsonNode assertQuarantined(RawSmtp.Reply reply, List<String> codes, String... reasonParts)
            throws InterruptedException {
        assertEquals(250, reply.code(), "reply: " + reply);
        long id = reply.messageId();
        assertTrue(id > 0, "no message id in " + reply);
        long t0 = System.nanoTime();
        awaitIdle();
        long millis = (System.nanoTime() - t0) / 1_000_000;
        List<JsonNode> entries = quarantineOf(id);
        assertFalse(entries.isEmpty(), "message " + id + " is not in the quarantine: "
                + collector.get("/api/quarantine?limit=20").body());
        for (JsonNode e : entries) {
            String code = e.get("code").asText();
            String reason = e.get("reason").asText().toLowerCase();
            boolean all = codes.contains(code);
            for (String part : reasonParts) {
                all &= reason.contains(part.toLowerCase());
            }
            if (all) {
                log.accept("message " + id + " quarantined within " + millis + " ms of the 250: " + code + ": "
                        + e.get("reason").asText());
                return e;
            }
        }
        throw new AssertionError("message " + id + ": no quarantine entry with code " + codes + " and reason "
                + "containing " + List.of(reasonParts) + ": " + entries);
    }

    @Override
    public void close() {
        collector.close();
    }
}
