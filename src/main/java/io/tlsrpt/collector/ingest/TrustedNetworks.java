package io.tlsrpt.collector.ingest;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Trusted relays and proxies ({@code tlsrpt.smtp.trusted-networks}, {@code tlsrpt.http.trusted-proxies}): addresses
 * and CIDR networks ("127.0.0.0/8", "::1/128", "192.0.2.25").
 * Entries are literals only, never looked up in DNS; a wrong entry stops the start with a message naming it.
 */
public final class TrustedNetworks {
    private record Network(byte[] prefix, int bits, String text) {
        boolean contains(byte[] a) {
            if (a.length != prefix.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (a[i] != prefix[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (a[full] & mask) == (prefix[full] & mask);
        }
    }

    private final List<Network> networks;

    private TrustedNetworks(List<Network> networks) {
        this.networks = networks;
    }

    /** {@code tlsrpt.smtp.trusted-networks}. */
    public static TrustedNetworks parse(List<String> entries) {
        return parse("tlsrpt.smtp.trusted-networks", entries);
    }

    /**
     * Addresses and CIDR networks of the setting named {@code setting} (also {@code tlsrpt.http.trusted-proxies}).
     *
     * @throws IllegalArgumentException naming the setting and the entry when one is not an address or network
     */
    public static TrustedNetworks parse(String setting, List<String> entries) {
        List<Network> out = new ArrayList<>();
        for (String raw : entries == null ? List.<String>of() : entries) {
            String e = raw == null ? "" : raw.trim();
            if (e.isEmpty()) {
                continue;
            }
            int slash = e.indexOf('/');
            String addr = slash < 0 ? e : e.substring(0, slash);
            InetAddress a = IpAddresses.parseLiteral(addr).orElseThrow(() -> new IllegalArgumentException(
                    setting + ": \"" + e + "\" is not an IP address or CIDR network "
                            + "(write e.g. 127.0.0.0/8, ::1/128 or 192.0.2.25; host names are not looked up)"));
            byte[] bytes = a.getAddress();
            int max = bytes.length * 8;
            int bits = max;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(e.substring(slash + 1).trim());
                } catch (NumberFormatException x) {
                    bits = -1;
                }
                if (bits < 0 || bits > max) {
                    throw new IllegalArgumentException(setting + ": \"" + e
                            + "\" has a prefix length outside 0.." + max);
                }
            }
            out.add(new Network(bytes, bits, e));
        }
        return new TrustedNetworks(List.copyOf(out));
    }

    public boolean contains(InetAddress a) {
        if (a == null) {
            return false;
        }
        byte[] b = a.getAddress();
        for (Network n : networks) {
            if (n.contains(b)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return networks.isEmpty() ? "(none)" : String.join(", ", networks.stream().map(Network::text).toList());
    }
}
