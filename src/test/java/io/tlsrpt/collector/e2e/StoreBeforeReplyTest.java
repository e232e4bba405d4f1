package io.tlsrpt.collector.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tlsrpt.collector.support.Collector;
import io.tlsrpt.collector.support.Corpus;
import io.tlsrpt.collector.support.Mailer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The 250 comes after the raw message is stored, not after processing: with a processing step that fails, mail is
 * still accepted and kept; a restart of the application processes the backlog.
 */
class StoreBeforeReplyTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    @Test
    void acceptedMailSurvivesFailedProcessingAndARestart() throws Exception {
        try (Collector failing = Collector.start(dataDir, Map.of("test.failing-processor", "true"))) {
            Mailer mailer = new Mailer(failing.smtpPort());
            mailer.sendJson(Corpus.bytes("parsedmarc/smtp_tls.json"), "example.com", "example.com", "a", Mailer.RUA);
            mailer.sendJson(Corpus.bytes("parsedmarc/mail.ru.json"), "example.com", "mail.ru", "b", Mailer.RUA);
            mailer.sendRaw(Corpus.bytes("mail-auth/rpt02.eml"), Mailer.RUA);
            // Every message got its 250 (send would have thrown otherwise), processing has failed on them...
            waitFor(() -> FailingProcessor.CALLS.get() >= 3);
            JsonNode stats = stats(failing);
            assertEquals(3, stats.get("messagesReceived").asLong());
            assertEquals(3, stats.get("messagesPending").asLong());
            assertEquals(0, stats.get("reportsStored").asLong());
            // ...and the raw bytes are there to download.
            Collector.Http raw = failing.get("/messages/1/raw");
            assertEquals(200, raw.status());
            assertTrue(raw.body().contains("multipart/report"));
        }
        try (Collector restarted = Collector.start(dataDir, Map.of())) {
            waitFor(() -> stats(restarted).get("messagesPending").asLong() == 0);
            JsonNode stats = stats(restarted);
            assertEquals(3, stats.get("reportsStored").asLong(), stats.toString());
            assertEquals(0, stats.get("quarantineEntries").asLong());
        }
    }

    static JsonNode stats(Collector c) {
        try {
            return JSON.readTree(c.get("/api/stats").body());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("condition not met within 60 s");
            }
            Thread.sleep(100);
        }
    }
}
