package io.tlsrpt.collector.records;

import io.tlsrpt.collector.support.TestDnsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The resolver against a real DNS server on loopback. */
class ResolverTest {
    private TestDnsServer dns;

    @BeforeEach
    void start() {
        dns = TestDnsServer.start();
    }

    @AfterEach
    void stop() {
        dns.close();
    }

    private Resolver resolver(Duration cacheCap) {
        return new Resolver(new DnsSettings(List.of(dns.address()), Duration.ofSeconds(2), 1, cacheCap));
    }

    @Test
    void txtStringsOfOneRecordAreJoinedWithoutSpaces() {
        dns.txt("_smtp._tls.example.test", "v=TLSRPTv1; rua=mailto:tls", "rpt@example.test");
        dns.txt("_smtp._tls.example.test", "other record");
        DnsAnswer answer = resolver(Duration.ZERO).txt("_smtp._tls.example.test");
        assertEquals("NOERROR", answer.status());
        assertEquals("TXT", answer.type());
        assertEquals("_smtp._tls.example.test", answer.name());
        assertEquals(List.of("v=TLSRPTv1; rua=mailto:tlsrpt@example.test", "other record"), answer.records());
        assertNull(answer.error());
        assertFalse(answer.authenticated());
    }

    @Test
    void queriesAskForDnssecAndReportTheAdBit() {
        dns.txt("signed.example.test", "x");
        dns.txt("unsigned.example.test", "y");
        dns.authenticated("signed.example.test", true);
        Resolver r = resolver(Duration.ZERO);
        assertTrue(r.txt("signed.example.test").authenticated());
        assertFalse(r.txt("unsigned.example.test").authenticated());
        TestDnsServer.Query q = dns.queries().get(0);
        assertTrue(q.doBit(), "DO bit set in the query");
        assertTrue(q.adBit(), "AD bit set in the query");
    }

    @Test
    void nxdomainAndNodataAreAnswersWithoutRecords() {
        dns.txt("a.example.test", "x");
        Resolver r = resolver(Duration.ZERO);
        DnsAnswer nx = r.txt("missing.example.test");
        assertEquals("NXDOMAIN", nx.status());
        assertTrue(nx.records().isEmpty());
        assertTrue(nx.answered());
        DnsAnswer nodata = r.mx("a.example.test");
        assertEquals("NOERROR", nodata.status());
        assertTrue(nodata.records().isEmpty());
    }

    @Test
    void servfailIsReportedWithoutRecords() {
        dns.rcode("broken.example.test", Rcode.SERVFAIL);
        DnsAnswer a = resolver(Duration.ZERO).txt("broken.example.test");
        assertEquals("SERVFAIL", a.status());
        assertFalse(a.answered());
        assertTrue(a.error().contains("SERVFAIL"));
    }

    @Test
    void mxTlsaAndAddressesInPresentationForm() {
        dns.mx("example.test", 20, "MX2.Example.Test");
        dns.mx("example.test", 10, "mx1.example.test");
        dns.tlsa("_25._tcp.mx1.example.test", "3 1 1 ab12cd");
        dns.a("mx1.example.test", "192.0.2.10");
        dns.aaaa("mx1.example.test", "2001:db8::10");
        Resolver r = resolver(Duration.ZERO);
        DnsAnswer mx = r.mx("EXAMPLE.test.");
        assertEquals("example.test", mx.name());
        assertEquals(List.of("mx1.example.test", "mx2.example.test"), mx.mxHosts());
        assertEquals(List.of("3 1 1 AB12CD"), r.tlsa("_25._tcp.mx1.example.test").records());
        List<InetAddress> addresses = r.addresses("mx1.example.test");
        assertEquals(2, addresses.size());
        assertEquals("192.0.2.10", addresses.get(0).getHostAddress());
        assertEquals("mx1.example.test", addresses.get(0).getHostName(), "no reverse look-up");
        assertTrue(addresses.get(1).getHostAddress().startsWith("2001:db8:"));
        assertEquals(List.of(), r.addresses("nothing.example.test"));
    }

    @Test
    void cnamesAreFollowed() {
        dns.cname("_mta-sts.example.test", "_mta-sts.provider.test");
        dns.txt("_mta-sts.provider.test", "v=STSv1; id=20240101");
        DnsAnswer a = resolver(Duration.ZERO).txt("_mta-sts.example.test");
        assertEquals(List.of("v=STSv1; id=20240101"), a.records());
    }

