package io.tlsrpt.collector.web;

import io.tlsrpt.collector.ingest.IpAddresses;
import io.tlsrpt.collector.ingest.TrustedNetworks;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The client of an HTTP request: the address of the connection, or, when that is one of
 * {@code tlsrpt.http.trusted-proxies}, the right-most address of {@code X-Forwarded-For} that is not a trusted
 * proxy itself (entries further left were written by the client and prove nothing). Addresses are literals only,
 * never looked up in DNS.
 */
final class ClientAddress {
    private final TrustedNetworks trusted;

    /** @throws IllegalArgumentException naming the entry when one is not an address or CIDR network */
    ClientAddress(List<String> trustedProxies) {
        this.trusted = TrustedNetworks.parse("tlsrpt.http.trusted-proxies", trustedProxies);
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
        return trusted.contains(a);
    }

    /** What the rate limit counts by: the address for IPv4, the /64 for IPv6 (one customer network). */
    static String rateKey(InetAddress a) {
        return IpAddresses.clientKey(a);
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

    private static Optional<InetAddress> parse(String text) {
        return IpAddresses.parseLiteral(text);
    }
}
