package io.tlsrpt.collector.records;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.tlsrpt.collector.support.TestCertificates;
import io.tlsrpt.collector.support.TestDnsServer;
import io.tlsrpt.collector.support.TestHttpsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Rcode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole check against real servers on loopback: a DNS server, an HTTPS server for the policies and a STARTTLS
 * SMTP server, all with certificates from a CA made for the test. Each test uses its own domain.
 */
class RecordsCheckerTest {
    private static final String PATH = "/.well-known/mta-sts.txt";
    private static final String COLLECTOR = "tlsrpt@reports.test";

    @TempDir
    static Path tmp;

    static TestCertificates.Ca ca;
    static Path trustStore;
    static TestDnsServer dns;
    static TestCertificates.SniKeyManager httpsKeys;
    static TestCertificates.SniKeyManager smtpKeys;
    static TestHttpsServer https;
    static TestSmtpServer smtp;

    @BeforeAll
    static void servers() {
        ca = TestCertificates.ca("Records Test CA");
        trustStore = ca.trustStore(tmp);
        TestCertificates.Issued fallback = ca.issue("fallback.invalid");
        dns = TestDnsServer.start();
        httpsKeys = new TestCertificates.SniKeyManager(Map.of(), fallback);
        smtpKeys = new TestCertificates.SniKeyManager(Map.of(), fallback);
        https = TestHttpsServer.start(httpsKeys);
        smtp = TestSmtpServer.withStarttls(smtpKeys);
    }

    @AfterAll
    static void stop() {
        smtp.close();
        https.close();
        dns.close();
    }

    static CheckSettings settings() {
        return new CheckSettings(true, true, smtp.port(), https.port(), Duration.ofSeconds(3), Duration.ofSeconds(3),
                trustStore.toString(), TestCertificates.PASSWORD);
    }

    static Resolver resolver() {
        return new Resolver(new DnsSettings(List.of(dns.address()), Duration.ofSeconds(2), 1, Duration.ZERO));
    }

    static RecordsChecker checker() {
        return new RecordsChecker(resolver(), settings(), List.of(COLLECTOR));
    }

    static String crlfPolicy(String mode, long maxAge, String... mx) {
        StringBuilder b = new StringBuilder("version: STSv1\r\nmode: " + mode + "\r\nmax_age: " + maxAge + "\r\n");
        for (String m : mx) {
            b.append("mx: ").append(m).append("\r\n");
        }
        return b.toString();
    }

    /**
     * Publishes the worked example for d: TLSRPT to the collector, MTA-STS id, an enforce policy (CRLF, max_age
     * 86400) listing mx1.d and mx2.d, MX records for both, all on 127.0.0.1 with valid certificates.
     */
    static void publishClean(String d) {
        dns.txt("_smtp._tls." + d, "v=TLSRPTv1; rua=mailto:" + COLLECTOR);
        dns.txt("_mta-sts." + d, "v=STSv1; id=20240101T000000");
        dns.a("mta-sts." + d, "127.0.0.1");
        httpsKeys.put("mta-sts." + d, ca.issue("mta-sts." + d));
        https.respond("mta-sts." + d, PATH, 200, "text/plain", crlfPolicy("enforce", 86400, "mx1." + d, "mx2." + d));
        for (String mx : List.of("mx1." + d, "mx2." + d)) {
            dns.mx(d, mx.startsWith("mx1") ? 10 : 20, mx);
            dns.a(mx, "127.0.0.1");
            smtpKeys.put(mx, ca.issue(mx));
        }
    }

    static List<Finding> findings(RecordsSnapshot s, String check) {
        return s.findings().stream().filter(f -> f.check().equals(check)).toList();
    }

    static Finding only(RecordsSnapshot s, String check, Severity severity) {
        List<Finding> list = findings(s, check).stream().filter(f -> f.severity() == severity).toList();
        assertEquals(1, list.size(), "one " + severity + " " + check + " in " + describe(s));
        return list.get(0);
    }

    static List<Finding> errors(RecordsSnapshot s) {
        return s.findings().stream().filter(f -> f.severity() == Severity.ERROR).toList();
    }

    static String describe(RecordsSnapshot s) {
        return s.findings().stream().map(f -> f.severity() + " " + f.check() + " [" + f.subject() + "] " + f.message())
                .collect(Collectors.joining("\n  ", "\n  ", ""));
    }

    // ---------------------------------------------------------------- the clean domain

