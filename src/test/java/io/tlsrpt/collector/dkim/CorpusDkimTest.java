package io.tlsrpt.collector.dkim;

import io.tlsrpt.collector.dkim.KeyLookup.KeyAnswer;
import io.tlsrpt.collector.dkim.TestKeys.MapLookup;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real report e-mails of the corpus (src/test/resources/corpus, see NOTICE.md there).
 *
 * <p>Google's public keys below are public DNS data (TXT {@code 20230601._domainkey.google.com}, and
 * {@code 20210112._domainkey.google.com} as published before Google revoked it), copied from public write-ups,
 * because the tests have no DNS. That they are the right keys is shown by the tests themselves: the 2023 Google
 * e-mail's signed headers verify with the first, the 2023 report.elm verifies completely with the second.
 */
class CorpusDkimTest {
    static final String GOOGLE_20230601 = "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA4zd3nfUo"
            + "LHWFbfoPZzAb8bvjsFIIFsNypweLuPe4M+vAP1YxObFxRnpvLYz7Z+bORKLber5aGmgFF9iaufsH1z0+aw8Qex7uDaafzWoJOM/6lAS"
            + "5iI0JggZiUkqNpRQLL7H6E7HcvOMC61nJcO4r0PwLDZKwEaCs8gUHiqRn/SS3wqEZX29v/VOUVcI4BjaOzOCLaz7V8Bkwmj4Rqq4kaL"
            + "QQrbfpjas1naScHTAmzULj0Rdp+L1vVyGitm+dd460PcTIG3Pn+FYrgQQo2fvnTcGiFFuMa8cpxgfH3rJztf1YFehLWwJWgeXTriuIyu"
            + "xUabGdRQu7vh7GrObTsHmIHwIDAQAB";
    static final String GOOGLE_20210112 = "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAtnbQAeqv"
            + "EP2pG2L540W9JvVU7qy767Zs83Hjw34PCkZ9/9dWE6cK+CYaMNIQqTGfwq4uUe3diBuz3Uikkr+WPMj9AuxtxJqUAO8PsZ2Y5DneFpz5"
            + "kVesC9/rtXgCwgYOmO9UjSy4IN11ewXUBuCH+zp2v5Abv5T0Lol/nWl8wLgRI1IesstingY4cnSfo3Pq3U0I1GAxdNFCK2FPedPpg4s"
            + "dPpHqtxVvRLMLamRKoUfySBMjpXuMNL0UeCizmFfdUL73ZdiS+MNxGECzFNmeCngFBscLQN++urvfB9OqHQrbxLIwNyni3KMbE/E+cx"
            + "Pkx4KxhyGHSU2klV1vvIAHfwIDAQAB";

    /** parsedmarc/google.com_smtp_tls_report.eml: signed by Google (t=1725447200), body changed by a gateway. */
    static final String GATEWAY = "parsedmarc/google.com_smtp_tls_report.eml";
    /** The time it was received (Date: Wed, 04 Sep 2024 03:53:20 -0700, plus a minute); its x= expired a week on. */
    static final Instant GATEWAY_RECEIVED = Instant.ofEpochSecond(1725447200L + 60);
    static final String ELM = "email-report-processor/report.elm";

