package io.tlsrpt.collector.records;

import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * DNS look-ups through the configured resolvers ({@code tlsrpt.dns.servers}, or the system's), with time-outs,
 * retries and a small cache. Every query asks for DNSSEC (the DO bit and the AD bit set in the request, RFC 6840
 * §5.7) so that a validating resolver reports in the AD bit whether it validated the answer. Nothing here throws for
 * what a server answers: failures come back as a {@link DnsAnswer} with a status and an error.
 *
 * <p>Thread-safe; one instance serves the whole application.
 */
public final class Resolver {
    /** Cached answers at most; beyond it the cache is emptied. */
    private static final int MAX_CACHE_ENTRIES = 10_000;
    /** CNAMEs followed for one question. */
    private static final int MAX_CNAME_HOPS = 8;
    /** Records kept from one answer. */
    private static final int MAX_RECORDS = 200;
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private final DnsSettings settings;
    private final ExtendedResolver resolver;
    private final long overallWaitMillis;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(DnsAnswer answer, long expiresAtNanos) {
    }

    /**
     * @throws IllegalArgumentException when a configured server is not "host", "host:port", "[v6]:port" or a bare
     *                                  IPv6 address (a configuration error, found at start-up)
     */
    public Resolver(DnsSettings settings) {
        this.settings = settings == null ? DnsSettings.defaults() : settings;
        List<org.xbill.DNS.Resolver> servers = new ArrayList<>();
        for (String server : this.settings.servers()) {
            servers.add(new SimpleResolver(parseServer(server)));
        }
        ExtendedResolver r = servers.isEmpty() ? new ExtendedResolver() : new ExtendedResolver(servers);
        r.setTimeout(this.settings.timeout());
        // ExtendedResolver counts attempts per server, the first one included.
        r.setRetries(this.settings.retries() + 1);
        r.setEDNS(0, 1232, ExtendedFlags.DO, List.of());
        r.setLoadBalance(false);
        this.resolver = r;
        int serverCount = Math.max(1, r.getResolvers().length);
        // Every attempt on every server may time out; TCP after a truncated UDP answer may take another round.
        this.overallWaitMillis = this.settings.timeout().toMillis() * (this.settings.retries() + 1L) * serverCount * 2
                + 1000;
    }

    private static InetSocketAddress parseServer(String server) {
        String s = server.trim();
        String host = s;
        int port = 53;
        try {
            if (s.startsWith("[")) {
                int end = s.indexOf(']');
                if (end < 0) {
                    throw new IllegalArgumentException("tlsrpt.dns.servers: '" + server + "' lacks ']'");
                }
                host = s.substring(1, end);
                if (end + 1 < s.length()) {
                    if (s.charAt(end + 1) != ':') {
                        throw new IllegalArgumentException("tlsrpt.dns.servers: bad server '" + server + "'");
                    }
                    port = Integer.parseInt(s.substring(end + 2));
                }
            } else if (s.indexOf(':') >= 0 && s.indexOf(':') == s.lastIndexOf(':')) {
                host = s.substring(0, s.indexOf(':'));
                port = Integer.parseInt(s.substring(s.indexOf(':') + 1));
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("tlsrpt.dns.servers: bad port in '" + server + "'");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("tlsrpt.dns.servers: bad port in '" + server + "'");
        }
        try {
            // A name here is resolved once, by the system, at start-up: it is configuration, not a stranger's name.
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("tlsrpt.dns.servers: unknown host '" + host + "'", e);
        }
    }

    public DnsSettings settings() {
        return settings;
    }

    /** TXT records, each one's strings joined without spaces. */
    public DnsAnswer txt(String name) {
        return lookup(name, "TXT");
    }

    /** MX records as "preference host". */
    public DnsAnswer mx(String name) {
        return lookup(name, "MX");
    }

    /** TLSA records as "usage selector matching-type HEX". */
    public DnsAnswer tlsa(String name) {
        return lookup(name, "TLSA");
    }

    public DnsAnswer a(String name) {
        return lookup(name, "A");
    }

    public DnsAnswer aaaa(String name) {
        return lookup(name, "AAAA");
    }

    /**
     * The IPv4 then IPv6 addresses of a host, looked up through these resolvers (never the JVM's). An address
     * literal is returned as it is. Empty when there are none or the look-ups failed.
     */
    public List<InetAddress> addresses(String host) {
        List<InetAddress> out = new ArrayList<>();
        if (host == null || host.isBlank()) {
            return out;
        }
        String h = host.trim();
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        InetAddress literal = literal(h);
        if (literal != null) {
            out.add(literal);
            return out;
        }
        for (String type : List.of("A", "AAAA")) {
            DnsAnswer answer = lookup(h, type);
            for (String r : answer.records()) {
                InetAddress a = literal(r);
                if (a != null) {
                    try {
                        out.add(InetAddress.getByAddress(DomainNames.strip(h), a.getAddress()));
                    } catch (UnknownHostException e) {
                        // cannot happen for 4 or 16 bytes
                    }
                }
            }
        }
        return out;
    }

    private static InetAddress literal(String s) {
        byte[] v4 = org.xbill.DNS.Address.toByteArray(s, org.xbill.DNS.Address.IPv4);
        byte[] v6 = v4 == null ? org.xbill.DNS.Address.toByteArray(s, org.xbill.DNS.Address.IPv6) : null;
        byte[] bytes = v4 != null ? v4 : v6;
        if (bytes == null) {
            return null;
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Forgets every cached answer. */
    public void clearCache() {
        cache.clear();
    }

    /**
     * Looks up records of a type ("TXT", "MX", "TLSA", "A", "AAAA", "CNAME", ...), following CNAMEs, from the cache
     * when a fresh answer is there.
     */
    public DnsAnswer lookup(String name, String type) {
        String t = type == null ? "" : type.trim().toUpperCase(Locale.ROOT);
        String n = name == null ? "" : DomainNames.strip(name);
        int qtype = Type.value(t);
        if (qtype < 0) {
            return new DnsAnswer(n, t, "ERROR", false, List.of(), "unknown record type '" + type + "'");
        }
        String key = n + "/" + qtype;
        Cached c = cache.get(key);
        if (c != null) {
            if (System.nanoTime() - c.expiresAtNanos() < 0) {
                return c.answer();
            }
            cache.remove(key, c);
        }
        Name qname;
        try {
            qname = Name.fromString(n.isEmpty() ? "." : n, Name.root);
        } catch (TextParseException e) {
            return new DnsAnswer(n, t, "ERROR", false, List.of(), "not a valid DNS name: " + e.getMessage());
        }
        Result result = resolve(qname, qtype, n, t);
        long ttl = Math.min(result.ttlSeconds(), settings.cacheTtlCap().toSeconds());
        if (ttl > 0 && result.cacheable()) {
            if (cache.size() >= MAX_CACHE_ENTRIES) {
                long now = System.nanoTime();
                cache.values().removeIf(e -> now - e.expiresAtNanos() >= 0);
                if (cache.size() >= MAX_CACHE_ENTRIES) {
                    cache.clear();
                }
            }
            cache.put(key, new Cached(result.answer(), System.nanoTime() + TimeUnit.SECONDS.toNanos(ttl)));
        }
        return result.answer();
    }

    private record Result(DnsAnswer answer, long ttlSeconds, boolean cacheable) {
    }

    private Result resolve(Name qname, int qtype, String n, String t) {
        Name current = qname;
        boolean authenticated = true;
        long ttl = Long.MAX_VALUE;
        List<String> records = new ArrayList<>();
        for (int hop = 0; hop <= MAX_CNAME_HOPS; hop++) {
            Message response;
            try {
                response = send(current, qtype);
            } catch (TimeoutException e) {
                return new Result(new DnsAnswer(n, t, "TIMEOUT", false, List.of(),
                        "no answer from " + servers() + " within " + overallWaitMillis / 1000 + " s"), 0, false);
            } catch (IOException e) {
                boolean timeout = e instanceof SocketTimeoutException
                        || (e.getMessage() != null && e.getMessage().toLowerCase(Locale.ROOT).contains("timed out"));
                return new Result(new DnsAnswer(n, t, timeout ? "TIMEOUT" : "ERROR", false, List.of(),
                        (timeout ? "no answer from " + servers() : "look-up failed") + ": " + describe(e)), 0, false);
            }
            int rcode = response.getRcode();
            authenticated &= response.getHeader().getFlag(Flags.AD);
            if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
                String status = Rcode.string(rcode);
                return new Result(new DnsAnswer(n, t, status, false, List.of(),
                        "the resolver answered " + status + (current.equals(qname) ? "" : " for " + strip(current))),
                        0, false);
            }
            // Follow the CNAME chain inside the answer, then collect the records of the asked type at its end.
            List<Record> answer = response.getSection(Section.ANSWER);
            Name target = current;
            for (int i = 0; i <= MAX_CNAME_HOPS && qtype != Type.CNAME; i++) {
                Name next = null;
                for (Record r : answer) {
                    if (r instanceof CNAMERecord cn && r.getName().equals(target) && r.getDClass() == DClass.IN) {
                        next = cn.getTarget();
                        ttl = Math.min(ttl, r.getTTL());
                        break;
                    }
                }
                if (next == null) {
                    break;
                }
                target = next;
            }
            boolean found = false;
            for (Record r : answer) {
                if (r.getType() == qtype && r.getName().equals(target) && r.getDClass() == DClass.IN) {
                    found = true;
                    ttl = Math.min(ttl, r.getTTL());
                    if (records.size() < MAX_RECORDS) {
                        records.add(present(r));
                    }
                }
            }
            if (found || rcode == Rcode.NXDOMAIN || target.equals(current)) {
                if (!found) {
                    ttl = Math.min(ttl, negativeTtl(response));
                }
                String status = Rcode.string(rcode);
                return new Result(new DnsAnswer(n, t, status, authenticated, records, null),
                        ttl == Long.MAX_VALUE ? 0 : ttl, true);
            }
            // The answer stopped at a CNAME whose target it did not include: ask for the target.
            current = target;
        }
        return new Result(new DnsAnswer(n, t, "ERROR", false, List.of(),
                "more than " + MAX_CNAME_HOPS + " CNAMEs in a row"), 0, false);
    }

    private Message send(Name name, int qtype) throws IOException, TimeoutException {
        Message query = Message.newQuery(Record.newRecord(name, qtype, DClass.IN));
        query.getHeader().setFlag(Flags.AD);
        try {
            return resolver.sendAsync(query).toCompletableFuture().get(overallWaitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                    && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof TimeoutException te) {
                throw te;
            }
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException(describe(cause), cause);
        }
    }

    /** The TTL for "no such record": the SOA's minimum and TTL, or 0 (do not cache) without an SOA (RFC 2308). */
    private static long negativeTtl(Message response) {
        for (Record r : response.getSection(Section.AUTHORITY)) {
            if (r instanceof SOARecord soa) {
                return Math.min(soa.getTTL(), soa.getMinimum());
            }
        }
        return 0;
    }

    private static String present(Record r) {
        if (r instanceof TXTRecord txt) {
            StringBuilder b = new StringBuilder();
            for (byte[] s : txt.getStringsAsByteArrays()) {
                b.append(new String(s, StandardCharsets.UTF_8));
            }
            return b.toString();
        }
        if (r instanceof MXRecord mx) {
            return mx.getPriority() + " " + strip(mx.getTarget());
        }
        if (r instanceof TLSARecord tlsa) {
            return tlsa.getCertificateUsage() + " " + tlsa.getSelector() + " " + tlsa.getMatchingType() + " "
                    + HEX.formatHex(tlsa.getCertificateAssociationData());
        }
        if (r instanceof CNAMERecord cn) {
            return strip(cn.getTarget());
        }
        return r.rdataToString();
    }

    private static String strip(Name name) {
        String s = name.toString().toLowerCase(Locale.ROOT);
        if (s.equals(".")) {
            return ".";
        }
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    private String servers() {
        List<String> list = new ArrayList<>();
        for (org.xbill.DNS.Resolver r : resolver.getResolvers()) {
            if (r instanceof SimpleResolver s) {
                InetSocketAddress a = s.getAddress();
                list.add(a.getAddress().getHostAddress() + (a.getPort() == 53 ? "" : ":" + a.getPort()));
            }
        }
        return list.isEmpty() ? "the system's resolvers" : String.join(", ", list);
    }

    static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }

    /** The time one look-up may take at most, all retries and servers included. */
    public Duration maxWait() {
        return Duration.ofMillis(overallWaitMillis);
    }
}
