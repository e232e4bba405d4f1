package io.tlsrpt.collector.web;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The client of an HTTP request: the address of the connection, or, when that is one of
 * {@code tlsrpt.http.trusted-proxies}, the right-most address of {@code X-Forwarded-For} that is not a trusted
 * proxy itself (entries further left were written by the client and prove nothing). Addresses are literals only,
 * never looked up in DNS.
 */
final class ClientAddress {
    private static final Pattern V4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern V6 = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]*");

    private record Network(byte[] prefix, int bits) {
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

    private final List<Network> trusted;

    /** @throws IllegalArgumentException naming the entry when one is not an address or CIDR network */
    ClientAddress(List<String> trustedProxies) {
        List<Network> out = new ArrayList<>();
        for (String raw : trustedProxies) {
            String e = raw.trim();
            int slash = e.indexOf('/');
            InetAddress a = parse(slash < 0 ? e : e.substring(0, slash)).orElseThrow(() ->
                    new IllegalArgumentException("tlsrpt.http.trusted-proxies: \"" + e + "\" is not an IP address or"
                            + " CIDR network (write e.g. 10.0.0.0/8, ::1/128 or 192.0.2.7; names are not looked up)"));
            int max = a.getAddress().length * 8;
            int bits = max;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(e.substring(slash + 1).trim());
                } catch (NumberFormatException x) {
                    bits = -1;
                }
                if (bits < 0 || bits > max) {
                    throw new IllegalArgumentException("tlsrpt.http.trusted-proxies: \"" + e
                            + "\" has a prefix length outside 0.." + max);
                }
            }
            out.add(new Network(a.getAddress(), bits));
        }
        this.trusted = List.copyOf(out);
    }

    /** The client of a request that came from {@code remote} with these X-Forwarded-For header values. */
    InetAddress client(InetAddress remote, List<String> forwardedFor) {
        if (remote == null || !isTrusted(remote) || forwardedFor == null || forwardedFor.isEmpty()) {
            return remote;
        }
        List<String> hops = new ArrayList<>();
        for (String header : forwardedFor) {
            for (String hop : header.split(",")) {
                hops.add(hop.trim());
            }
        }
        InetAddress client = remote;
        for (int i = hops.size() - 1; i >= 0; i--) {
            Optional<InetAddress> hop = parse(stripPort(hops.get(i)));
            if (hop.isEmpty()) {
                return client; // garbage: the last hop we could trust is the best we know
            }
            client = hop.get();
            if (!isTrusted(client)) {
                return client;
            }
        }
        return client;
    }

    boolean isTrusted(InetAddress a) {
        byte[] b = a.getAddress();
        for (Network n : trusted) {
            if (n.contains(b)) {
                return true;
            }
        }
        return false;
    }

    /** What the rate limit counts by: the address for IPv4, the /64 for IPv6 (one customer network). */
    static String rateKey(InetAddress a) {
        if (a == null) {
            return "unknown";
        }
        if (a instanceof Inet6Address) {
            byte[] b = Arrays.copyOf(a.getAddress(), 16);
            Arrays.fill(b, 8, 16, (byte) 0);
            try {
                return InetAddress.getByAddress(b).getHostAddress() + "/64";
            } catch (UnknownHostException e) {
                return a.getHostAddress();
            }
        }
        return a.getHostAddress();
    }

    /** "192.0.2.1:443" and "[2001:db8::1]:443" as proxies sometimes write them; the address alone otherwise. */
    private static String stripPort(String hop) {
        if (hop.startsWith("[")) {
            int end = hop.indexOf(']');
            return end < 0 ? hop : hop.substring(1, end);
        }
        int colon = hop.indexOf(':');
        if (colon > 0 && hop.indexOf(':', colon + 1) < 0) {
            return hop.substring(0, colon);
        }
        return hop;
    }

    /** An IPv4 dotted quad or an IPv6 literal; anything else (host names included) is empty, never looked up. */
    static Optional<InetAddress> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String s = text.trim();
        if (s.isEmpty() || s.length() > 45) {
            return Optional.empty();
        }
        Matcher m = V4.matcher(s);
        try {
            if (m.matches()) {
                byte[] b = new byte[4];
                for (int i = 0; i < 4; i++) {
                    int v = Integer.parseInt(m.group(i + 1));
                    if (v > 255) {
                        return Optional.empty();
                    }
                    b[i] = (byte) v;
                }
                return Optional.of(InetAddress.getByAddress(b));
            }
            if (s.indexOf(':') >= 0 && V6.matcher(s).matches()) {
                // Brackets make the JDK expect a literal: an invalid one fails instead of being looked up.
                return Optional.of(InetAddress.getByName("[" + s + "]"));
            }
        } catch (UnknownHostException | RuntimeException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
