package io.tlsrpt.collector.smtp;

import io.tlsrpt.collector.store.DashboardQueries;
import io.tlsrpt.collector.support.Collector;
import io.tlsrpt.collector.support.Mailer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Slow clients holding connections: silence (tlsrpt.smtp.connection-timeout) closes the connection with 421; a DATA
 * trickled a byte at a time, each byte inside the silence time-out, is cut off at tlsrpt.smtp.data-timeout with
 * 421 4.4.2 and nothing is stored.
 */
class TimeoutsTest {
    @TempDir
    static Path dataDir;
    static Collector collector;

    @BeforeAll
    static void start() {
        collector = Collector.start(dataDir, Map.of(
                "tlsrpt.smtp.connection-timeout", 2,
                "tlsrpt.smtp.data-timeout", 3));
    }

    @AfterAll
    static void stop() {
        collector.close();
    }

    @Test
    void anIdleClientIsDisconnectedAfterTheCommandTimeout() throws Exception {
        try (RawSmtp s = RawSmtp.connect("127.0.0.2", collector.smtpPort())) {
            s.reply();
            assertTrue(s.command("EHLO idle.test").startsWith("250"));
            long start = System.nanoTime();
            String reply = s.reply(); // sends nothing; the client's own time-out is 20 s
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            assertEquals("421 Timeout waiting for data from client.", reply);
            assertTrue(seconds >= 1 && seconds <= 10, "after about 2 s: " + seconds);
            assertTrue(s.closedByServer());
        }
    }

    @Test
    void aClientTricklingDataPastTheDeadlineIsCutOffAndNothingIsStored() throws Exception {
        long before = stats().messagesReceived();
        try (RawSmtp s = RawSmtp.connect("127.0.0.2", collector.smtpPort())) {
            s.reply();
            s.command("EHLO slow.test");
            assertTrue(s.command("MAIL FROM:<slow@slow.test>").startsWith("250"));
            assertTrue(s.command("RCPT TO:<" + Mailer.RUA + ">").startsWith("250"));
            assertTrue(s.command("DATA").startsWith("354"));
            AtomicBoolean stop = new AtomicBoolean();
            Thread trickle = new Thread(() -> {
                byte[] text = "Subject: slow\r\n\r\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                        .getBytes(StandardCharsets.US_ASCII);
                // A byte every 300 ms, well inside the 2 s silence time-out, for at most 15 s.
                for (int i = 0; i < 50 && !stop.get(); i++) {
                    try {
                        s.raw(new byte[]{text[i % text.length]});
                        Thread.sleep(300);
                    } catch (IOException | InterruptedException e) {
                        return; // the server closed the connection
                    }
                }
            });
            long start = System.nanoTime();
            trickle.start();
            String reply;
            try {
                reply = s.reply();
            } finally {
                stop.set(true);
                trickle.join(5_000);
            }
            long millis = (System.nanoTime() - start) / 1_000_000L;
            assertEquals("421 4.4.2 tlsrpt-collector DATA not completed within 3 seconds, closing connection", reply);
            assertTrue(millis >= 2_500 && millis < 10_000, "at the 3 s deadline: " + millis + " ms");
            assertTrue(s.closedByServer());
        }
        assertEquals(before, stats().messagesReceived(), "nothing stored");
    }

    @Test
    void aMessageThatEndsInTimeLeavesNoDeadlineBehind() throws Exception {
        // A cancelled deadline used to stay queued until its delay passed: one per message for data-timeout seconds
        // (600 by default), the heap growth of the soak benchmark.
        SmtpReceiver receiver = collector.context().getBean(SmtpReceiver.class);
        try (RawSmtp s = RawSmtp.connect("127.0.0.2", collector.smtpPort())) {
            s.reply();
            s.command("EHLO quick.test");
            for (int i = 0; i < 20; i++) {
                String reply = s.mail("quick@quick.test", Mailer.RUA, "Subject: quick " + i + "\n\nnot a report\n");
                assertTrue(reply.startsWith("250"), reply);
            }
        }
        assertEquals(0, receiver.pendingDataDeadlines(), "deadlines of finished transfers still queued");
    }

    @Test
    void silenceInsideDataIsCutOffByTheCommandTimeout() throws Exception {
        long before = stats().messagesReceived();
        try (RawSmtp s = RawSmtp.connect("127.0.0.2", collector.smtpPort())) {
            s.reply();
            s.command("EHLO silent.test");
            s.command("MAIL FROM:<silent@silent.test>");
            s.command("RCPT TO:<" + Mailer.RUA + ">");
            assertTrue(s.command("DATA").startsWith("354"));
            s.raw("Subject: half a message\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("421 4.4.2 tlsrpt-collector no data for 2 seconds, closing connection", s.reply());
            assertTrue(s.closedByServer());
        }
        assertEquals(before, stats().messagesReceived(), "nothing stored");
    }

    @Test
    void aPromptClientIsUnaffected() throws Exception {
        try (RawSmtp s = RawSmtp.connect("127.0.0.2", collector.smtpPort())) {
            s.reply();
            s.command("EHLO prompt.test");
            String r = s.mail("a@prompt.test", Mailer.RUA, "Subject: prompt\n\nhello\n");
            long id = RawSmtp.storedId(r);
            assertEquals("127.0.0.2", queries().message(id).orElseThrow().clientIp());
            assertEquals("prompt.test", queries().message(id).orElseThrow().helo());
        }
    }

    static DashboardQueries queries() {
        return collector.context().getBean(DashboardQueries.class);
    }

    static io.tlsrpt.collector.store.view.Stats stats() {
        return queries().stats();
    }
}