    @Test
    void largeAnswersComeOverTcpAfterTruncation() {
        String big = "x".repeat(250);
        for (int i = 0; i < 12; i++) {
            dns.txt("big.example.test", i + big, big, big);
        }
        DnsAnswer a = resolver(Duration.ZERO).txt("big.example.test");
        assertEquals("NOERROR", a.status());
        assertEquals(12, a.records().size());
        assertEquals(1 + 750, a.records().stream().filter(s -> s.startsWith("0x")).findFirst()
                .orElseThrow().length(), "three strings of one record joined");
        assertTrue(dns.tcpQueryCount() >= 1, "retried over TCP");
    }

    @Test
    void answersAreCachedForAtMostTheTtl() {
        dns.txt("cached.example.test", "v1");
        dns.txt("uncached.example.test", 0, "v1");
        Resolver r = resolver(Duration.ofMinutes(5));
        assertEquals(List.of("v1"), r.txt("cached.example.test").records());
        dns.replace("cached.example.test", Type.TXT);
        dns.txt("cached.example.test", "v2");
        assertEquals(List.of("v1"), r.txt("cached.example.test").records(), "served from the cache");
        assertEquals(1, dns.queryCount("cached.example.test", "TXT"));
        r.clearCache();
        assertEquals(List.of("v2"), r.txt("cached.example.test").records());

        r.txt("uncached.example.test");
        r.txt("uncached.example.test");
        assertEquals(2, dns.queryCount("uncached.example.test", "TXT"), "TTL 0 is not cached");

        Resolver noCache = resolver(Duration.ZERO);
        noCache.txt("cached.example.test");
        noCache.txt("cached.example.test");
        assertEquals(4, dns.queryCount("cached.example.test", "TXT"), "cap 0 turns the cache off");
    }

    @Test
    void errorsAreNotCached() {
        dns.rcode("flaky.example.test", Rcode.SERVFAIL);
        Resolver r = resolver(Duration.ofMinutes(5));
        assertEquals("SERVFAIL", r.txt("flaky.example.test").status());
        dns.clear();
        dns.txt("flaky.example.test", "ok");
        assertEquals(List.of("ok"), r.txt("flaky.example.test").records());
    }

    @Test
    void aServerThatNeverAnswersTimesOutWithinTheBound() throws Exception {
        try (TestDnsServer.BlackHole hole = new TestDnsServer.BlackHole()) {
            Resolver r = new Resolver(new DnsSettings(List.of(hole.address()), Duration.ofMillis(300), 1,
                    Duration.ofMinutes(5)));
            long start = System.nanoTime();
            DnsAnswer a = r.txt("_smtp._tls.example.test");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals("TIMEOUT", a.status(), a.toString());
            assertTrue(a.records().isEmpty());
            assertTrue(millis <= r.maxWait().toMillis() + 1_000, "waited " + millis + " ms, bound " + r.maxWait());
            assertTrue(millis < 5_000, "waited " + millis + " ms");
            assertTrue(millis >= 250, "waited only " + millis + " ms");
        }
    }

    @Test
    void aSilentNameTimesOutWhileOthersAnswer() {
        dns.silent("slow.example.test");
        dns.txt("fast.example.test", "ok");
        Resolver r = new Resolver(new DnsSettings(List.of(dns.address()), Duration.ofMillis(200), 0, Duration.ZERO));
        assertEquals("TIMEOUT", r.txt("slow.example.test").status());
        assertEquals(List.of("ok"), r.txt("fast.example.test").records());
    }

    @Test
    void badNamesAndTypesAreErrorsNotExceptions() {
        Resolver r = resolver(Duration.ZERO);
        DnsAnswer a = r.txt("a".repeat(64) + ".example.test");
        assertEquals("ERROR", a.status());
        assertTrue(a.error().contains("not a valid DNS name"));
        assertEquals("ERROR", r.lookup("example.test", "NOPE").status());
        assertEquals(0, dns.queryCount());
    }

    @Test
    void addressLiteralsAreNotLookedUp() {
        Resolver r = resolver(Duration.ZERO);
        assertEquals("127.0.0.1", r.addresses("127.0.0.1").get(0).getHostAddress());
        assertEquals(0, dns.queryCount());
    }
}
