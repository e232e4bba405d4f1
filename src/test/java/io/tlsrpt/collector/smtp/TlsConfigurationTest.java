package io.tlsrpt.collector.smtp;

import io.tlsrpt.collector.support.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The PEM files as certbot, acme.sh and openssl write them load; broken ones stop the start with a message naming
 * the setting and the file, so that a configured certificate is never silently dropped.
 */
class TlsConfigurationTest {
    @TempDir
    Path dir;

    @Test
    void pkcs8Pkcs1AndSec1KeysLoad() {
        TestCerts rsa = TestCerts.create("RSA");
        TestCerts ec = TestCerts.create("EC");
        Path rsaChain = TestCerts.write(dir, "rsa-chain.pem", rsa.chainPem());
        Path ecChain = TestCerts.write(dir, "ec-chain.pem", ec.chainPem());
        assertLoads(rsaChain, TestCerts.write(dir, "rsa8.pem", rsa.keyPkcs8Pem()));
        String pkcs1 = rsa.keyTraditionalPem();
        assertTrue(pkcs1.contains("BEGIN RSA PRIVATE KEY"), pkcs1);
        assertLoads(rsaChain, TestCerts.write(dir, "rsa1.pem", pkcs1));
        assertLoads(ecChain, TestCerts.write(dir, "ec8.pem", ec.keyPkcs8Pem()));
        String sec1 = ec.keyTraditionalPem();
        assertTrue(sec1.contains("BEGIN EC PRIVATE KEY"), sec1);
        assertLoads(ecChain, TestCerts.write(dir, "sec1.pem", sec1)); // without its curve: the certificate's
        String sec1WithCurve = ec.keySec1WithCurvePem();
        assertTrue(sec1WithCurve.contains("BEGIN EC PRIVATE KEY"), sec1WithCurve);
        assertLoads(ecChain, TestCerts.write(dir, "sec1-curve.pem", sec1WithCurve));
        // One file holding key and chain, in any order, serves as both.
        Path both = TestCerts.write(dir, "both.pem", rsa.keyPkcs8Pem() + rsa.chainPem());
        assertLoads(both, both);
    }

    private static void assertLoads(Path chain, Path key) {
        PemTls.Loaded loaded = PemTls.load(chain, key);
        assertNotNull(loaded.context());
        assertEquals(2, loaded.chain().size());
        assertEquals("CN=localhost", loaded.leaf().getSubjectX500Principal().getName());
    }

    @Test
    void brokenFilesAreRefusedWithAMessageNamingSettingAndFile() {
        TestCerts certs = TestCerts.create("RSA");
        TestCerts other = TestCerts.create("RSA");
        Path chain = TestCerts.write(dir, "chain.pem", certs.chainPem());
        Path key = TestCerts.write(dir, "key.pem", certs.keyPkcs8Pem());

        Path garbage = TestCerts.write(dir, "garbage.pem", "this is not PEM\n");
        assertRefused(garbage, key, "tlsrpt.smtp.tls.certificate: " + garbage + ": no PEM certificate in it");
        assertRefused(chain, garbage, "tlsrpt.smtp.tls.private-key: " + garbage + ": no PEM private key in it");

        Path badCert = TestCerts.write(dir, "bad-cert.pem",
                "-----BEGIN CERTIFICATE-----\nAAAAAAAAAAAAAAAA\n-----END CERTIFICATE-----\n");
        assertRefused(badCert, key, "certificate 1 is not a valid X.509 certificate");

        Path missing = dir.resolve("missing.pem");
        assertRefused(missing, key, "tlsrpt.smtp.tls.certificate: " + missing + ": no such file");

        Path otherKey = TestCerts.write(dir, "other-key.pem", other.keyPkcs8Pem());
        assertRefused(chain, otherKey, "key does not belong to the first certificate");

        // The CA first, the server's certificate second: the key matches the wrong certificate.
        Path reversed = TestCerts.write(dir, "reversed.pem", TestCerts.pem(certs.ca) + TestCerts.pem(certs.server));
        assertRefused(reversed, key, "the server's certificate must come first");

        Path encrypted = TestCerts.write(dir, "encrypted.pem",
                "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIBvTBXBgkqhkiG9w0BBQ0wSjApBgkqhkiG9w0BBQwwHAQI\n"
                        + "-----END ENCRYPTED PRIVATE KEY-----\n");
        assertRefused(chain, encrypted, "the key is encrypted");

        Path badKey = TestCerts.write(dir, "bad-key.pem",
                "-----BEGIN PRIVATE KEY-----\nAAAAAAAAAAAAAAAA\n-----END PRIVATE KEY-----\n");
        assertRefused(chain, badKey, "not a readable RSA, EC or EdDSA key");
    }

