package io.tlsrpt.collector.smtp;

import io.tlsrpt.collector.ingest.TrustedNetworks;
import io.tlsrpt.collector.ingest.ClientRateLimiter;
import io.tlsrpt.collector.support.Collector;
import io.tlsrpt.collector.support.Mailer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.smtp.AuthenticationHandler;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.SMTPServer;

import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What DATA is checked against: size (552 after the whole message is read, so that the session goes on), memory for
 * messages in flight (452 4.3.1), and the speed of the byte-at-a-time reading that the deadline needs.
 */
class DataLimitsTest {
    static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "test-deadlines");
        t.setDaemon(true);
        return t;
    });
    @TempDir
    Path dataDir;

    @Test
    void overTheSizeIs552AndTheSessionGoesOnAndALargeMessageAtFullSpeedIsStored() throws Exception {
        try (Collector c = Collector.start(dataDir, Map.of("tlsrpt.smtp.max-message-size", 8_000_000))) {
            try (RawSmtp s = RawSmtp.connect("127.0.0.2", c.smtpPort())) {
                s.reply();
                s.command("EHLO big.test");
                String line = "x".repeat(998) + "\n";
                String tooBig = "Subject: too big\n\n" + line.repeat(9_000);
                assertEquals("552 5.3.4 message exceeds the maximum size of 8000000 bytes",
                        s.mail("a@big.test", Mailer.RUA, tooBig));
                // The rest of the message was read, not taken for commands: the session goes on.
                String justUnder = "Subject: large\n\n" + line.repeat(7_500);
                long start = System.nanoTime();
                String reply = s.mail("a@big.test", Mailer.RUA, justUnder);
                long millis = (System.nanoTime() - start) / 1_000_000L;
                assertTrue(reply.startsWith("250 2.0.0 Ok: stored as message"), reply);
                assertTrue(millis < 15_000, "7.5 MB read a byte at a time in " + millis + " ms");
            }
        }
    }

    @Test
    void whenMemoryForMessagesInFlightIsSpentTheMessageIsReadAndAnswered452() throws Exception {
        InFlightBudget budget = new InFlightBudget(1000);
        assertTrue(budget.tryAcquire(900), "another session holds 900 bytes");
        ReportMessageHandler h = handler(budget, 1_000_000);
        h.from("a@sender.test");
        h.recipient(Mailer.RUA);
        RejectException e = assertThrows(RejectException.class,
                () -> h.data(new ByteArrayInputStream(new byte[500])));
        assertEquals("452 4.3.1 too many messages being received at once, try again later", e.getErrorResponse());
        assertEquals(900, budget.used(), "what this message held is given back");
    }

    @Test
    void overTheSizeNothingIsHeldAfterwards() throws Exception {
        InFlightBudget budget = new InFlightBudget(10_000_000);
        ReportMessageHandler h = handler(budget, 100_000);
        h.from("a@sender.test");
        RejectException e = assertThrows(RejectException.class,
                () -> h.data(new ByteArrayInputStream(new byte[300_000])));
        assertEquals("552 5.3.4 message exceeds the maximum size of 100000 bytes", e.getErrorResponse());
        assertEquals(0, budget.used());
    }

    @Test
    void theRateIsCheckedAtMailFrom() throws Exception {
        ReportMessageHandler first = handler(new InFlightBudget(1000), 1000);
        first.from("a@sender.test");
        RejectException e = assertThrows(RejectException.class, () -> first.from("b@sender.test"));
        assertTrue(e.getErrorResponse().startsWith("451 4.7.1 too many messages from 192.0.2.7 (at most 1 a minute), "
                + "try again in "), e.getErrorResponse());
    }

    private static ReportMessageHandler handler(InFlightBudget budget, long maxSize) {
        TrustedNetworks trusted = TrustedNetworks.parse(List.of("127.0.0.1"));
        SessionRules rules = new SessionRules("tlsrpt-collector", new RecipientPolicy(List.of()), maxSize, 60_000,
                60_000, trusted, new ClientRateLimiter(1, System::nanoTime), budget, new RefusalLog(), TIMER);
        return new ReportMessageHandler(new Context(new InetSocketAddress("192.0.2.7", 25)), null, rules);
    }

    /** A MessageContext that is not a live session (no socket). */
    private record Context(SocketAddress remote) implements MessageContext {
        @Override
        public SMTPServer getSMTPServer() {
            return null;
        }

        @Override
        public SocketAddress getRemoteAddress() {
            return remote;
        }

        @Override
        public Optional<AuthenticationHandler> getAuthenticationHandler() {
            return Optional.empty();
        }

        @Override
        public Optional<String> getHelo() {
            return Optional.of("sender.test");
        }

        @Override
        public Certificate[] getTlsPeerCertificates() {
            return null;
        }
    }

}
