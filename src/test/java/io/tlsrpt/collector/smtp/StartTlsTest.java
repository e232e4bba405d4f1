package io.tlsrpt.collector.smtp;

import io.tlsrpt.collector.store.DashboardQueries;
import io.tlsrpt.collector.store.view.MessageInfo;
import io.tlsrpt.collector.support.Collector;
import io.tlsrpt.collector.support.Mailer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * STARTTLS with a certificate chain and key from PEM files written by the test: offered in EHLO, TLS 1.2 and 1.3
 * accepted, TLS 1.0 and 1.1 refused with a protocol_version alert, a message sent over TLS is stored, and plain SMTP
 * keeps working beside it.
 */
class StartTlsTest {
    @TempDir
    static Path dir;
    static TestCerts certs;
    static Collector collector;

    @BeforeAll
    static void start() {
        certs = TestCerts.create("RSA");
        Path chain = TestCerts.write(dir, "chain.pem", certs.chainPem());
        Path key = TestCerts.write(dir, "key.pem", certs.keyPkcs8Pem());
        collector = Collector.start(dir.resolve("data"), Map.of(
                "tlsrpt.smtp.tls.certificate", chain.toString(),
                "tlsrpt.smtp.tls.private-key", key.toString()));
    }

    @AfterAll
    static void stop() {
        collector.close();
    }

    @Test
    void startTlsIsOfferedInEhlo() throws Exception {
        try (RawSmtp s = RawSmtp.connect("127.0.0.2", collector.smtpPort())) {
            s.reply();
            String ehlo = s.command("EHLO sender.test");
            assertTrue(ehlo.contains("250-STARTTLS") || ehlo.contains("250 STARTTLS"), ehlo);
        }
    }

    @Test
    void tls12IsAcceptedAndAMessageSentOverItIsStored() throws Exception {
        messageOverTlsIsStored("TLSv1.2");
    }

    @Test
    void tls13IsAcceptedAndAMessageSentOverItIsStored() throws Exception {
        messageOverTlsIsStored("TLSv1.3");
    }

    private static void messageOverTlsIsStored(String protocol) throws Exception {
        long id;
        try (RawSmtp s = RawSmtp.connect("127.0.0.2", collector.smtpPort())) {
            s.reply();
            s.command("EHLO sender.test");
            assertEquals("220 Ready to start TLS", s.command("STARTTLS"));
            SSLSocket tls = s.startTls(certs.clientContext(), protocol); // the client verifies the chain
            assertEquals(protocol, tls.getSession().getProtocol());
            var presented = tls.getSession().getPeerCertificates();
            assertEquals(2, presented.length, "the whole chain is sent");
            assertEquals(certs.server, presented[0]);
            assertEquals("CN=localhost", ((X509Certificate) presented[0]).getSubjectX500Principal().getName());

            String ehlo = s.command("EHLO sender.test");
            assertTrue(ehlo.startsWith("250"), ehlo);
            // SubEthaSMTP lists STARTTLS again after the handshake (RFC 3207 says it must not); a second one is
            // refused, which MTAs never try anyway.
            assertTrue(s.command("STARTTLS").startsWith("454"));
            String reply = s.mail("a@sender.test", Mailer.RUA, "Subject: over " + protocol + "\n\nhello\n");
            assertTrue(reply.startsWith("250 2.0.0 Ok: stored as message"), reply);
            id = RawSmtp.storedId(reply);
            assertTrue(s.command("QUIT").startsWith("221"));
        }
        MessageInfo m = collector.context().getBean(DashboardQueries.class).message(id).orElseThrow();
        assertEquals("127.0.0.2", m.clientIp());
        assertEquals("sender.test", m.helo());
    }

    @Test
    void tls11IsRefusedWithAProtocolVersionAlert() throws Exception {
        oldVersionIsRefused(0x0302);
    }

    @Test
    void tls10IsRefusedWithAProtocolVersionAlert() throws Exception {
        oldVersionIsRefused(0x0301);
    }

    private static void oldVersionIsRefused(int version) throws Exception {
        try (RawSmtp s = RawSmtp.connect("127.0.0.2", collector.smtpPort())) {
            s.reply();
            s.command("EHLO old.test");
            assertEquals("220 Ready to start TLS", s.command("STARTTLS"));
            // A ClientHello offering only TLS 1.0 or 1.1, written by hand: the JDK client would refuse to send it.
            s.raw(clientHello(version));
            DataInputStream in = new DataInputStream(s.socket().getInputStream());
            byte[] record = new byte[7];
            in.readFully(record);
            assertEquals(21, record[0], "an alert record");
            assertEquals(2, record[5], "fatal");
            assertEquals(70, record[6], "protocol_version");
        }
        // The server is unharmed, and the sender can come back without TLS.
        plainMessageIsStored();
    }

    @Test
    void plainSmtpStillWorksWithTlsConfigured() throws Exception {
        plainMessageIsStored();
    }

    private static void plainMessageIsStored() throws IOException {
        try (RawSmtp s = RawSmtp.connect("127.0.0.3", collector.smtpPort())) {
            assertTrue(s.reply().startsWith("220"));
            s.command("EHLO plain.test");
            String reply = s.mail("a@plain.test", Mailer.RUA, "Subject: plain\n\nhello\n");
            long id = RawSmtp.storedId(reply);
            assertEquals("plain.test",
                    collector.context().getBean(DashboardQueries.class).message(id).orElseThrow().helo());
        }
    }

    /** A TLS ClientHello with the given client_version, RSA and ECDHE-RSA CBC suites and no extensions. */
    static byte[] clientHello(int version) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(version >> 8);
        body.write(version);
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        body.writeBytes(random);
        body.write(0); // session id
        int[] suites = {0xc013, 0xc014, 0x002f, 0x0035};
        body.write(0);
        body.write(suites.length * 2);
        for (int suite : suites) {
            body.write(suite >> 8);
            body.write(suite);
        }
        body.write(1); // compression methods: null
        body.write(0);
        byte[] b = body.toByteArray();
        ByteArrayOutputStream record = new ByteArrayOutputStream();
        record.write(22); // handshake
        record.write(0x03);
        record.write(0x01);
        int handshakeLength = b.length + 4;
        record.write(handshakeLength >> 8);
        record.write(handshakeLength);
        record.write(1); // client_hello
        record.write(0);
        record.write(b.length >> 8);
        record.write(b.length);
        record.writeBytes(b);
        return record.toByteArray();
    }
}
