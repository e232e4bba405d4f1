package io.tlsrpt.collector.records;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * Which addresses the policy fetch and the probe must not connect to unless
 * {@code tlsrpt.checks.allow-private-networks} is true: a stranger's DNS must not steer the collector into its own
 * network.
 */
public final class NetworkAddresses {

    private NetworkAddresses() {
    }

    /** Why the address is refused ("loopback", "private", ...), or null for a public address. */
    public static String refusal(InetAddress a) {
        if (a instanceof Inet6Address v6) {
            byte[] b = v6.getAddress();
            InetAddress embedded = embeddedIpv4(b);
            if (embedded != null) {
                String r = refusal(embedded);
                return r == null ? null : r + " (IPv4 inside IPv6)";
            }
            if (v6.isAnyLocalAddress()) {
                return "unspecified";
            }
            if (v6.isLoopbackAddress()) {
                return "loopback";
            }
            if (v6.isLinkLocalAddress()) {
                return "link-local";
            }
            if (v6.isSiteLocalAddress()) {
                return "site-local";
            }
            if (v6.isMulticastAddress()) {
                return "multicast";
            }
            if ((b[0] & 0xfe) == 0xfc) {
                return "unique-local";
            }
            if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8) {
                return "documentation";
            }
            if ((b[0] & 0xe0) != 0x20) {
                return "reserved";
            }
            return null;
        }
        if (a instanceof Inet4Address) {
            byte[] b = a.getAddress();
            int x = b[0] & 0xff;
            int y = b[1] & 0xff;
            int z = b[2] & 0xff;
            if (a.isAnyLocalAddress() || x == 0) {
                return "unspecified";
            }
            if (a.isLoopbackAddress() || x == 127) {
                return "loopback";
            }
            if (a.isLinkLocalAddress()) {
                return "link-local";
            }
            if (a.isSiteLocalAddress()) {
                return "private";
            }
            if (a.isMulticastAddress()) {
                return "multicast";
            }
            if (x == 100 && (y & 0xc0) == 64) {
                return "shared (carrier-grade NAT)";
            }
            if (x == 192 && y == 0 && z == 0) {
                return "reserved";
            }
            if ((x == 192 && y == 0 && z == 2) || (x == 198 && y == 51 && z == 100) || (x == 203 && y == 0 && z == 113)) {
                return "documentation";
            }
            if (x == 198 && (y == 18 || y == 19)) {
                return "benchmarking";
            }
            if (x >= 240) {
                return "reserved";
            }
            return null;
        }
        return "unknown";
    }

    /** The IPv4 address inside an IPv4-mapped, IPv4-compatible, NAT64 (64:ff9b::/96) or 6to4 address. */
    private static InetAddress embeddedIpv4(byte[] b) {
        try {
            boolean zeros80 = Arrays.equals(Arrays.copyOf(b, 10), new byte[10]);
            if (zeros80 && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
                return InetAddress.getByAddress(Arrays.copyOfRange(b, 12, 16));
            }
            if (zeros80 && b[10] == 0 && b[11] == 0 && !(b[12] == 0 && b[13] == 0 && b[14] == 0)) {
                return InetAddress.getByAddress(Arrays.copyOfRange(b, 12, 16));
            }
            if ((b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b
                    && Arrays.equals(Arrays.copyOfRange(b, 4, 12), new byte[8])) {
                return InetAddress.getByAddress(Arrays.copyOfRange(b, 12, 16));
            }
            if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
                return InetAddress.getByAddress(Arrays.copyOfRange(b, 2, 6));
            }
        } catch (UnknownHostException e) {
            return null;
        }
        return null;
    }
}
