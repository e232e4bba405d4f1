package io.tlsrpt.collector.ingest;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** IP address literals (never a DNS look-up) and the key that per-client limits count by. */
public final class IpAddresses {
    private static final Pattern V4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern V6 = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]*");

    /** IPv6 clients are counted by their /64: one customer network, however many addresses it uses. */
    public static final int IPV6_PREFIX = 64;

    private IpAddresses() {
    }

    /**
     * An IPv4 dotted quad or an IPv6 address (optionally prefixed "IPv6:" as in RFC 5321 address literals), or empty.
     * Host names and anything else are refused without a look-up.
     */
    public static Optional<InetAddress> parseLiteral(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String s = text.trim();
        if (s.regionMatches(true, 0, "IPv6:", 0, 5)) {
            s = s.substring(5);
        }
        if (s.isEmpty() || s.length() > 45) {
            return Optional.empty();
        }
        Matcher m = V4.matcher(s);
        if (m.matches()) {
            byte[] b = new byte[4];
            for (int i = 0; i < 4; i++) {
                int v = Integer.parseInt(m.group(i + 1));
                if (v > 255) {
                    return Optional.empty();
                }
                b[i] = (byte) v;
            }
            return Optional.of(byAddress(b));
        }
        if (s.indexOf(':') >= 0 && V6.matcher(s).matches()) {
            try {
                // Brackets make the JDK expect a literal: an invalid one fails instead of being looked up.
                return Optional.of(InetAddress.getByName("[" + s + "]"));
            } catch (UnknownHostException | RuntimeException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static InetAddress byAddress(byte[] b) {
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e); // only for a wrong length, which cannot happen here
        }
    }

    /** What the per-client limits count by: the address for IPv4, the /64 for IPv6. */
    public static String clientKey(InetAddress a) {
        if (a == null) {
            return "unknown";
        }
        if (a instanceof Inet6Address) {
            byte[] b = Arrays.copyOf(a.getAddress(), 16);
            Arrays.fill(b, IPV6_PREFIX / 8, 16, (byte) 0);
            return compressV6(b) + "/" + IPV6_PREFIX;
        }
        return a.getHostAddress();
    }

    /** RFC 5952 text of an IPv6 address: lower case, longest run of zero groups as "::". */
    static String compressV6(byte[] b) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 1; // a single zero group is not compressed
        for (int i = 0; i < 8; ) {
            if (g[i] == 0) {
                int j = i;
                while (j < 8 && g[j] == 0) {
                    j++;
                }
                if (j - i > bestLen) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                s.append("::");
                i += bestLen - 1;
                continue;
            }
            if (s.length() > 0 && s.charAt(s.length() - 1) != ':') {
                s.append(':');
            }
            s.append(Integer.toHexString(g[i]));
        }
        return s.toString();
    }
}