    private static void assertRefused(Path chain, Path key, String expected) {
        PemTls.TlsSetupException e = assertThrows(PemTls.TlsSetupException.class, () -> PemTls.load(chain, key));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void aBrokenCertificateStopsTheStartWithAClearMessage() {
        TestCerts certs = TestCerts.create("RSA");
        Path key = TestCerts.write(dir, "key.pem", certs.keyPkcs8Pem());
        Path broken = TestCerts.write(dir, "chain.pem", certs.chainPem().substring(0, 200));
        RuntimeException e = assertThrows(RuntimeException.class, () -> Collector.start(dir.resolve("data"), Map.of(
                "tlsrpt.smtp.tls.certificate", broken.toString(),
                "tlsrpt.smtp.tls.private-key", key.toString())).close());
        String all = messages(e);
        assertTrue(all.contains("STARTTLS cannot be set up, the SMTP receiver does not start: "
                + "tlsrpt.smtp.tls.certificate: " + broken), all);
    }

    @Test
    void onlyOneOfTheTwoFilesStopsTheStart() {
        TestCerts certs = TestCerts.create("RSA");
        Path chain = TestCerts.write(dir, "chain.pem", certs.chainPem());
        RuntimeException e = assertThrows(RuntimeException.class, () -> Collector.start(dir.resolve("data2"),
                Map.of("tlsrpt.smtp.tls.certificate", chain.toString())).close());
        String all = messages(e);
        assertTrue(all.contains("STARTTLS needs both tlsrpt.smtp.tls.certificate and tlsrpt.smtp.tls.private-key"),
                all);
    }

    @Test
    void withNeitherFileSetThereIsNoStartTls() throws Exception {
        try (Collector c = Collector.start(dir.resolve("data3"), Map.of(
                "tlsrpt.smtp.tls.certificate", "", "tlsrpt.smtp.tls.private-key", " "));
             RawSmtp s = RawSmtp.connect("127.0.0.2", c.smtpPort())) {
            s.reply();
            String ehlo = s.command("EHLO plain.test");
            assertTrue(ehlo.startsWith("250") && !ehlo.contains("STARTTLS"), ehlo);
            assertTrue(s.command("STARTTLS").startsWith("454"), "TLS not available");
        }
    }

    @Test
    void aRenewedCertificateIsPickedUpAndABrokenRenewalKeepsTheOldOne() throws Exception {
        TestCerts first = TestCerts.create("RSA");
        Path chain = TestCerts.write(dir, "chain.pem", first.chainPem());
        Path key = TestCerts.write(dir, "key.pem", first.keyPkcs8Pem());
        StartTls tls = StartTls.load(chain, key, 0);
        assertEquals(first.server, tls.certificate());
        assertEquals(java.util.List.of("TLSv1.3", "TLSv1.2"), java.util.List.of(tls.enabledProtocols()));

        TestCerts renewed = TestCerts.create("EC");
        TestCerts.write(dir, "chain.pem", renewed.chainPem() + "\n"); // another size, whatever the clock says
        TestCerts.write(dir, "key.pem", renewed.keyPkcs8Pem());
        tls.reloadIfChanged();
        assertEquals(renewed.server, tls.certificate());

        // Half-written renewal: the key no longer matches. The certificate in use stays.
        TestCerts.write(dir, "chain.pem", first.chainPem());
        tls.reloadIfChanged();
        assertEquals(renewed.server, tls.certificate());
    }

    static String messages(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            b.append(c.getMessage()).append('\n');
        }
        return b.toString();
    }
}
