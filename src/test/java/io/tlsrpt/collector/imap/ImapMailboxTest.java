package io.tlsrpt.collector.imap;

import io.tlsrpt.collector.config.ImapSettings;
import io.tlsrpt.collector.ingest.Acceptance;
import io.tlsrpt.collector.ingest.Envelope;
import io.tlsrpt.collector.support.Corpus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One pass over a real IMAP folder (GreenMail on loopback) with a stand-in for the store: a message is moved, flagged
 * or deleted only after it is stored, never when storing fails; the bytes and the received date are the message's.
 */
class ImapMailboxTest {
    static final byte[] RPT01 = Corpus.bytes("mail-auth/rpt01.eml");
    static final byte[] GOOGLE = Corpus.bytes("parsedmarc/google.com_smtp_tls_report.eml");
    static final Date RECEIVED = Date.from(Instant.parse("2024-03-01T10:15:30Z"));

    TestImapServer imap;
    final List<byte[]> stored = new ArrayList<>();
    final List<Envelope> envelopes = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        imap = new TestImapServer(0);
        imap.append("INBOX", RPT01, RECEIVED);
        imap.append("INBOX", GOOGLE, RECEIVED);
    }

    @AfterEach
    void stop() {
        imap.close();
    }

    ImapSettings settings(String after) {
        return new ImapSettings("127.0.0.1", imap.port(), "none", TestImapServer.USER, TestImapServer.PASSWORD,
                "INBOX", Duration.ofSeconds(5), after, "tlsrpt-processed", true, Duration.ofSeconds(10),
                Duration.ofSeconds(5));
    }

    ImapMailbox.Acceptor storing() {
        return (envelope, raw) -> {
            envelopes.add(envelope);
            stored.add(raw);
            return new Acceptance.Accepted(stored.size());
        };
    }

    @Test
    void nothingIsMovedWhenStoringFails() throws Exception {
        try (ImapMailbox mailbox = ImapMailbox.open(settings("move"), 10_000_000,
                (envelope, raw) -> new Acceptance.Unavailable("storage unavailable"))) {
            ImapMailbox.Pass pass = mailbox.pass();
            assertTrue(pass.storeUnavailable());
            assertEquals(0, pass.stored());
        }
        assertEquals(2, imap.count("INBOX"));
        assertEquals(0, imap.count("tlsrpt-processed"));
        imap.flags("INBOX").forEach(f -> assertEquals(0, f.getSystemFlags().length, "untouched: " + f));
    }

    @Test
    void storedMessagesAreMovedWithTheirBytesAndReceivedDate() throws Exception {
        try (ImapMailbox mailbox = ImapMailbox.open(settings("move"), 10_000_000, storing())) {
            assertEquals(2, mailbox.pass().stored());
            assertEquals(0, mailbox.pass().stored(), "a second pass finds nothing new");
        }
        assertEquals(0, imap.count("INBOX"));
        assertEquals(2, imap.count("tlsrpt-processed"));
        // exactly as the mailbox holds it: IMAP keeps lines with CRLF (RFC 3501), the corpus files have LF
        assertArrayEquals(crlf(RPT01), stored.get(0), "the message exactly as it is in the mailbox");
        assertArrayEquals(crlf(GOOGLE), stored.get(1));
        assertEquals(RECEIVED.toInstant(), envelopes.get(0).receivedAt());
        assertNull(envelopes.get(0).clientIp());
    }

    static byte[] crlf(byte[] lf) {
        return new String(lf, java.nio.charset.StandardCharsets.ISO_8859_1).replaceAll("\r?\n", "\r\n")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    @Test
    void flaggedMessagesStayAndAreNotReadAgain() throws Exception {
        try (ImapMailbox mailbox = ImapMailbox.open(settings("flag"), 10_000_000, storing())) {
            assertEquals(2, mailbox.pass().stored());
            assertEquals(0, mailbox.pass().stored());
        }
        try (ImapMailbox mailbox = ImapMailbox.open(settings("flag"), 10_000_000, storing())) {
            assertEquals(0, mailbox.pass().stored(), "nor after a reconnect");
        }
        assertEquals(2, stored.size());
        assertEquals(2, imap.count("INBOX"));
        imap.flags("INBOX").forEach(f -> {
            assertTrue(f.contains(jakarta.mail.Flags.Flag.SEEN), f.toString());
            assertTrue(f.contains(ImapSettings.FLAG_KEYWORD), f.toString());
        });
    }

    @Test
    void deletedMessagesAreGone() throws Exception {
        try (ImapMailbox mailbox = ImapMailbox.open(settings("delete"), 10_000_000, storing())) {
            assertEquals(2, mailbox.pass().stored());
        }
        assertEquals(0, imap.count("INBOX"));
        assertEquals(2, stored.size());
    }

    @Test
    void messagesOverTheSizeLimitAreLeftAlone() throws Exception {
        int limit = Math.max(RPT01.length, GOOGLE.length) - 1;
        try (ImapMailbox mailbox = ImapMailbox.open(settings("move"), limit, storing())) {
            ImapMailbox.Pass pass = mailbox.pass();
            assertEquals(1, pass.stored());
            assertEquals(1, pass.skipped());
            assertEquals(1, mailbox.pass().skipped(), "still there, still skipped");
        }
        assertEquals(1, imap.count("INBOX"));
        assertEquals(1, imap.count("tlsrpt-processed"));
    }
}
