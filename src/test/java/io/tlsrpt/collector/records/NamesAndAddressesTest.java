package io.tlsrpt.collector.records;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Domain syntax, refused networks and certificate name matching. */
class NamesAndAddressesTest {

    @Test
    void validNames() {
        assertEquals("example.com", DomainNames.normalize("Example.COM."));
        assertEquals("xn--bcher-kva.example", DomainNames.normalize("xn--bcher-kva.example"));
        assertEquals("a-b.c1.example", DomainNames.normalize("a-b.c1.example"));
        assertNull(DomainNames.problem("x".repeat(63) + ".example"));
    }

    @Test
    void invalidNamesSayWhy() {
        assertTrue(DomainNames.problem("").contains("no name"));
        assertTrue(DomainNames.problem("example").contains("single label"));
        assertTrue(DomainNames.problem("a..example").contains("label 2"));
        assertTrue(DomainNames.problem("-a.example").contains("starts or ends with '-'"));
        assertTrue(DomainNames.problem("a_b.example").contains("'_'"));
        assertTrue(DomainNames.problem("x".repeat(64) + ".example").contains("64 characters"));
        String longName = ("a".repeat(60) + ".").repeat(5) + "example";
        assertTrue(DomainNames.problem(longName).contains("at most 253"));
        assertTrue(DomainNames.problem("b\u00fccher.example").contains("xn--bcher-kva.example"));
        assertTrue(DomainNames.problem("ab--c.example").contains("reserved"));
        assertTrue(DomainNames.problem("xn--a.example").contains("A-label"));
        assertTrue(DomainNames.problem("192.0.2.1").contains("numeric"));
        assertTrue(DomainNames.problem(" example.com").contains("spaces"));
        assertTrue(DomainNames.problem("exa\nmple.com").contains("\\x0A"));
        assertThrows(IllegalArgumentException.class, () -> DomainNames.normalize("."));
    }

    @Test
    void refusedNetworks() throws Exception {
        for (String a : List.of("127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.1.1",
                "0.0.0.0", "100.64.0.1", "224.0.0.1", "255.255.255.255", "192.0.2.5", "198.18.0.1", "::1", "::",
                "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1", "::ffff:10.0.0.1", "64:ff9b::7f00:1",
                "2002:7f00:1::", "2001:db8::1")) {
            assertTrue(NetworkAddresses.refusal(InetAddress.getByName(a)) != null, a);
        }
        assertEquals("loopback", NetworkAddresses.refusal(InetAddress.getByName("127.0.0.1")));
        assertEquals("unique-local", NetworkAddresses.refusal(InetAddress.getByName("fd00::1")));
        for (String a : List.of("8.8.8.8", "1.1.1.1", "2a00:1450:4001:80b::200e", "2001:4860:4860::8888")) {
            assertNull(NetworkAddresses.refusal(InetAddress.getByName(a)), a);
        }
    }

    @Test
    void certificateNames() {
        assertTrue(Certificates.nameMatches("mx.example.com", "MX.example.com."));
        assertTrue(Certificates.nameMatches("*.example.com", "mx.example.com"));
        assertFalse(Certificates.nameMatches("*.example.com", "a.mx.example.com"));
        assertFalse(Certificates.nameMatches("*.example.com", "example.com"));
        assertFalse(Certificates.nameMatches("*.com", "example.com"), "a wildcard under a single label");
        assertFalse(Certificates.nameMatches("m*.example.com", "mx.example.com"));
        assertFalse(Certificates.nameMatches("other.example.com", "mx.example.com"));
    }

    @Test
    void tlsaNormalisation() {
        assertEquals("3 1 1 ABCD", RecordsChecker.normalizeTlsa("3 1 1 ab cd"));
        assertNull(RecordsChecker.normalizeTlsa("3 1 1"));
        assertNull(RecordsChecker.normalizeTlsa("x 1 1 AB"));
        assertNull(RecordsChecker.normalizeTlsa("3 1 1 XYZ"));
        assertTrue(RecordsChecker.usableTlsa("3 1 1 AB"));
        assertTrue(RecordsChecker.usableTlsa("2 0 2 AB"));
        assertFalse(RecordsChecker.usableTlsa("1 1 1 AB"));
        assertFalse(RecordsChecker.usableTlsa("3 1 0 AB"));
    }
}
