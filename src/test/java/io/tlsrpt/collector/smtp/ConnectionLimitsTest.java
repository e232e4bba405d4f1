package io.tlsrpt.collector.smtp;

import io.tlsrpt.collector.support.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Connections at once: per client IP and in total, refused before the greeting with 421 4.7.0; clients in
 * tlsrpt.smtp.trusted-networks are exempt. The whole loopback network is 127/8, so clients bind 127.0.0.2 etc.
 */
class ConnectionLimitsTest {
    static final String GREETING = "220 tlsrpt-collector ESMTP tlsrpt-collector";

    @TempDir
    Path dataDir;

    @Test
    void theConnectionPastThePerIpLimitGets421WhileTrustedClientsAreExempt() throws Exception {
        List<RawSmtp> open = new ArrayList<>();
        try (Collector c = Collector.start(dataDir, Map.of(
                "tlsrpt.smtp.max-connections-per-ip", 2,
                "tlsrpt.smtp.trusted-networks", List.of("127.0.0.1/32")))) {
            int port = c.smtpPort();
            for (int i = 0; i < 2; i++) {
                RawSmtp s = open(open, "127.0.0.2", port);
                assertEquals(GREETING, s.reply());
            }
            RawSmtp third = open(open, "127.0.0.2", port);
            assertEquals("421 4.7.0 tlsrpt-collector too many connections from 127.0.0.2 (at most 2 at once), "
                    + "try again later", third.reply());
            assertTrue(third.closedByServer(), "the refused connection is closed");

            // Another address has its own count; the trusted one has none.
            assertEquals(GREETING, open(open, "127.0.0.3", port).reply());
            for (int i = 0; i < 5; i++) {
                RawSmtp trusted = open(open, "127.0.0.1", port);
                assertEquals(GREETING, trusted.reply());
                assertTrue(trusted.command("EHLO relay.test").startsWith("250"));
            }

            // A slot freed by QUIT is usable again.
            assertTrue(open.get(0).command("QUIT").startsWith("221"));
            String again = null;
            for (int attempt = 0; attempt < 50; attempt++) {
                try (RawSmtp s = RawSmtp.connect("127.0.0.2", port)) {
                    again = s.reply();
                }
                if (GREETING.equals(again)) {
                    break;
                }
                Thread.sleep(100);
            }
            assertEquals(GREETING, again);
        } finally {
            open.forEach(RawSmtp::close);
        }
    }

    @Test
    void theConnectionPastTheTotalGets421ButATrustedRelayStillGetsIn() throws Exception {
        List<RawSmtp> open = new ArrayList<>();
        try (Collector c = Collector.start(dataDir, Map.of(
                "tlsrpt.smtp.max-connections", 3,
                "tlsrpt.smtp.trusted-networks", List.of("127.0.0.1/32")))) {
            int port = c.smtpPort();
            for (int i = 0; i < 3; i++) {
                assertEquals(GREETING, open(open, "127.0.0." + (10 + i), port).reply());
            }
            RawSmtp fourth = open(open, "127.0.0.13", port);
            assertEquals("421 4.7.0 tlsrpt-collector too many connections (at most 3 at once), try again later",
                    fourth.reply());
            assertTrue(fourth.closedByServer());

            RawSmtp relay = open(open, "127.0.0.1", port);
            assertEquals(GREETING, relay.reply());
            assertTrue(relay.command("EHLO relay.test").startsWith("250"));
        } finally {
            open.forEach(RawSmtp::close);
        }
    }

    @Test
    void defaultsAreSafeForProduction() throws Exception {
        try (Collector c = Collector.start(dataDir, Map.of())) {
            var s = c.context().getBean(io.tlsrpt.collector.config.SmtpSettings.class);
            assertTrue(s.maxConnections() >= 1000, "total high enough that idle connections time out first");
            assertEquals(20, s.maxConnectionsPerIp());
            assertEquals(60, s.maxMessagesPerIpPerMinute());
            assertEquals(List.of("127.0.0.0/8", "::1/128"), s.trustedNetworks());
            assertEquals(60, s.connectionTimeout());
            assertEquals(600, s.dataTimeout());
            // By default the whole of loopback is trusted: 127.0.0.2 is not limited per IP.
            List<RawSmtp> open = new ArrayList<>();
            try {
                for (int i = 0; i < 25; i++) {
                    assertEquals(GREETING, open(open, "127.0.0.2", c.smtpPort()).reply());
                }
            } finally {
                open.forEach(RawSmtp::close);
            }
        }
    }

    private static RawSmtp open(List<RawSmtp> open, String from, int port) throws IOException {
        RawSmtp s = RawSmtp.connect(from, port);
        open.add(s);
        return s;
    }
}