    @Test
    void aCleanDomainHasNoErrors() throws Exception {
        String d = "clean.test";
        publishClean(d);
        RecordsSnapshot s = checker().check("Clean.Test.");
        assertEquals(d, s.domain());
        assertEquals(List.of(), errors(s), describe(s));
        assertTrue(s.findings().stream().noneMatch(f -> f.severity() == Severity.WARNING), describe(s));

        assertEquals(List.of("mailto:" + COLLECTOR), s.tlsrpt().rua());
        assertEquals("20240101T000000", s.mtaSts().id());
        assertEquals(200, s.policy().status());
        assertEquals("text/plain", s.policy().contentType());
        assertEquals(List.of("mta-sts." + d), s.policy().certificateNames());
        assertNotNull(s.policy().certificateNotAfter());
        assertEquals("enforce", s.mtaStsPolicy().mode());
        assertEquals(86400L, s.mtaStsPolicy().maxAge());
        assertEquals("CRLF", s.mtaStsPolicy().lineEndings());
        assertEquals(List.of("mx1." + d, "mx2." + d), s.mtaStsPolicy().mx());
        assertEquals(List.of("mx1." + d, "mx2." + d), s.mx().mxHosts());

        assertEquals(2, s.probes().size());
        for (StarttlsProbe p : s.probes()) {
            assertTrue(p.connected(), p.toString());
            assertTrue(p.banner().startsWith("220"), p.banner());
            assertTrue(p.starttlsOffered());
            assertTrue(p.tlsEstablished(), p.toString());
            assertTrue(p.tlsVersion().equals("TLSv1.3") || p.tlsVersion().equals("TLSv1.2"));
            assertTrue(p.trusted(), p.toString());
            assertTrue(p.nameMatches(), p.toString());
            assertFalse(p.wildcardCertificate());
            assertEquals(List.of(p.mx()), p.certificateNames());
            assertEquals(8, p.certificateHashes().size(), "4 forms for the certificate, 4 for the CA");
            assertNull(p.error());
        }
        assertTrue(smtpKeys.requestedNames().containsAll(List.of("mx1." + d, "mx2." + d)), "SNI is the MX name");
        assertTrue(httpsKeys.requestedNames().contains("mta-sts." + d), "SNI is the policy host");

        Finding collector = only(s, "tlsrpt.collector-address", Severity.INFO);
        assertTrue(collector.message().contains(COLLECTOR));
        assertEquals(2, findings(s, "starttls.certificate-expiry").size());
        assertTrue(findings(s, "starttls.certificate-expiry").stream().allMatch(f -> f.severity() == Severity.INFO));
        only(s, "tlsa.present", Severity.INFO);

        // The lead stores snapshots as JSON and reads them back.
        ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule());
        String text = json.writeValueAsString(s);
        RecordsSnapshot back = json.readValue(text, RecordsSnapshot.class);
        assertEquals(s, back);
        assertFalse(text.contains("\"mxHosts\""), "helper methods are not serialised");
    }

    @Test
    void theSameCheckSendsOnlyTheFixedRequests() {
        String d = "fixed.test";
        publishClean(d);
        int before = https.requestCount("mta-sts." + d);
        checker().check(d);
        List<TestHttpsServer.Request> mine = https.requests().stream()
                .filter(r -> r.host().equals("mta-sts." + d)).toList();
        assertEquals(before + 1, mine.size());
        assertEquals("GET", mine.get(0).method());
        assertEquals(PATH, mine.get(0).path());
    }

    // ---------------------------------------------------------------- the policy

    @Test
    void aPolicyWithLfLineEndingsIsAWarning() {
        String d = "lf.test";
        publishClean(d);
        https.respond("mta-sts." + d, PATH, 200, "text/plain; charset=utf-8",
                crlfPolicy("enforce", 604800, "mx1." + d, "mx2." + d).replace("\r\n", "\n"));
        RecordsSnapshot s = checker().check(d);
        assertEquals("LF", s.mtaStsPolicy().lineEndings());
        Finding f = only(s, "policy.line-endings", Severity.WARNING);
        assertTrue(f.message().contains("LF"), f.message());
        assertTrue(f.fix().contains("CRLF"));
        assertEquals(List.of(), errors(s), describe(s));
    }

    @Test
    void aMissingPolicyIsAnError() {
        String d = "nopolicy.test";
        publishClean(d);
        https.respond("mta-sts." + d, PATH, 404, "text/plain", "not here");
        RecordsSnapshot s = checker().check(d);
        assertEquals(404, s.policy().status());
        assertNull(s.policy().body());
        assertNull(s.mtaStsPolicy());
        Finding f = only(s, "policy.fetch", Severity.ERROR);
        assertTrue(f.message().contains("404"), f.message());
        assertTrue(findings(s, "coverage.mx-not-in-policy").isEmpty());
    }

    @Test
    void aWrongContentTypeIsAnError() {
        String d = "html.test";
        publishClean(d);
        https.respond("mta-sts." + d, PATH, 200, "text/html",
                crlfPolicy("enforce", 86400, "mx1." + d, "mx2." + d));
        RecordsSnapshot s = checker().check(d);
        Finding f = only(s, "policy.content-type", Severity.ERROR);
        assertTrue(f.message().contains("text/html"), f.message());
        assertNotNull(s.mtaStsPolicy(), "the policy is still parsed and shown");
    }

    @Test
    void aRedirectIsNotFollowed() {
        String d = "redirect.test";
        publishClean(d);
        String target = "mta-sts.target.test";
        dns.a(target, "127.0.0.1");
        httpsKeys.put(target, ca.issue(target));
        https.respond(target, PATH, 200, "text/plain", crlfPolicy("enforce", 86400, "mx1." + d));
        https.redirect("mta-sts." + d, PATH, "https://" + target + ":" + https.port() + PATH);
        RecordsSnapshot s = checker().check(d);
        assertEquals(301, s.policy().status());
        Finding f = only(s, "policy.fetch", Severity.ERROR);
        assertTrue(f.message().contains("redirect"), f.message());
        assertTrue(f.message().contains(target), f.message());
        assertEquals(0, https.requestCount(target), "the redirect was not followed");
        assertNull(s.mtaStsPolicy());
    }

    @Test
    void aPolicyOver64KiBIsTruncatedAndAnError() {
        String d = "huge.test";
        publishClean(d);
        String body = crlfPolicy("enforce", 86400, "mx1." + d, "mx2." + d) + "x: " + "y".repeat(100_000) + "\r\n";
        https.respond("mta-sts." + d, PATH, 200, "text/plain", body);
        RecordsSnapshot s = checker().check(d);
        assertTrue(s.policy().truncated());
        assertEquals(64 * 1024, s.policy().body().length());
        assertTrue(s.policy().error().contains("64 KiB"), s.policy().error());
        only(s, "policy.fetch", Severity.ERROR);
        assertNull(s.mtaStsPolicy());
    }

    @Test
    void aPolicyCertificateForAnotherNameIsAnError() {
        String d = "wrongcert.test";
        publishClean(d);
        httpsKeys.put("mta-sts." + d, ca.issue("www." + d));
        int handshakes = https.handshakes();
        RecordsSnapshot s = checker().check(d);
        assertNull(s.policy().status());
        assertEquals(List.of("www." + d), s.policy().certificateNames());
        Finding f = only(s, "policy.fetch", Severity.ERROR);
        assertTrue(f.message().contains("not valid for mta-sts." + d), f.message());
        assertTrue(f.fix().contains("certificate"), f.fix());
        assertEquals(0, https.requestCount("mta-sts." + d), "no request over a connection that failed the check");
        assertTrue(https.handshakes() > handshakes);
    }

    @Test
    void aPolicyCertificateFromAnUnknownCaIsAnError() {
        String d = "selfsigned.test";
        publishClean(d);
        httpsKeys.put("mta-sts." + d, TestCertificates.selfSigned("mta-sts." + d));
        RecordsSnapshot s = checker().check(d);
        Finding f = only(s, "policy.fetch", Severity.ERROR);
        assertTrue(f.message().contains("not trusted"), f.message());
    }

    @Test
    void policyContentProblemsAreFindings() {
        String d = "testing.test";
        publishClean(d);
        https.respond("mta-sts." + d, PATH, 200, "text/plain",
                "version: STSv1\r\nmode: testing\r\nmax_age: 3600\r\nmx: mx1." + d + "\r\nmx: mx2." + d + "\r\n");
        RecordsSnapshot s = checker().check(d);
        Finding mode = only(s, "policy.mode", Severity.INFO);
        assertTrue(mode.fix().contains("enforce"));
        Finding age = only(s, "policy.max-age", Severity.WARNING);
        assertTrue(age.message().startsWith("Line 3 (max_age)"), age.message());
        assertEquals(List.of(), errors(s), describe(s));

        String e = "badpolicy.test";
        publishClean(e);
        https.respond("mta-sts." + e, PATH, 200, "text/plain",
                "version: STSv2\r\nmode: Enforce\r\nmax_age: 99999999\r\n");
        RecordsSnapshot t = checker().check(e);
        only(t, "policy.version", Severity.ERROR);
        assertTrue(findings(t, "policy.mode").stream().anyMatch(f -> f.severity() == Severity.ERROR
                && f.message().contains("case-sensitive")));
        only(t, "policy.max-age", Severity.ERROR);
        assertTrue(findings(t, "policy.mx").stream().anyMatch(f -> f.severity() == Severity.ERROR));
    }

    /** A TLS server for mta-sts hosts that misbehaves after the handshake in the given way. */
    static ServerSocket misbehavingPolicyServer(String mode) throws IOException {
        ServerSocket server = "silent".equals(mode) ? new ServerSocket(0, 50, InetAddress.getLoopbackAddress())
                : TestCertificates.serverContext(httpsKeys).getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            try {
                while (true) {
                    Socket c = server.accept();
                    Thread w = new Thread(() -> {
                        try (c) {
                            if ("silent".equals(mode)) {
                                Thread.sleep(30_000);
                                return;
                            }
                            InputStream in = c.getInputStream();
                            int state = 0;
                            while (state < 4) {
                                int b = in.read();
                                if (b < 0) {
                                    return;
                                }
                                state = (b == (state % 2 == 0 ? '\r' : '\n')) ? state + 1 : 0;
                            }
                            OutputStream out = c.getOutputStream();
                            if ("drip".equals(mode)) {
                                out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100000"
                                        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                                for (int i = 0; i < 100_000; i++) {
                                    out.write('x');
                                    out.flush();
                                    Thread.sleep(100);
                                }
                            } else {
                                out.write("HTTP/1.1 200 OK\r\nX-Endless: ".getBytes(StandardCharsets.US_ASCII));
                                byte[] junk = "a".repeat(4096).getBytes(StandardCharsets.US_ASCII);
                                for (int i = 0; i < 10_000; i++) {
                                    out.write(junk);
                                }
                            }
                        } catch (IOException | InterruptedException gone) {
                            // the client hung up
                        }
                    });
                    w.setDaemon(true);
                    w.start();
                }
            } catch (IOException closed) {
                // done
            }
        });
        t.setDaemon(true);
        t.start();
        return server;
    }

    @Test
    void slowSilentAndEndlessPolicyServersAreCutOff() throws Exception {
        String d = "slowpolicy.test";
        publishClean(d);
        for (String mode : List.of("drip", "silent", "endless-header")) {
            try (ServerSocket server = misbehavingPolicyServer(mode)) {
                RecordsChecker checker = new RecordsChecker(resolver(), settings().withPorts(smtp.port(),
                        server.getLocalPort()).withTimeouts(Duration.ofSeconds(1), Duration.ofMillis(500)),
                        List.of(COLLECTOR));
                long start = System.nanoTime();
                RecordsSnapshot s = checker.check(d);
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertTrue(millis < 8_000, mode + " took " + millis + " ms");
                Finding f = only(s, "policy.fetch", Severity.ERROR);
                assertNull(s.mtaStsPolicy(), mode);
                String expected = switch (mode) {
                    case "drip" -> "too long";
                    case "silent" -> "time";
                    default -> "line length";
                };
                assertTrue(f.message().toLowerCase().contains(expected), mode + ": " + f.message());
            }
        }
    }

    // ---------------------------------------------------------------- coverage

    @Test
    void mxHostsAndPolicyMxLinesAreComparedBothWays() {
        String d = "coverage.test";
        publishClean(d);
        dns.mx(d, 30, "mx3." + d);
        dns.mx(d, 40, "mail.sub." + d);
        dns.a("mx3." + d, "127.0.0.1");
        dns.a("mail.sub." + d, "127.0.0.1");
        smtpKeys.put("mx3." + d, ca.issue("mx3." + d));
        smtpKeys.put("mail.sub." + d, ca.issue("mail.sub." + d));
        https.respond("mta-sts." + d, PATH, 200, "text/plain",
                crlfPolicy("enforce", 86400, "mx1." + d, "*." + d, "old." + d));
        RecordsSnapshot s = checker().check(d);
        List<Finding> uncovered = findings(s, "coverage.mx-not-in-policy");
        assertEquals(List.of("mail.sub." + d), uncovered.stream().map(Finding::subject).toList(),
                "*.d covers mx2 and mx3 (one label), not mail.sub.d");
        assertEquals(Severity.ERROR, uncovered.get(0).severity());
        List<Finding> missing = findings(s, "coverage.policy-mx-missing");
        assertEquals(List.of("old." + d), missing.stream().map(Finding::subject).toList());
        assertEquals(Severity.WARNING, missing.get(0).severity());
    }

    @Test
    void inTestingModeAnUncoveredMxIsAWarning() {
        String d = "coverage-testing.test";
        publishClean(d);
        https.respond("mta-sts." + d, PATH, 200, "text/plain", crlfPolicy("testing", 604800, "mx1." + d));
        RecordsSnapshot s = checker().check(d);
        Finding f = only(s, "coverage.mx-not-in-policy", Severity.WARNING);
        assertEquals("mx2." + d, f.subject());
    }

    // ---------------------------------------------------------------- the STARTTLS probe

    @Test
    void anMxCertificateWithoutItsNameIsFound() {
        String d = "mismatch.test";
        publishClean(d);
        smtpKeys.put("mx2." + d, ca.issue("other." + d));
        RecordsSnapshot s = checker().check(d);
        Finding f = only(s, "starttls.certificate-name", Severity.ERROR);
        assertEquals("mx2." + d, f.subject());
        assertTrue(f.message().contains("certificate-host-mismatch"), f.message());
        assertTrue(f.message().contains("other." + d), f.message());
        StarttlsProbe mx2 = s.probes().stream().filter(p -> p.mx().equals("mx2." + d)).findFirst().orElseThrow();
        assertFalse(mx2.nameMatches());
        assertTrue(mx2.trusted());
        assertTrue(mx2.tlsEstablished());
        assertTrue(findings(s, "starttls.certificate-name").stream().noneMatch(x -> x.subject().equals("mx1." + d)));
    }

    @Test
    void aWildcardMxCertificateMatchesAndIsNoted() {
        String d = "wild.test";
        publishClean(d);
        smtpKeys.put("mx1." + d, ca.issue("*." + d));
        RecordsSnapshot s = checker().check(d);
        Finding f = only(s, "starttls.wildcard", Severity.INFO);
        assertEquals("mx1." + d, f.subject());
        assertTrue(findings(s, "starttls.certificate-name").isEmpty(), describe(s));
    }

    @Test
    void anExpiredMxCertificateIsAnError() {
        String d = "expired.test";
        publishClean(d);
        Instant now = Instant.now();
        smtpKeys.put("mx1." + d, ca.issue(List.of("mx1." + d), now.minus(Duration.ofDays(100)),
                now.minus(Duration.ofDays(2))));
        RecordsSnapshot s = checker().check(d);
        Finding f = only(s, "starttls.certificate-expiry", Severity.ERROR);
        assertEquals("mx1." + d, f.subject());
        assertTrue(f.message().contains("expired"), f.message());
        StarttlsProbe p = s.probes().get(0);
        assertFalse(p.trusted());
        assertTrue(p.notAfter().isBefore(now));
        assertTrue(findings(s, "starttls.certificate-trusted").isEmpty(), "the expiry explains it");
    }

    @Test
    void anMxCertificateSoonToExpireIsAWarning() {
        String d = "soon.test";
        publishClean(d);
        Instant now = Instant.now();
        smtpKeys.put("mx2." + d, ca.issue(List.of("mx2." + d), now.minus(Duration.ofDays(80)),
                now.plus(Duration.ofDays(3))));
        RecordsSnapshot s = checker().check(d);
        Finding f = only(s, "starttls.certificate-expiry", Severity.WARNING);
        assertEquals("mx2." + d, f.subject());
    }

    @Test
    void anUntrustedMxCertificateIsAnErrorUnderEnforce() {
        String d = "untrusted.test";
        publishClean(d);
        smtpKeys.put("mx1." + d, TestCertificates.selfSigned("mx1." + d));
        RecordsSnapshot s = checker().check(d);
        Finding f = only(s, "starttls.certificate-trusted", Severity.ERROR);
        assertEquals("mx1." + d, f.subject());
        assertTrue(s.probes().get(0).nameMatches());
    }

    @Test
    void anMxWithoutStarttlsIsAnError() {
        String d = "plain.test";
        publishClean(d);
        try (TestSmtpServer plain = TestSmtpServer.withoutStarttls()) {
            RecordsChecker checker = new RecordsChecker(resolver(), settings().withPorts(plain.port(), https.port()),
                    List.of(COLLECTOR));
            RecordsSnapshot s = checker.check(d);
            List<Finding> f = findings(s, "starttls.offered");
            assertEquals(2, f.size(), describe(s));
            assertTrue(f.stream().allMatch(x -> x.severity() == Severity.ERROR));
            assertTrue(f.get(0).message().contains("starttls-not-supported"));
            StarttlsProbe p = s.probes().get(0);
            assertTrue(p.connected());
            assertFalse(p.starttlsOffered());
            assertFalse(p.tlsEstablished());
            assertTrue(p.certificateNames().isEmpty());
            assertEquals(2, plain.connections());
        }
    }

    @Test
    void aSilentSmtpServerTimesOutWithinTheBound() throws Exception {
        String d = "silent.test";
        publishClean(d);
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        silent.accept(); // keeps the socket open, says nothing
                    }
                } catch (IOException closed) {
                    // done
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            RecordsChecker checker = new RecordsChecker(resolver(), settings().withPorts(silent.getLocalPort(),
                    https.port()).withTimeouts(Duration.ofSeconds(1), Duration.ofMillis(500)), List.of(COLLECTOR));
            long start = System.nanoTime();
            RecordsSnapshot s = checker.check(d);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis < 10_000, "took " + millis + " ms");
            List<Finding> f = findings(s, "starttls.connect");
            assertEquals(2, f.size(), describe(s));
            assertTrue(f.get(0).message().contains("time-out"), f.get(0).message());
            assertTrue(s.probes().get(0).connected());
        }
    }

    @Test
    void anSmtpServerSendingEndlessLinesIsCutOff() throws Exception {
        String d = "chatty.test";
        publishClean(d);
        try (ServerSocket chatty = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            AtomicInteger served = new AtomicInteger();
            Thread t = new Thread(() -> {
                try {
                    while (true) {
                        Socket c = chatty.accept();
                        served.incrementAndGet();
                        new Thread(() -> {
                            try (c; OutputStream out = c.getOutputStream()) {
                                out.write("220".getBytes(StandardCharsets.US_ASCII));
                                byte[] junk = "x".repeat(1000).getBytes(StandardCharsets.US_ASCII);
                                for (int i = 0; i < 1000; i++) {
                                    out.write(junk);
                                }
                            } catch (IOException gone) {
                                // the probe hung up
                            }
                        }).start();
                    }
                } catch (IOException closed) {
                    // done
                }
            });
            t.setDaemon(true);
            t.start();
            RecordsChecker checker = new RecordsChecker(resolver(), settings().withPorts(chatty.getLocalPort(),
                    https.port()), List.of(COLLECTOR));
            RecordsSnapshot s = checker.check(d);
            Finding f = findings(s, "starttls.connect").get(0);
            assertTrue(f.message().contains("longer than"), f.message());
            assertTrue(s.probes().get(0).banner() == null || s.probes().get(0).banner().length() <= 4100);
        }
    }

    @Test
    void aDrippingSmtpServerIsStopped() throws Exception {
        String d = "drip.test";
        publishClean(d);
        try (ServerSocket drip = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try {
                    while (true) {
                        Socket c = drip.accept();
                        Thread w = new Thread(() -> {
                            try (c; OutputStream out = c.getOutputStream()) {
                                out.write("220-".getBytes(StandardCharsets.US_ASCII));
                                for (int i = 0; i < 2000; i++) {
                                    out.write('x');
                                    out.flush();
                                    Thread.sleep(100);
                                }
                            } catch (IOException | InterruptedException gone) {
                                // the probe hung up
                            }
                        });
                        w.setDaemon(true);
                        w.start();
                    }
                } catch (IOException closed) {
                    // done
                }
            });
            t.setDaemon(true);
            t.start();
            RecordsChecker checker = new RecordsChecker(resolver(), settings().withPorts(drip.getLocalPort(),
                    https.port()).withTimeouts(Duration.ofSeconds(1), Duration.ofMillis(500)), List.of(COLLECTOR));
            long start = System.nanoTime();
            RecordsSnapshot s = checker.check(d);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis < 8_000, "took " + millis + " ms");
            Finding f = findings(s, "starttls.connect").get(0);
            assertTrue(f.message().contains("took longer than 3 s"), f.message());
        }
    }

    @Test
    void probingCanBeSwitchedOff() {
        String d = "noprobe.test";
        publishClean(d);
        int before = smtp.connections();
        RecordsSnapshot s = new RecordsChecker(resolver(), settings().withStarttls(false), List.of(COLLECTOR)).check(d);
        assertEquals(before, smtp.connections());
        assertTrue(s.probes().isEmpty());
        only(s, "starttls.disabled", Severity.INFO);
        assertEquals(2, s.tlsa().size(), "TLSA is still looked up");
    }

    // ---------------------------------------------------------------- TLSA

    static String spkiSha256(TestCertificates.Issued issued) throws Exception {
        byte[] spki = issued.certificate().getPublicKey().getEncoded();
        return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(spki));
    }

    @Test
    void tlsaWithoutDnssecIsAWarning() throws Exception {
        String d = "tlsa-insecure.test";
        publishClean(d);
        TestCertificates.Issued mx1 = ca.issue("mx1." + d);
        smtpKeys.put("mx1." + d, mx1);
        dns.tlsa("_25._tcp.mx1." + d, "3 1 1 " + spkiSha256(mx1));
        RecordsSnapshot s = checker().check(d);
        Finding f = only(s, "tlsa.dnssec", Severity.WARNING);
        assertEquals("mx1." + d, f.subject());
        assertTrue(f.message().contains("not DNSSEC-validated"), f.message());
        assertTrue(findings(s, "tlsa.present").stream().anyMatch(x -> x.severity() == Severity.INFO
                && x.subject().equals("mx1." + d)));
        Finding other = findings(s, "tlsa.present").stream().filter(x -> x.subject().equals("mx2." + d))
                .findFirst().orElseThrow();
        assertEquals(Severity.WARNING, other.severity(), "mx2 lacks the TLSA records mx1 has");
        TlsaCheck check = s.tlsa().get(0);
        assertFalse(check.answer().authenticated());
        assertEquals(Boolean.TRUE, check.matches());
    }

    @Test
    void tlsaMatchingTheMxCertificate() throws Exception {
        String d = "tlsa-match.test";
        publishClean(d);
        TestCertificates.Issued mx1 = ca.issue("mx1." + d);
        smtpKeys.put("mx1." + d, mx1);
        dns.tlsa("_25._tcp.mx1." + d, "3 1 1 " + spkiSha256(mx1).toLowerCase());
        dns.tlsa("_25._tcp.mx2." + d, "2 0 1 " + HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(ca.certificate().getEncoded())));
        for (String n : List.of(d, "_25._tcp.mx1." + d, "_25._tcp.mx2." + d)) {
            dns.authenticated(n, true);
        }
        RecordsSnapshot s = checker().check(d);
        assertTrue(s.mx().authenticated());
        for (TlsaCheck t : s.tlsa()) {
            assertTrue(t.answer().authenticated());
            assertEquals(Boolean.TRUE, t.matches(), t.toString());
            assertEquals(1, t.matchedRecords().size());
        }
        assertEquals(2, findings(s, "tlsa.match").size());
        assertTrue(findings(s, "tlsa.match").stream().allMatch(f -> f.severity() == Severity.INFO));
        assertTrue(findings(s, "tlsa.dnssec").isEmpty());
        assertEquals(List.of(), errors(s), describe(s));
    }

    @Test
    void tlsaNotMatchingTheMxCertificateIsAnError() {
        String d = "tlsa-mismatch.test";
        publishClean(d);
        dns.tlsa("_25._tcp.mx1." + d, "3 1 1 " + "AB".repeat(32));
        dns.tlsa("_25._tcp.mx1." + d, "1 1 1 " + "CD".repeat(32));
        dns.authenticated(d, true);
        dns.authenticated("_25._tcp.mx1." + d, true);
        RecordsSnapshot s = checker().check(d);
        TlsaCheck t = s.tlsa().get(0);
        assertEquals(Boolean.FALSE, t.matches());
        assertTrue(t.matchedRecords().isEmpty());
        Finding f = only(s, "tlsa.match", Severity.ERROR);
        assertEquals("mx1." + d, f.subject());
        assertTrue(f.message().contains("tlsa-invalid"));
        Finding unusable = only(s, "tlsa.match", Severity.WARNING);
        assertTrue(unusable.message().contains("1 1 1"), unusable.message());
        assertNull(s.tlsa().get(1).matches(), "mx2 has no TLSA records");
    }

    // ---------------------------------------------------------------- bad input and refusals

    @Test
    void privateAddressesAreRefusedAndNothingIsSent() {
        String d = "private.test";
        publishClean(d);
        int handshakes = https.handshakes();
        int requests = https.requestCount();
        int connections = smtp.connections();
        RecordsChecker strict = new RecordsChecker(resolver(), settings().withAllowPrivateNetworks(false),
                List.of(COLLECTOR));
        RecordsSnapshot s = strict.check(d);
        Finding fetch = only(s, "policy.fetch", Severity.ERROR);
        assertTrue(fetch.message().contains("127.0.0.1 (loopback)"), fetch.message());
        assertNull(s.policy().status());
        List<Finding> probe = findings(s, "starttls.connect");
        assertEquals(2, probe.size(), describe(s));
        assertTrue(probe.get(0).message().contains("loopback"), probe.get(0).message());
        assertFalse(s.probes().get(0).connected());
        assertEquals("127.0.0.1", s.probes().get(0).address());
        assertEquals(handshakes, https.handshakes(), "no TLS connection to the HTTPS server");
        assertEquals(requests, https.requestCount(), "no request to the HTTPS server");
        assertEquals(connections, smtp.connections(), "no connection to the SMTP server");
    }

    @Test
    void snapshotsWithMissingPartsSurviveJson() throws Exception {
        ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule());
        RecordsSnapshot refused = checker().check("not a domain");
        assertEquals(refused, json.readValue(json.writeValueAsString(refused), RecordsSnapshot.class));
        String d = "json404.test";
        publishClean(d);
        https.respond("mta-sts." + d, PATH, 404, "text/plain", "gone");
        RecordsSnapshot failed = new RecordsChecker(resolver(), settings().withStarttls(false), List.of())
                .check(d);
        assertNull(failed.mtaStsPolicy());
        assertEquals(failed, json.readValue(json.writeValueAsString(failed), RecordsSnapshot.class));
    }

    @Test
    void invalidDomainsAreRefusedWithoutLookUps() {
        RecordsChecker checker = checker();
        int queries = dns.queryCount();
        for (String bad : List.of("", "exa mple.test", "-bad.test", "a..b.test", "test", "bücher.test",
                "under_score.test", "x".repeat(64) + ".test", "192.0.2.1", "https://example.test/",
                "user@example.test", "ab--cd.test", "xn--zz.test")) {
            RecordsSnapshot s = checker.check(bad);
            assertEquals(1, s.findings().size(), bad);
            Finding f = s.findings().get(0);
            assertEquals("domain.invalid", f.check(), bad);
            assertEquals(Severity.ERROR, f.severity());
            assertNull(s.tlsrptTxt());
            assertTrue(s.probes().isEmpty());
        }
        assertTrue(checker.check("bücher.test").findings().get(0).message().contains("xn--bcher-kva.test"));
        assertEquals(queries, dns.queryCount(), "no look-ups for refused names");
    }

    @Test
    void tlsrptRecordProblemsAreFindings() {
        String two = "two.test";
        dns.txt("_smtp._tls." + two, "v=TLSRPTv1; rua=mailto:a@two.test");
        dns.txt("_smtp._tls." + two, "v=TLSRPTv1; rua=mailto:b@two.test");
        Finding count = only(checker().check(two), "tlsrpt.count", Severity.ERROR);
        assertTrue(count.message().contains("2 TXT records"), count.message());

        String none = "none.test";
        dns.txt("_smtp._tls." + none, "google-site-verification=abc");
        dns.txt(none, "v=spf1 -all");
        only(checker().check(none), "tlsrpt.count", Severity.ERROR);

        String legacy = "legacy.test";
        dns.txt("_smtp-tlsrpt." + legacy, "v=TLSRPTv1; rua=mailto:" + COLLECTOR);
        RecordsSnapshot l = checker().check(legacy);
        Finding f = only(l, "tlsrpt.legacy-name", Severity.ERROR);
        assertEquals("_smtp-tlsrpt." + legacy, f.subject());
        assertTrue(findings(l, "tlsrpt.count").isEmpty(), "the legacy finding says it");
        assertNull(l.tlsrpt());

        String both = "both.test";
        dns.txt("_smtp-tlsrpt." + both, "v=TLSRPTv1; rua=mailto:" + COLLECTOR);
        dns.txt("_smtp._tls." + both, "v=TLSRPTv1; rua=mailto:" + COLLECTOR);
        only(checker().check(both), "tlsrpt.legacy-name", Severity.WARNING);

        String typo = "typo.test";
        dns.txt("_smtp._tls." + typo, "v=TSLRPTv1; rua=mailto:" + COLLECTOR);
        RecordsSnapshot t = checker().check(typo);
        Finding tf = only(t, "tlsrpt.version-typo", Severity.ERROR);
        assertTrue(tf.message().contains("TSLRPTv1"), tf.message());
        assertEquals("TSLRPTv1", t.tlsrpt().version());
        assertTrue(findings(t, "tlsrpt.count").isEmpty());

        String elsewhere = "elsewhere.test";
        dns.txt("_smtp._tls." + elsewhere, "v=TLSRPTv1; rua=mailto:reports@vendor.test,https://vendor.test/r");
        Finding w = only(checker().check(elsewhere), "tlsrpt.collector-address", Severity.WARNING);
        assertTrue(w.message().contains("reports@vendor.test"), w.message());

        String badRua = "badrua.test";
        dns.txt("_smtp._tls." + badRua, "v=TLSRPTv1; rua=http://x.test/r,mailto:ok@" + badRua + ";rua=mailto:"
                + COLLECTOR);
        RecordsSnapshot b = checker().check(badRua);
        Finding bf = findings(b, "tlsrpt.rua").stream().filter(x -> x.severity() == Severity.ERROR).findFirst()
                .orElseThrow();
        assertTrue(bf.message().startsWith("Field 2 (rua), URI 1"), bf.message());
        assertTrue(findings(b, "tlsrpt.rua").stream().anyMatch(x -> x.severity() == Severity.WARNING
                && x.message().contains("2 rua fields")));
        only(b, "tlsrpt.collector-address", Severity.INFO);
    }

    @Test
    void mtaStsRecordProblemsAreFindings() {
        String d = "badid.test";
        publishClean(d);
        dns.remove("_mta-sts." + d, org.xbill.DNS.Type.TXT);
        dns.txt("_mta-sts." + d, "v=STSv1; id=2024-01-01");
        RecordsSnapshot s = checker().check(d);
        Finding f = only(s, "mta-sts.id", Severity.ERROR);
        assertTrue(f.message().contains("'-'"), f.message());
        assertEquals("2024-01-01", s.mtaSts().id());

        String two = "twosts.test";
        publishClean(two);
        dns.txt("_mta-sts." + two, "v=STSv1; id=2");
        only(checker().check(two), "mta-sts.record", Severity.ERROR);

        String none = "nosts.test";
        dns.txt("_smtp._tls." + none, "v=TLSRPTv1; rua=mailto:" + COLLECTOR);
        int before = https.requestCount("mta-sts." + none);
        RecordsSnapshot n = checker().check(none);
        only(n, "mta-sts.record", Severity.INFO);
        assertNull(n.policy(), "no policy fetched without a record");
        assertEquals(before, https.requestCount("mta-sts." + none));
    }

    @Test
    void dnsFailuresBecomeFindings() {
        String d = "dnsfail.test";
        publishClean(d);
        dns.silent("_mta-sts." + d);
        dns.rcode("_smtp._tls." + d, Rcode.SERVFAIL);
        RecordsChecker checker = new RecordsChecker(new Resolver(new DnsSettings(List.of(dns.address()),
                Duration.ofMillis(300), 0, Duration.ZERO)), settings(), List.of(COLLECTOR));
        RecordsSnapshot s = checker.check(d);
        assertEquals("TIMEOUT", s.mtaStsTxt().status());
        assertEquals("SERVFAIL", s.tlsrptTxt().status());
        List<Finding> f = findings(s, "dns.lookup");
        assertEquals(2, f.size(), describe(s));
        assertTrue(f.stream().anyMatch(x -> x.severity() == Severity.ERROR && x.subject().equals("_smtp._tls." + d)));
        assertTrue(f.stream().anyMatch(x -> x.severity() == Severity.WARNING && x.subject().equals("_mta-sts." + d)));
        assertNull(s.policy());
        assertEquals(2, s.probes().size(), "the rest of the check went on");
    }

    @Test
    void aNullMxIsNoted() {
        String d = "nullmx.test";
        dns.add(d, org.xbill.DNS.Type.MX, "0 .");
        RecordsSnapshot s = checker().check(d);
        Finding f = only(s, "mx.records", Severity.INFO);
        assertTrue(f.message().contains("null MX"));
        assertTrue(s.probes().isEmpty());
    }

    @Test
    void aBadTrustStoreIsAConfigurationError() {
        Path missing = tmp.resolve("missing.p12");
        try {
            new RecordsChecker(resolver(), settings().withTrustStore(missing.toString(), "x"), List.of());
            throw new AssertionError("expected a configuration error");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage().contains("trust-store"), e.getMessage());
        }
    }

    @Test
    void readsFromTheNetworkAreBounded() throws Exception {
        // A direct look at the reply reader: a line of 3000 bytes is refused before it is all read.
        byte[] data = ("220-" + "a".repeat(3000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        try (InputStream in = new java.io.ByteArrayInputStream(data)) {
            try {
                StarttlsProber.Reply.read(in);
                throw new AssertionError("expected a protocol error");
            } catch (StarttlsProber.ProtocolException e) {
                assertTrue(e.getMessage().contains("longer than"));
            }
        }
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            many.append("250-x\r\n");
        }
        try (InputStream in = new java.io.ByteArrayInputStream(many.toString().getBytes(StandardCharsets.US_ASCII))) {
            try {
                StarttlsProber.Reply.read(in);
                throw new AssertionError("expected a protocol error");
            } catch (StarttlsProber.ProtocolException e) {
                assertTrue(e.getMessage().contains("lines"));
            }
        }
        StarttlsProber.Reply ok = StarttlsProber.Reply.read(new java.io.ByteArrayInputStream(
                "250-mx.test\r\n250-SIZE 10\r\n250 STARTTLS\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(250, ok.code());
        assertEquals(3, ok.lines().size());
    }
}
