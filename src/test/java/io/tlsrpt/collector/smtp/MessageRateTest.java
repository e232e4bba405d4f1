package io.tlsrpt.collector.smtp;

import io.tlsrpt.collector.ingest.ClientRateLimiter;
import io.tlsrpt.collector.support.Collector;
import io.tlsrpt.collector.support.Mailer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Messages per client IP per minute: the next MAIL FROM gets 451 4.7.1 with the seconds to wait; trusted exempt. */
class MessageRateTest {
    static final String MESSAGE = "From: a@sender.test\nSubject: rate\n\nhello\n";
    static final Pattern REFUSAL = Pattern.compile(
            "451 4\\.7\\.1 too many messages from 127\\.0\\.0\\.2 \\(at most 3 a minute\\), try again in (\\d+) seconds");

    @TempDir
    Path dataDir;

    @Test
    void theMessagePastTheRateGets451WithARetryHintAndTrustedClientsAreExempt() throws Exception {
        try (Collector c = Collector.start(dataDir, Map.of(
                "tlsrpt.smtp.max-messages-per-ip-per-minute", 3,
                "tlsrpt.smtp.trusted-networks", List.of("127.0.0.1/32")))) {
            int port = c.smtpPort();
            try (RawSmtp s = RawSmtp.connect("127.0.0.2", port)) {
                s.reply();
                s.command("EHLO sender.test");
                for (int i = 0; i < 3; i++) {
                    String r = s.mail("a@sender.test", Mailer.RUA, MESSAGE);
                    assertTrue(r.startsWith("250 2.0.0 Ok: stored as message"), r);
                }
                String refused = s.command("MAIL FROM:<a@sender.test>");
                Matcher m = REFUSAL.matcher(refused);
                assertTrue(m.matches(), refused);
                long wait = Long.parseLong(m.group(1));
                assertTrue(wait >= 1 && wait <= 20, "one message every 20 s: " + wait);
                // The session goes on: the client may wait or quit.
                assertTrue(s.command("NOOP").startsWith("250"));
                assertTrue(s.command("QUIT").startsWith("221"));
            }
            // The count is per client, not per connection.
            try (RawSmtp s = RawSmtp.connect("127.0.0.2", port)) {
                s.reply();
                s.command("EHLO sender.test");
                assertTrue(REFUSAL.matcher(s.command("MAIL FROM:<a@sender.test>")).matches());
            }
            // Another client, and the trusted relay without limit.
            try (RawSmtp s = RawSmtp.connect("127.0.0.3", port)) {
                s.reply();
                s.command("EHLO other.test");
                assertTrue(s.mail("a@other.test", Mailer.RUA, MESSAGE).startsWith("250"));
            }
            try (RawSmtp s = RawSmtp.connect("127.0.0.1", port)) {
                s.reply();
                s.command("EHLO relay.test");
                for (int i = 0; i < 6; i++) {
                    String r = s.mail("a@relay.test", Mailer.RUA, MESSAGE);
                    assertTrue(r.startsWith("250 2.0.0 Ok: stored as message"), r);
                }
            }
        }
    }

    @Test
    void theBucketRefillsContinuously() {
        AtomicLong now = new AtomicLong(0);
        ClientRateLimiter limiter = new ClientRateLimiter(6, now::get); // one every 10 s
        for (int i = 0; i < 6; i++) {
            assertTrue(limiter.tryAcquire("192.0.2.1").isEmpty());
        }
        assertEquals(OptionalLong.of(10), limiter.tryAcquire("192.0.2.1"));
        assertTrue(limiter.tryAcquire("192.0.2.2").isEmpty(), "per client");
        now.addAndGet(4_000_000_000L);
        assertEquals(OptionalLong.of(6), limiter.tryAcquire("192.0.2.1"));
        now.addAndGet(6_000_000_000L);
        assertTrue(limiter.tryAcquire("192.0.2.1").isEmpty());
        assertEquals(OptionalLong.of(10), limiter.tryAcquire("192.0.2.1"));
        now.addAndGet(3_600_000_000_000L);
        for (int i = 0; i < 6; i++) {
            assertTrue(limiter.tryAcquire("192.0.2.1").isEmpty(), "a full bucket again, never more than 6");
        }
        assertTrue(limiter.tryAcquire("192.0.2.1").isPresent());
        assertTrue(new ClientRateLimiter(0, now::get).tryAcquire("x").isEmpty(), "0: no limit");
    }
}
