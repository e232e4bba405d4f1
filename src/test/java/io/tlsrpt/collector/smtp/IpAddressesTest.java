package io.tlsrpt.collector.smtp;

import io.tlsrpt.collector.ingest.TrustedNetworks;
import io.tlsrpt.collector.ingest.IpAddresses;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Address literals without DNS, the per-client key (IPv6 by /64), trusted networks. */
class IpAddressesTest {
    static InetAddress ip(String s) {
        return IpAddresses.parseLiteral(s).orElseThrow();
    }

    @Test
    void literalsOnly() {
        assertEquals("203.0.113.9", ip("203.0.113.9").getHostAddress());
        assertEquals("2001:db8:0:0:0:0:0:1", ip("IPv6:2001:db8::1").getHostAddress());
        assertEquals("127.0.0.1", ip("::ffff:127.0.0.1").getHostAddress(), "IPv4-mapped is IPv4");
        for (String bad : List.of("localhost", "example.com", "256.1.1.1", "1.2.3", "1:2:3:4:5:6:7:8:9", ".1::",
                "", "fe80::1%eth0", "abc")) {
            assertTrue(IpAddresses.parseLiteral(bad).isEmpty(), bad);
        }
    }

    @Test
    void ipv6ClientsAreCountedByTheirSlash64() {
        assertEquals("203.0.113.9", IpAddresses.clientKey(ip("203.0.113.9")));
        assertEquals("2001:db8:1:2::/64", IpAddresses.clientKey(ip("2001:db8:1:2:aaaa:bbbb:cccc:dddd")));
        assertEquals(IpAddresses.clientKey(ip("2001:db8:1:2::1")), IpAddresses.clientKey(ip("2001:db8:1:2::2")));
        assertEquals("::/64", IpAddresses.clientKey(ip("::1")));
        assertEquals("2001:0:0:1::/64", IpAddresses.clientKey(ip("2001:0:0:1::")));
    }

    @Test
    void trustedNetworks() {
        TrustedNetworks t = TrustedNetworks.parse(List.of("127.0.0.0/8", "::1/128", "192.0.2.25", " 10.1.0.0/17 "));
        assertTrue(t.contains(ip("127.0.0.1")));
        assertTrue(t.contains(ip("127.255.0.9")));
        assertTrue(t.contains(ip("::1")));
        assertTrue(t.contains(ip("192.0.2.25")));
        assertFalse(t.contains(ip("192.0.2.26")));
        assertTrue(t.contains(ip("10.1.127.255")));
        assertFalse(t.contains(ip("10.1.128.0")));
        assertFalse(t.contains(ip("::2")));
        assertFalse(t.contains(null));
        assertFalse(TrustedNetworks.parse(List.of()).contains(ip("127.0.0.1")), "empty: nobody is trusted");

        IllegalArgumentException name = assertThrows(IllegalArgumentException.class,
                () -> TrustedNetworks.parse(List.of("relay.example.com")));
        assertTrue(name.getMessage().startsWith("tlsrpt.smtp.trusted-networks: \"relay.example.com\" is not"),
                name.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TrustedNetworks.parse(List.of("10.0.0.0/33")));
        assertThrows(IllegalArgumentException.class, () -> TrustedNetworks.parse(List.of("::/129")));
        assertThrows(IllegalArgumentException.class, () -> TrustedNetworks.parse(List.of("10.0.0.0/x")));
    }
}