    static byte[] corpus(String path) {
        try (InputStream in = CorpusDkimTest.class.getResourceAsStream("/corpus/" + path)) {
            if (in == null) {
                throw new IllegalStateException("missing corpus file " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static MapLookup google(String selector, String record) {
        return new MapLookup().key(selector, "google.com", record);
    }

    @Test
    void gatewayModifiedGoogleReportWithTemporaryDnsFailureIsTemperror() {
        byte[] raw = corpus(GATEWAY);
        DkimVerifier v = new DkimVerifier(new MapLookup()
                .answer("20230601", "google.com", KeyAnswer.temporaryFailure("timeout")));
        DkimResult r = v.verify(raw, "google.com", "google.com", GATEWAY_RECEIVED);
        assertEquals(DkimStatus.TEMPERROR, r.status(), r.reason());
        assertEquals("google.com", r.domain());
        assertEquals("20230601", r.selector());
        assertTrue(r.alignedWithFrom());
        assertTrue(r.alignedWithSubmitter());
        assertEquals(1, r.signatures().size(), "X-Google-DKIM-Signature is not a DKIM-Signature");

        // verified today, the signature has long expired (x=1726052000): a permanent error, still not a pass
        DkimResult today = v.verify(raw, "google.com", "google.com");
        assertEquals(DkimStatus.PERMERROR, today.status());
        assertTrue(today.reason().contains("expired"), today.reason());
    }

    @Test
    void gatewayModifiedGoogleReportWithWrongKeyFails() {
        MapLookup lookup = google("20230601", TestKeys.keyRecord(TestKeys.other2048(), ""));
        DkimResult r = new DkimVerifier(lookup).verify(corpus(GATEWAY), "google.com", "google.com", GATEWAY_RECEIVED);
        assertEquals(DkimStatus.FAIL, r.status(), r.reason());
        assertTrue(r.reason().contains("Header signature does not verify"), r.reason());
        assertEquals(List.of("20230601._domainkey.google.com"), lookup.queries);
    }

    @Test
    void gatewayModifiedGoogleReportWithGooglesRealKeyFailsOnTheBody() {
        DkimResult r = new DkimVerifier(google("20230601", GOOGLE_20230601))
                .verify(corpus(GATEWAY), "google.com", "google.com", GATEWAY_RECEIVED);
        // the signed headers are intact and verify with Google's key; the banner the gateway put in the body is not
        assertEquals(DkimStatus.FAIL, r.status(), r.reason());
        assertTrue(r.reason().contains("Computed bodyhash is different"), r.reason());
        assertEquals(Boolean.TRUE, r.keyAllowsTlsrpt(), "Google's key record has no s=: all services");
    }

    @Test
    void gatewayModifiedGoogleReportIsNeverPass() {
        byte[] lf = corpus(GATEWAY);
        byte[] crlf = RawMessage.toCrlf(lf);
        List<KeyLookup> lookups = List.of(
                google("20230601", GOOGLE_20230601),
                google("20230601", TestKeys.keyRecord(TestKeys.rsa2048(), "s=tlsrpt; ")),
                google("20230601", "v=DKIM1; k=rsa; p="),
                google("20230601", "garbage"),
                new MapLookup(),
                name -> KeyAnswer.temporaryFailure("SERVFAIL"),
                name -> KeyLookup.KeyAnswer.found(List.of(GOOGLE_20230601, GOOGLE_20210112)));
        for (KeyLookup lookup : lookups) {
            DkimVerifier v = new DkimVerifier(lookup);
            for (byte[] raw : List.of(lf, crlf)) {
                for (Instant at : new Instant[] {null, GATEWAY_RECEIVED, Instant.ofEpochSecond(1725447200L)}) {
                    DkimResult r = v.verify(raw, "google.com", "google.com", at);
                    assertNotEquals(DkimStatus.PASS, r.status(), r.reason());
                    assertNotEquals(DkimStatus.NONE, r.status(), r.reason());
                }
            }
        }
    }

    @Test
    void intactGoogleReportPassesWithGooglesKey() {
        // LF line ends, mbox extras (Status:, Content-Length:, Lines:), SRS Return-Path: all unsigned, still a pass
        byte[] raw = corpus(ELM);
        assertFalse(new String(raw, StandardCharsets.ISO_8859_1).contains("\r"));
        DkimResult r = new DkimVerifier(google("20210112", GOOGLE_20210112)).verify(raw, "google.com", "google.com");
        assertEquals(DkimStatus.PASS, r.status(), r.reason());
        assertEquals("google.com", r.domain());
        assertEquals("20210112", r.selector());
        assertTrue(r.alignedWithFrom());
        assertTrue(r.alignedWithSubmitter());
        assertEquals(Boolean.TRUE, r.keyAllowsTlsrpt());
        assertFalse(r.usesBodyLengthLimit());
        assertEquals(DkimStatus.PASS,
                new DkimVerifier(google("20210112", GOOGLE_20210112)).verify(RawMessage.toCrlf(raw), null, null).status());
    }

    @Test
    void intactGoogleReportFailsOnceChangedOrRevoked() {
        String elm = new String(corpus(ELM), StandardCharsets.ISO_8859_1);
        DkimVerifier real = new DkimVerifier(google("20210112", GOOGLE_20210112));
        String subject = elm.replace("Report Domain: blogreen.org", "Report Domain: evil.example");
        assertNotEquals(elm, subject);
        assertEquals(DkimStatus.FAIL, real.verify(subject.getBytes(StandardCharsets.ISO_8859_1), null, null).status());
        String body = elm.replace("This is an aggregate TLS report from google.com",
                "This is an aggregate TLS report from google.com.");
        assertNotEquals(elm, body);
        DkimResult b = real.verify(body.getBytes(StandardCharsets.ISO_8859_1), null, null);
        assertEquals(DkimStatus.FAIL, b.status());
        assertTrue(b.reason().contains("bodyhash"), b.reason());
        // Google has since revoked the 20210112 key (p= empty): a report verified today with it fails
        DkimResult revoked = new DkimVerifier(google("20210112", "v=DKIM1; k=rsa; p="))
                .verify(corpus(ELM), "google.com", "google.com");
        assertEquals(DkimStatus.FAIL, revoked.status());
        assertTrue(revoked.reason().contains("Revoked"), revoked.reason());
    }

    @Test
    void unsignedCorpusMessagesAreNone() {
        // checked by hand: these three carry no DKIM-Signature (RFC example and synthetic messages)
        for (String path : List.of("mail-auth/rpt01.eml", "mail-auth/rpt02.eml", "tlsrpt-be/test.eml")) {
            MapLookup lookup = new MapLookup();
            DkimResult r = new DkimVerifier(lookup).verify(corpus(path), "mail.sender.example.com",
                    "mail.sender.example.com");
            assertEquals(DkimStatus.NONE, r.status(), path);
            assertEquals(0, lookup.count.get(), path);
            assertTrue(r.signatures().isEmpty());
        }
    }

    @Test
    void everyCorpusMessageIsJudgedWithoutThrowing() throws IOException, URISyntaxException {
        Path root = Path.of(CorpusDkimTest.class.getResource("/corpus").toURI());
        Map<String, DkimStatus> expected = Map.of(
                GATEWAY, DkimStatus.PERMERROR, // expired today
                ELM, DkimStatus.FAIL, // key revoked today
                "mail-auth/rpt01.eml", DkimStatus.NONE,
                "mail-auth/rpt02.eml", DkimStatus.NONE,
                "tlsrpt-be/test.eml", DkimStatus.NONE);
        // the lookup answers as Google's DNS does today
        DkimVerifier v = new DkimVerifier(new MapLookup()
                .key("20230601", "google.com", GOOGLE_20230601)
                .key("20210112", "google.com", "v=DKIM1; k=rsa; p="));
        int seen = 0;
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                String rel = root.relativize(p).toString().replace('\\', '/');
                DkimResult r = v.verify(Files.readAllBytes(p), null, null);
                assertNotNull(r, rel);
                assertTrue(r.reason().length() <= 300, rel);
                if (rel.endsWith(".eml") || rel.endsWith(".elm")) {
                    seen++;
                    assertEquals(expected.get(rel), r.status(), rel + ": " + r.reason());
                } else {
                    assertEquals(DkimStatus.NONE, r.status(), rel); // JSON, gzip, NOTICE.md
                }
            }
        }
        assertEquals(expected.size(), seen, "every corpus e-mail has an expectation");
    }
}
