package io.tlsrpt.collector.dkim;

import io.tlsrpt.collector.dkim.KeyLookup.KeyAnswer;
import io.tlsrpt.collector.dkim.TestKeys.MapLookup;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.Random;

import static io.tlsrpt.collector.dkim.TestKeys.bytes;
import static io.tlsrpt.collector.dkim.TestKeys.crlf;
import static io.tlsrpt.collector.dkim.TestKeys.keyRecord;
import static io.tlsrpt.collector.dkim.TestKeys.lf;
import static io.tlsrpt.collector.dkim.TestKeys.sign;
import static io.tlsrpt.collector.dkim.TestKeys.template;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DkimVerifierTest {

    static final String REPORT = crlf("""
            From: tlsrpt@mail.sender.example.com
            To: tlsrpt@example.net
            Date: Thu, 05 Sep 2024 03:53:20 +0000
            Subject: Report Domain: example.net Submitter: mail.sender.example.com Report-ID: <a1@mail.sender.example.com>
            TLS-Report-Domain: example.net
            TLS-Report-Submitter: mail.sender.example.com
            Message-ID: <a1@mail.sender.example.com>
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type="tlsrpt";
                boundary="----=_NextPart_000_024E_01CC9B0A.AFE54C00"

            This is a multipart message in MIME format.

            ------=_NextPart_000_024E_01CC9B0A.AFE54C00
            Content-Type: text/plain; charset="us-ascii"

            This is an aggregate TLS report from mail.sender.example.com

            ------=_NextPart_000_024E_01CC9B0A.AFE54C00
            Content-Type: application/tlsrpt+json
            Content-Disposition: attachment; filename="mail.sender.example.com!example.net!1725321600!1725407999.json"

            {"organization-name":"Sender","date-range":{"start-datetime":"2024-09-03T00:00:00Z",
             "end-datetime":"2024-09-03T23:59:59Z"},"contact-info":"tlsrpt@mail.sender.example.com",
             "report-id":"a1","policies":[]}
            ------=_NextPart_000_024E_01CC9B0A.AFE54C00--
            """);

    static final String D = "mail.sender.example.com";
    static final String SEL = "tls2024";

    static MapLookup lookupWith(String keyTags) {
        return new MapLookup().key(SEL, D, keyRecord(TestKeys.rsa2048(), keyTags));
    }

    static String signed() {
        return sign(REPORT, template(D, SEL), TestKeys.rsa2048());
    }

    static DkimResult verify(KeyLookup lookup, String message) {
        return new DkimVerifier(lookup).verify(bytes(message), D, D);
    }

    @Test
    void intactCrlfMessagePasses() {
        String signed = signed();
        assertTrue(signed.startsWith("DKIM-Signature:"), signed);
        DkimResult r = verify(lookupWith("s=tlsrpt; "), signed);
        assertEquals(DkimStatus.PASS, r.status(), r.reason());
        assertEquals(D, r.domain());
        assertEquals(SEL, r.selector());
        assertTrue(r.alignedWithFrom());
        assertTrue(r.alignedWithSubmitter());
        assertEquals(Boolean.TRUE, r.keyAllowsTlsrpt());
        assertFalse(r.usesBodyLengthLimit());
        assertEquals(1, r.signatures().size());
        assertEquals(new DkimResult.Signature(D, SEL, DkimStatus.PASS, "signature verified"), r.signatures().get(0));
        assertTrue(r.reason().startsWith("pass: d=" + D + " s=" + SEL), r.reason());
    }

    @Test
    void lfOnlyMessagePassesAsOnTheWire() {
        String lfMessage = lf(signed());
        assertFalse(lfMessage.contains("\r"));
        assertEquals(DkimStatus.PASS, verify(lookupWith(""), lfMessage).status());
    }

    @Test
    void simpleCanonicalisationPassesForCrlfAndLf() {
        String signed = sign(REPORT, "v=1; a=rsa-sha256; c=simple/simple; d=" + D + "; s=" + SEL
                + "; h=from:to:subject:content-type; bh=; b=;", TestKeys.rsa2048());
        assertEquals(DkimStatus.PASS, verify(lookupWith(""), signed).status(), verify(lookupWith(""), signed).reason());
        assertEquals(DkimStatus.PASS, verify(lookupWith(""), lf(signed)).status());
        // simple header canonicalisation does not tolerate re-folding
        String refolded = signed.replace("report-type=\"tlsrpt\";\r\n    boundary", "report-type=\"tlsrpt\"; boundary");
        assertNotEquals(signed, refolded);
        assertEquals(DkimStatus.FAIL, verify(lookupWith(""), refolded).status());
    }

    @Test
    void bodyChangedAfterSigningFails() {
        String changed = signed().replace("This is an aggregate TLS report",
                "External Email - Please use caution\r\n\r\nThis is an aggregate TLS report");
        DkimResult r = verify(lookupWith(""), changed);
        assertEquals(DkimStatus.FAIL, r.status());
        assertTrue(r.reason().toLowerCase().contains("bodyhash"), r.reason());
        assertEquals(D, r.domain());
        assertEquals(Boolean.TRUE, r.keyAllowsTlsrpt(), "the key was fetched");
    }

    @Test
    void signedHeaderChangedFails() {
        String changed = signed().replace("Subject: Report Domain: example.net", "Subject: Report Domain: evil.example");
        DkimResult r = verify(lookupWith(""), changed);
        assertEquals(DkimStatus.FAIL, r.status());
        assertTrue(r.reason().contains("Header signature does not verify"), r.reason());

        String submitter = signed().replace("TLS-Report-Domain: example.net", "TLS-Report-Domain: evil.example");
        assertEquals(DkimStatus.FAIL, verify(lookupWith(""), submitter).status());
    }

    @Test
    void unsignedHeadersAddedOnTopStillPass() {
        String relayed = "Received: from relay.example by mx.example.net; Thu, 05 Sep 2024 04:00:00 +0000\r\n"
                + "Return-Path: <bounce@mail.sender.example.com>\r\n" + signed();
        assertEquals(DkimStatus.PASS, verify(lookupWith(""), relayed).status());
    }

    @Test
    void headersAreSelectedBottomUp() {
        // RFC 6376 §5.4.2: the signature covers the bottom-most From. A second From added on top is not covered and
        // does not break it (DKIM semantics; the domains compared for alignment are the caller's to choose).
        String extraOnTop = "From: attacker@evil.example\r\n" + signed();
        assertEquals(DkimStatus.PASS, verify(lookupWith(""), extraOnTop).status());
        // changing the covered From does break it
        String changed = signed().replace("From: tlsrpt@mail.sender.example.com", "From: tlsrpt@evil.example");
        assertEquals(DkimStatus.FAIL, verify(lookupWith(""), changed).status());
    }

    @Test
    void independentRfc6376SignaturePasses() {
        String signed = TestKeys.signRfc6376(REPORT, D, SEL,
                List.of("from", "to", "subject", "date", "message-id", "tls-report-domain", "tls-report-submitter",
                        "content-type", "mime-version", "from"), "", TestKeys.rsa2048());
        DkimResult r = verify(lookupWith("s=tlsrpt; "), signed);
        assertEquals(DkimStatus.PASS, r.status(), r.reason());
        assertEquals(DkimStatus.PASS, verify(lookupWith(""), lf(signed)).status());
        // oversigned From ("from" listed twice, only one present): an added From now breaks it
        assertEquals(DkimStatus.FAIL, verify(lookupWith(""), "From: attacker@evil.example\r\n" + signed).status());
        // relaxed canonicalisation tolerates re-folding and trailing blank lines
        String refolded = signed.replace("Subject: Report Domain: example.net Submitter:",
                "Subject: Report Domain: example.net\r\n  Submitter:") + "\r\n\r\n";
        assertEquals(DkimStatus.PASS, verify(lookupWith(""), refolded).status());
    }

    @Test
    void noSignatureIsNone() {
        DkimResult r = verify(lookupWith(""), REPORT);
        assertEquals(DkimStatus.NONE, r.status());
        assertNull(r.domain());
        assertNull(r.keyAllowsTlsrpt());
        assertTrue(r.signatures().isEmpty());
        assertEquals(DkimStatus.NONE, verify(lookupWith(""), lf(REPORT)).status());
    }

    @Test
    void temporaryKeyFailureIsTemperror() {
        MapLookup lookup = new MapLookup().answer(SEL, D, KeyAnswer.temporaryFailure("SERVFAIL"));
        DkimResult r = verify(lookup, signed());
        assertEquals(DkimStatus.TEMPERROR, r.status());
        assertEquals(D, r.domain());
        assertNull(r.keyAllowsTlsrpt());
        assertTrue(r.reason().contains("SERVFAIL"), r.reason());
        assertEquals(List.of(SEL + "._domainkey." + D), lookup.queries);
    }

    @Test
    void lookupThatThrowsIsTemperror() {
        KeyLookup broken = name -> {
            throw new IllegalStateException("resolver down");
        };
        assertEquals(DkimStatus.TEMPERROR, verify(broken, signed()).status());
        assertEquals(DkimStatus.TEMPERROR, verify(name -> null, signed()).status());
    }

    @Test
    void missingKeyFails() {
        DkimResult r = verify(new MapLookup(), signed());
        assertEquals(DkimStatus.FAIL, r.status(), "jDKIM: a permanent key failure of a parsed signature is FAIL");
        assertTrue(r.reason().contains("no key record at " + SEL + "._domainkey." + D), r.reason());
        MapLookup emptyTxt = new MapLookup().answer(SEL, D, KeyAnswer.found(List.of()));
        assertEquals(DkimStatus.FAIL, verify(emptyTxt, signed()).status());
    }

    @Test
    void revokedKeyFails() {
        MapLookup lookup = new MapLookup().key(SEL, D, "v=DKIM1; k=rsa; p=");
        DkimResult r = verify(lookup, signed());
        assertEquals(DkimStatus.FAIL, r.status());
        assertTrue(r.reason().contains("Revoked"), r.reason());
        assertNull(r.keyAllowsTlsrpt());
    }

    @Test
    void garbageKeyRecordIsNotPass() {
        for (String garbage : List.of("this is not a key", "v=DKIM1; k=rsa; p=!!!notbase64!!!",
                "v=DKIM1; k=rsa; p=QUJDREVGRw==", "v=spf1 -all", "v=DKIM2; p=abc", "=;=;=;", "")) {
            DkimResult r = verify(new MapLookup().key(SEL, D, garbage), signed());
            assertTrue(r.status() == DkimStatus.FAIL || r.status() == DkimStatus.PERMERROR,
                    garbage + " -> " + r.status() + " " + r.reason());
        }
    }

    @Test
    void wrongKeyFails() {
        MapLookup lookup = new MapLookup().key(SEL, D, keyRecord(TestKeys.other2048(), ""));
        DkimResult r = verify(lookup, signed());
        assertEquals(DkimStatus.FAIL, r.status());
    }

    @Test
    void firstValidKeyRecordOfSeveralIsUsed() {
        MapLookup lookup = new MapLookup().key(SEL, D, "google-site-verification=abc",
                keyRecord(TestKeys.rsa2048(), "s=email; "));
        DkimResult r = verify(lookup, signed());
        assertEquals(DkimStatus.PASS, r.status(), r.reason());
        assertEquals(Boolean.FALSE, r.keyAllowsTlsrpt());
    }

    @Test
    void keyServiceTypes() {
        assertEquals(Boolean.TRUE, verify(lookupWith("s=tlsrpt; "), signed()).keyAllowsTlsrpt());
        assertEquals(Boolean.FALSE, verify(lookupWith("s=email; "), signed()).keyAllowsTlsrpt());
        assertEquals(Boolean.TRUE, verify(lookupWith("s=*; "), signed()).keyAllowsTlsrpt());
        assertEquals(Boolean.TRUE, verify(lookupWith(""), signed()).keyAllowsTlsrpt());
        assertEquals(Boolean.TRUE, verify(lookupWith("s=email:tlsrpt; "), signed()).keyAllowsTlsrpt());
        assertEquals(Boolean.TRUE, verify(lookupWith("s = email : TLSRPT ; "), signed()).keyAllowsTlsrpt());
        // the service type does not change the verdict (jDKIM ignores s=): policy is the caller's
        assertEquals(DkimStatus.PASS, verify(lookupWith("s=email; "), signed()).status());
    }

    @Test
    void testingKeyIsNoted() {
        DkimResult r = verify(lookupWith("t=y; "), signed());
        assertEquals(DkimStatus.PASS, r.status());
        assertTrue(r.signatures().get(0).reason().contains("t=y"), r.signatures().get(0).reason());
    }

    @Test
    void alignment() {
        assertTrue(DkimVerifier.aligned("example.com", "example.com"));
        assertTrue(DkimVerifier.aligned("mail.example.com", "example.com"));
        assertTrue(DkimVerifier.aligned("example.com", "mail.example.com"));
        assertTrue(DkimVerifier.aligned("corp.mail.ru", "mail.ru"));
        assertTrue(DkimVerifier.aligned("Example.COM.", "example.com"));
        assertTrue(DkimVerifier.aligned("bücher.example", "xn--bcher-kva.example"));
        assertFalse(DkimVerifier.aligned("example.com", "other.org"));
        assertFalse(DkimVerifier.aligned("notexample.com", "example.com"));
        assertFalse(DkimVerifier.aligned("example.com", "ample.com"));
        assertFalse(DkimVerifier.aligned("corp.mail.ru", "gmail.ru"));
        assertFalse(DkimVerifier.aligned(null, "example.com"));
        assertFalse(DkimVerifier.aligned("example.com", null));
        assertFalse(DkimVerifier.aligned("", ""));
        assertFalse(DkimVerifier.aligned(".", "."));
    }

    @Test
    void alignmentInResults() {
        KeyPair kp = TestKeys.rsa2048();
        MapLookup lookup = new MapLookup().key("mail4", "corp.mail.ru", keyRecord(kp, ""));
        String signed = sign(REPORT, template("corp.mail.ru", "mail4"), kp);
        DkimVerifier v = new DkimVerifier(lookup);

        DkimResult mailRu = v.verify(bytes(signed), "corp.mail.ru", "mail.ru");
        assertEquals(DkimStatus.PASS, mailRu.status());
        assertEquals("corp.mail.ru", mailRu.domain());
        assertTrue(mailRu.alignedWithFrom());
        assertTrue(mailRu.alignedWithSubmitter());

        DkimResult other = v.verify(bytes(signed), "other.org", "example.com");
        assertEquals(DkimStatus.PASS, other.status());
        assertFalse(other.alignedWithFrom());
        assertFalse(other.alignedWithSubmitter());

        DkimResult nulls = v.verify(bytes(signed), null, null);
        assertFalse(nulls.alignedWithFrom());
        assertFalse(nulls.alignedWithSubmitter());

        MapLookup sub = new MapLookup().key("s1", "mail.example.com", keyRecord(kp, ""));
        String bySub = sign(REPORT, template("mail.example.com", "s1"), kp);
        DkimResult r = new DkimVerifier(sub).verify(bytes(bySub), "example.com", "other.org");
        assertEquals(DkimStatus.PASS, r.status());
        assertTrue(r.alignedWithFrom());
        assertFalse(r.alignedWithSubmitter());
    }

    @Test
    void bodyLengthLimitIsDetected() {
        String template = "v=1; a=rsa-sha256; c=relaxed/relaxed; d=" + D + "; s=" + SEL
                + "; h=from:to:subject; l=100; bh=; b=;";
        String signed = sign(REPORT, template, TestKeys.rsa2048());
        DkimResult r = verify(lookupWith(""), signed);
        assertEquals(DkimStatus.PASS, r.status(), r.reason());
        assertTrue(r.usesBodyLengthLimit());
        assertTrue(r.reason().contains("l="), r.reason());
        // l= is why RFC 8460 forbids it: anything appended after the signed length still verifies
        String appended = signed.replace("------=_NextPart_000_024E_01CC9B0A.AFE54C00--",
                "------=_NextPart_000_024E_01CC9B0A.AFE54C00--\r\nforged tail");
        DkimResult tail = verify(lookupWith(""), appended);
        assertEquals(DkimStatus.PASS, tail.status());
        assertTrue(tail.usesBodyLengthLimit());
    }

    @Test
    void passingSignatureWithoutBodyLengthLimitIsPreferred() {
        KeyPair kp = TestKeys.rsa2048();
        String withL = sign(REPORT, "v=1; a=rsa-sha256; c=relaxed/relaxed; d=" + D + "; s=" + SEL
                + "; h=from:to:subject; l=50; bh=; b=;", kp);
        String both = sign(withL, template(D, "plain"), kp); // the plain one on top, then the l= one
        MapLookup lookup = lookupWith("").key("plain", D, keyRecord(kp, ""));
        DkimResult r = verify(lookup, both);
        assertEquals(DkimStatus.PASS, r.status());
        assertEquals("plain", r.selector());
        assertFalse(r.usesBodyLengthLimit());
        assertEquals(2, r.signatures().size());
    }

    @Test
    void severalSignatures() {
        KeyPair kp = TestKeys.rsa2048();
        // an ESP signs last (on top); the reporting domain signed first
        String byDomain = sign(REPORT, template(D, SEL), kp);
        String both = sign(byDomain, template("esp.example", "esp1"), kp);
        MapLookup lookup = lookupWith("").key("esp1", "esp.example", keyRecord(kp, "s=email; "));
        DkimResult r = verify(lookup, both);
        assertEquals(DkimStatus.PASS, r.status());
        assertEquals(D, r.domain(), "the signature aligned with the submitter decides");
        assertTrue(r.alignedWithSubmitter());
        assertEquals(Boolean.TRUE, r.keyAllowsTlsrpt());
        assertEquals(List.of("esp.example", D), r.signatures().stream().map(DkimResult.Signature::domain).toList());
        assertTrue(r.reason().contains("2 of 2"), r.reason());

        // one passes, one cannot be fetched: PASS
        MapLookup temp = new MapLookup().key("esp1", "esp.example", keyRecord(kp, ""))
                .answer(SEL, D, KeyAnswer.temporaryFailure("timeout"));
        DkimResult passAndTemp = verify(temp, both);
        assertEquals(DkimStatus.PASS, passAndTemp.status());
        assertEquals("esp.example", passAndTemp.domain());
        assertFalse(passAndTemp.alignedWithSubmitter());
        assertEquals(DkimStatus.TEMPERROR, passAndTemp.signatures().get(1).status());

        // one fails, one cannot be fetched: TEMPERROR (retry later, never judged as fail)
        MapLookup failAndTemp = new MapLookup().key("esp1", "esp.example", keyRecord(TestKeys.other2048(), ""))
                .answer(SEL, D, KeyAnswer.temporaryFailure("timeout"));
        DkimResult t = verify(failAndTemp, both);
        assertEquals(DkimStatus.TEMPERROR, t.status());
        assertEquals(D, t.domain());

        // one fails, one has a broken key: FAIL
        MapLookup failAndMissing = new MapLookup().key("esp1", "esp.example", keyRecord(TestKeys.other2048(), ""));
        assertEquals(DkimStatus.FAIL, verify(failAndMissing, both).status());
    }

    @Test
    void atMostTenSignaturesAreChecked() {
        KeyPair kp = TestKeys.rsa2048();
        MapLookup lookup = new MapLookup();
        String message = REPORT;
        for (int i = 0; i < 11; i++) {
            message = sign(message, template(D, "s" + i), kp);
        }
        // only s0 (the bottom-most, eleventh from the top) has a key: it is never looked at
        lookup.key("s0", D, keyRecord(kp, ""));
        DkimResult r = verify(lookup, message);
        assertEquals(10, r.signatures().size());
        assertTrue(lookup.count.get() <= 10, "lookups: " + lookup.count.get());
        assertFalse(lookup.queries.contains("s0._domainkey." + D));
        assertEquals(DkimStatus.FAIL, r.status());
        assertTrue(r.reason().contains("11 signatures, only the first 10 checked"), r.reason());

        // with the keys present, the top ten pass
        for (int i = 1; i < 11; i++) {
            lookup.key("s" + i, D, keyRecord(kp, ""));
        }
        DkimResult all = verify(lookup, message);
        assertEquals(DkimStatus.PASS, all.status());
        assertEquals("s10", all.selector());
        assertTrue(all.signatures().stream().allMatch(s -> s.status() == DkimStatus.PASS));
    }

    @Test
    void sameKeyIsLookedUpOnce() {
        KeyPair kp = TestKeys.rsa2048();
        String twice = sign(sign(REPORT, template(D, SEL), kp), template(D, SEL), kp);
        MapLookup lookup = lookupWith("");
        assertEquals(DkimStatus.PASS, verify(lookup, twice).status());
        assertEquals(1, lookup.count.get());
    }

    @Test
    void expiredSignatureIsJudgedAtReceipt() {
        long t = 1725447200L; // 2024-09-04, expired a week later (jDKIM's signer refuses this, so sign per RFC 6376)
        String signed = TestKeys.signRfc6376(REPORT, D, SEL, List.of("from", "to", "subject"),
                "t=" + t + "; x=" + (t + 7 * 86400) + "; ", TestKeys.rsa2048());
        DkimVerifier v = new DkimVerifier(lookupWith(""));

        DkimResult now = v.verify(bytes(signed), D, D);
        assertEquals(DkimStatus.PERMERROR, now.status());
        assertTrue(now.reason().contains("expired"), now.reason());

        DkimResult onArrival = v.verify(bytes(signed), D, D, Instant.ofEpochSecond(t + 3600));
        assertEquals(DkimStatus.PASS, onArrival.status(), onArrival.reason());

        DkimResult late = v.verify(bytes(signed), D, D, Instant.ofEpochSecond(t + 8 * 86400));
        assertEquals(DkimStatus.PERMERROR, late.status());
        assertTrue(late.reason().contains("expired"), late.reason());

        // the From rule jDKIM applies after the expiry check still holds
        String noFrom = TestKeys.signRfc6376(REPORT, D, SEL, List.of("to", "subject"),
                "t=" + t + "; x=" + (t + 86400) + "; ", TestKeys.rsa2048());
        DkimResult r = v.verify(bytes(noFrom), D, D, Instant.ofEpochSecond(t + 60));
        assertEquals(DkimStatus.PERMERROR, r.status());
        assertTrue(r.reason().contains("From field not signed"), r.reason());
    }

    @Test
    void rsaSha1AndUnsupportedAlgorithmsArePermerror() {
        String sha1 = sign(REPORT, "v=1; a=rsa-sha1; c=relaxed/relaxed; d=" + D + "; s=" + SEL
                + "; h=from:to:subject; bh=; b=;", TestKeys.rsa2048());
        MapLookup lookup = lookupWith("");
        DkimResult r = verify(lookup, sha1);
        assertEquals(DkimStatus.PERMERROR, r.status());
        assertTrue(r.reason().contains("rsa-sha1"), r.reason());
        assertEquals(0, lookup.count.get(), "no key lookup for a signature that cannot be accepted");

        String ed25519 = "DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d=" + D + "; s=ed1;\r\n"
                + " h=from:to:subject; bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n"
                + " b=/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11BusFa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==\r\n" + REPORT;
        DkimResult e = verify(new MapLookup().key("ed1", D, "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="), ed25519);
        assertEquals(DkimStatus.PERMERROR, e.status());
        assertTrue(e.reason().contains("ed25519"), e.reason());
    }

    @Test
    void shortRsaKeyIsRefused() {
        KeyPair weak = TestKeys.generate(512);
        String signed = sign(REPORT, template(D, SEL), weak);
        DkimResult r = verify(new MapLookup().key(SEL, D, keyRecord(weak, "")), signed);
        assertEquals(DkimStatus.PERMERROR, r.status());
        assertTrue(r.reason().contains("512 bits"), r.reason());
    }

    @Test
    void largeMessagePassesInBoundedTime() {
        StringBuilder body = new StringBuilder(REPORT.length() + 10_500_000);
        body.append(REPORT.replace("------=_NextPart_000_024E_01CC9B0A.AFE54C00--\r\n", ""));
        String line = "H4sIAAAAAAAAA+1YbW/bNhD+K4Y/L4FIvdr7lKYdUGDDgqbYh22FQUuUTUQSNZJKEwz97zuSkiUldprGGTBsARLH4r08d8fjkc99mb+/jBdl1ZKq3VjjTa9tEzO9tpEfUF7lpJ6t9W7vv/CS3YlKTSNT8x1jHXbEbbV6rVV7P3TalnjNmsQ7n2dE==\r\n";
        while (body.length() < 10_000_000) {
            body.append(line);
        }
        body.append("------=_NextPart_000_024E_01CC9B0A.AFE54C00--\r\n");
        String signed = sign(body.toString(), template(D, SEL), TestKeys.rsa2048());
        long start = System.nanoTime();
        DkimResult r = verify(lookupWith(""), lf(signed));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(DkimStatus.PASS, r.status(), r.reason());
        assertTrue(ms < 10_000, "took " + ms + " ms");
    }

    @Test
    void garbageNeverThrows() {
        DkimVerifier v = new DkimVerifier(lookupWith(""));
        Random random = new Random(8460);
        byte[] noise = new byte[1 << 20];
        random.nextBytes(noise);
        List<byte[]> inputs = List.of(new byte[0], noise, bytes("\n\n\n"), bytes("\r\r\r\n\n"), new byte[1000],
                bytes("DKIM-Signature:"), bytes("DKIM-Signature:\r\n"), bytes("DKIM-Signature: ;;;;\r\n\r\nbody"),
                bytes("DKIM-Signature: v=1; a=rsa-sha256; d=; s=; h=; bh=; b=\r\n\r\n"),
                bytes("DKIM-Signature: v=1; a=rsa-sha256; d=" + "a.".repeat(200) + "com; s=x; h=from; bh=AA==; b=AA==\r\n"
                        + "From: a@b\r\n\r\n"),
                bytes("DKIM-Signature: v=1; a=rsa-sha256; d=exa mple.com; s=../../etc; h=from; bh=AA==; b=AA==\r\n\r\n"),
                bytes("DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=x; h=from; l=-5; bh=AA==; b=AA==\r\n\r\n"),
                bytes("DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=x; h=from; l=99999999999999999999; "
                        + "bh=AA==; b=AA==\r\nFrom: a@example.com\r\n\r\n"),
                bytes("DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=x; h=from; q=http/get; bh=AA==; b=AA==\r\n"
                        + "From: a@example.com\r\n\r\n"),
                bytes(" folded first line\r\nDKIM-Signature: v=1\r\n"),
                bytes("DKIM-Signature: v=1; a=rsa-sha256; c=weird/none; d=example.com; s=x; h=from; bh=AA==; b=AA==\r\n"
                        + "From: a@example.com\r\n\r\n"));
        for (byte[] in : inputs) {
            DkimResult r = v.verify(in, "example.com", "example.com");
            assertNotNull(r);
            assertNotEquals(DkimStatus.PASS, r.status());
            assertTrue(r.reason().length() <= 300);
        }
        assertEquals(DkimStatus.NONE, v.verify(null, null, null).status());
        assertEquals(DkimStatus.NONE, v.verify(noise, null, null).status());
        // the noise with a signature on top
        byte[] signedNoise = new byte[noise.length + 200];
        byte[] head = bytes(lf(signed()).substring(0, lf(signed()).indexOf("\n\n") + 2));
        System.arraycopy(head, 0, signedNoise, 0, head.length);
        System.arraycopy(noise, 0, signedNoise, head.length, signedNoise.length - head.length);
        assertEquals(DkimStatus.FAIL, v.verify(signedNoise, D, D).status());
    }

    @Test
    void hugeSignatureHeaderNeverThrows() {
        DkimVerifier v = new DkimVerifier(lookupWith(""));
        String huge = "DKIM-Signature: v=1; a=rsa-sha256; d=" + D + "; s=" + SEL + "; h=from; bh=AA==; b="
                + "A".repeat(100_000) + "\r\n" + REPORT;
        DkimResult r = v.verify(bytes(huge), D, D);
        assertEquals(DkimStatus.PERMERROR, r.status());
        assertTrue(r.reason().length() <= 300);
        assertEquals(D, r.domain());

        String folded = "DKIM-Signature: v=1; a=rsa-sha256; d=" + D + "; s=" + SEL + "; h=from; bh=AA==; b="
                + "A\r\n ".repeat(33_000) + "\r\n" + REPORT;
        assertEquals(DkimStatus.PERMERROR, v.verify(bytes(folded), D, D).status());

        // just under the length limit, as many FWS-separated tokens as fit: parsed without a stack overflow
        String tokens = "DKIM-Signature: v=1; a=rsa-sha256; d=" + D + "; s=" + SEL + "; h=from; bh=AA==; b="
                + "A ".repeat(8_000) + "\r\n" + REPORT;
        DkimResult t = v.verify(bytes(tokens), D, D);
        assertNotEquals(DkimStatus.PASS, t.status());

        String manyTags = "DKIM-Signature: " + "z=1; ".repeat(3000) + "\r\n" + REPORT;
        assertEquals(DkimStatus.PERMERROR, v.verify(bytes(manyTags), D, D).status());

        String hugeKey = keyRecord(TestKeys.rsa2048(), "n=" + "x ".repeat(5000) + "; ");
        DkimResult k = new DkimVerifier(new MapLookup().key(SEL, D, hugeKey)).verify(bytes(signed()), D, D);
        assertNotNull(k.status());
    }

    @Test
    void foldedSignatureTagsAreShownAsSent() {
        DkimVerifier v = new DkimVerifier(lookupWith(""));
        DkimResult spaced = v.verify(bytes("DKIM-Signature: v=1; a=rsa-sha256; d=exa mple.com; s=x; h=from;\r\n"
                + " bh=AA==; b=AA==\r\nFrom: a@example.com\r\n\r\n"), "example.com", "example.com");
        assertEquals(DkimStatus.PERMERROR, spaced.status(), spaced.reason());
        assertEquals("exa mple.com", spaced.domain());
        assertFalse(spaced.alignedWithFrom());
        DkimResult folded = v.verify(bytes("DKIM-Signature: v=1; a=rsa-sha256;\r\n d=\r\n\texample.com ;\r\n s=x;"
                + " h=from; bh=AA==; b=AA==\r\nFrom: a@example.com\r\n\r\n"), "example.com", "example.com");
        assertEquals("example.com", folded.domain());
        assertEquals("x", folded.selector());
        assertTrue(folded.alignedWithFrom());
    }

    @Test
    void tooManyHeaderFieldsIsPermerror() {
        String many = "X-Filler: 1\r\n".repeat(RawMessage.MAX_FIELDS + 5) + signed();
        DkimResult r = verify(lookupWith(""), many);
        assertEquals(DkimStatus.PERMERROR, r.status());
        assertTrue(r.reason().contains("more than"), r.reason());
        // many fields but no signature: NONE
        assertEquals(DkimStatus.NONE, verify(lookupWith(""), "X-Filler: 1\r\n".repeat(5000) + REPORT).status());
    }

    @Test
    void reasonsAreOneBoundedLine() {
        String error = "line one\r\nline two\t" + "x".repeat(10_000);
        MapLookup lookup = new MapLookup().answer(SEL, D, KeyAnswer.temporaryFailure(error));
        DkimResult r = verify(lookup, signed());
        assertEquals(DkimStatus.TEMPERROR, r.status());
        assertTrue(r.reason().length() <= 300, r.reason().length() + "");
        assertFalse(r.reason().contains("\n") || r.reason().contains("\r") || r.reason().contains("\t"));
        assertTrue(r.reason().endsWith("..."));
        assertTrue(r.signatures().get(0).reason().length() <= 300);
    }

    @Test
    void resultRecordIsBounded() {
        List<DkimResult.Signature> many = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            many.add(new DkimResult.Signature("d", "s", DkimStatus.FAIL, "r"));
        }
        DkimResult r = new DkimResult(null, "x".repeat(1000), null, false, false, null, false, null, many);
        assertEquals(DkimStatus.PERMERROR, r.status());
        assertEquals(10, r.signatures().size());
        assertTrue(r.domain().length() <= 255);
        assertEquals(DkimStatus.NOT_JUDGED, DkimResult.notJudged("imported from an mbox").status());
        assertEquals("imported from an mbox", DkimResult.notJudged("imported from an mbox").reason());
        assertEquals("a b", Text.reason("a\u0000\u2028b\r\n"));
        assertEquals(300, Text.reason("y".repeat(301)).length());
        assertEquals("y".repeat(300), Text.reason("y".repeat(300)));
    }

    @Test
    void sharedVerifierIsThreadSafe() throws Exception {
        DkimVerifier v = new DkimVerifier(lookupWith(""));
        String good = signed();
        String bad = good.replace("aggregate", "aggregated");
        List<java.util.concurrent.Callable<DkimStatus>> jobs = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String m = i % 2 == 0 ? good : bad;
            jobs.add(() -> v.verify(bytes(m), D, D).status());
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<DkimStatus>> results = pool.invokeAll(jobs);
            for (int i = 0; i < results.size(); i++) {
                assertEquals(i % 2 == 0 ? DkimStatus.PASS : DkimStatus.FAIL, results.get(i).get());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
