package io.tlsrpt.collector.support;

import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An authoritative-style DNS responder for tests, on 127.0.0.1 (UDP and TCP on the same random port), built on
 * dnsjava's message classes. Add or replace records of any type for any name; CNAMEs are followed within the data
 * (the target's records are added to the answer); a name without records of the asked type answers NOERROR/NODATA
 * when the name (or a name below it) exists, NXDOMAIN otherwise. UDP answers larger than the client's EDNS payload
 * size (512 without EDNS) are truncated with TC set, so the client retries over TCP.
 *
 * <p>Knobs: the AD bit (for all answers or for chosen names), a forced response code for a name, silence for a
 * name (no answer at all), a TTL per record. Every query is counted and remembered.
 *
 * <pre>{@code
 * try (TestDnsServer dns = TestDnsServer.start()) {
 *     dns.txt("_smtp._tls.example.test", "v=TLSRPTv1; rua=mailto:tlsrpt@example.test");
 *     dns.add("example.test", Type.MX, "10 mx1.example.test.");
 *     dns.a("mx1.example.test", "127.0.0.1");
 *     dns.authenticated("_25._tcp.mx1.example.test", true);
 *     DnsSettings settings = new DnsSettings(List.of(dns.address()), Duration.ofSeconds(2), 1, Duration.ZERO);
 * }
 * }</pre>
 */
public final class TestDnsServer implements AutoCloseable {
    /** Default TTL of added records. */
    public static final long TTL = 300;

    /** One query as received. */
    public record Query(String name, String type, boolean tcp, boolean doBit, boolean adBit) {
    }

    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-dns");
        t.setDaemon(true);
        return t;
    });
    private final Map<Name, List<Record>> records = new ConcurrentHashMap<>();
    private final Map<Name, Integer> rcodes = new ConcurrentHashMap<>();
    private final Set<Name> silent = ConcurrentHashMap.newKeySet();
    private final Set<Name> authenticatedNames = ConcurrentHashMap.newKeySet();
    private final List<Query> queries = new CopyOnWriteArrayList<>();
    private final AtomicInteger tcpQueries = new AtomicInteger();
    private volatile boolean authenticatedAll;
    private volatile boolean closed;

    private TestDnsServer(DatagramSocket udp, ServerSocket tcp) {
        this.udp = udp;
        this.tcp = tcp;
    }

    /** Starts on 127.0.0.1, UDP and TCP on one free port. */
    public static TestDnsServer start() {
        IOException last = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            DatagramSocket udp = null;
            try {
                udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                ServerSocket tcp = new ServerSocket();
                tcp.setReuseAddress(true);
                try {
                    tcp.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), udp.getLocalPort()), 50);
                } catch (IOException busy) {
                    tcp.close();
                    throw busy;
                }
                TestDnsServer s = new TestDnsServer(udp, tcp);
                s.pool.execute(s::serveUdp);
                s.pool.execute(s::serveTcp);
                return s;
            } catch (IOException e) {
                last = e;
                if (udp != null) {
                    udp.close();
                }
            }
        }
        throw new UncheckedIOException("no free port for the test DNS server", last);
    }

    public int port() {
        return udp.getLocalPort();
    }

    /** "127.0.0.1:port", as {@code tlsrpt.dns.servers} takes it. */
    public String address() {
        return "127.0.0.1:" + port();
    }

    // ---------------------------------------------------------------- data

    /** Adds a record; {@code rdata} in zone-file form ("10 mx.example.test.", "\"v=...\"", "3 1 1 ABCD"). */
    public TestDnsServer add(String name, int type, String rdata) {
        return add(name, type, TTL, rdata);
    }

    public TestDnsServer add(String name, int type, long ttl, String rdata) {
        try {
            return add(Record.fromString(name(name), type, DClass.IN, ttl, rdata, Name.root));
        } catch (IOException e) {
            throw new IllegalArgumentException("bad rdata '" + rdata + "' for " + Type.string(type), e);
        }
    }

    /** Adds a ready-made record (any type, any name). */
    public TestDnsServer add(Record record) {
        records.computeIfAbsent(record.getName(), k -> new CopyOnWriteArrayList<>()).add(record);
        return this;
    }

    /** Replaces all records of that type at that name by these (none: removes them). */
    public TestDnsServer replace(String name, int type, Record... replacement) {
        Name n = name(name);
        List<Record> list = records.computeIfAbsent(n, k -> new CopyOnWriteArrayList<>());
        list.removeIf(r -> r.getType() == type);
        list.addAll(List.of(replacement));
        return this;
    }

    /** Removes all records of that type at that name. */
    public TestDnsServer remove(String name, int type) {
        return replace(name, type);
    }

    /** Removes everything: records, forced codes, silence, AD settings. Query counts stay. */
    public TestDnsServer clear() {
        records.clear();
        rcodes.clear();
        silent.clear();
        authenticatedNames.clear();
        authenticatedAll = false;
        return this;
    }

    /** Adds one TXT record made of these strings (several strings: one record, as a long TXT is published). */
    public TestDnsServer txt(String name, String... strings) {
        return txt(name, TTL, strings);
    }

    public TestDnsServer txt(String name, long ttl, String... strings) {
        return add(new TXTRecord(name(name), DClass.IN, ttl, List.of(strings)));
    }

    public TestDnsServer a(String name, String address) {
        return add(name, Type.A, address);
    }

    public TestDnsServer aaaa(String name, String address) {
        return add(name, Type.AAAA, address);
    }

    public TestDnsServer mx(String domain, int preference, String host) {
        return add(domain, Type.MX, preference + " " + absolute(host));
    }

    public TestDnsServer cname(String name, String target) {
        return add(new CNAMERecord(name(name), DClass.IN, TTL, name(target)));
    }

    /** "usage selector matching hex" at {@code _25._tcp.<host>}-style names (give the full name). */
    public TestDnsServer tlsa(String name, String rdata) {
        return add(name, Type.TLSA, rdata);
    }

    // ---------------------------------------------------------------- behaviour

    /** Sets the AD bit in every answer (as a validating resolver would for a signed zone). */
    public TestDnsServer authenticated(boolean all) {
        this.authenticatedAll = all;
        return this;
    }

    /** Sets the AD bit in answers to questions for this name only. */
    public TestDnsServer authenticated(String name, boolean on) {
        if (on) {
            authenticatedNames.add(name(name));
        } else {
            authenticatedNames.remove(name(name));
        }
        return this;
    }

    /** Answers every question for this name with this response code (Rcode.SERVFAIL, Rcode.REFUSED...). */
    public TestDnsServer rcode(String name, int rcode) {
        rcodes.put(name(name), rcode);
        return this;
    }

    /** Never answers questions for this name (a resolver that times out). */
    public TestDnsServer silent(String name) {
        silent.add(name(name));
        return this;
    }

    /** Answers queries for that name again after {@link #silent}. */
    public TestDnsServer speak(String name) {
        silent.remove(name(name));
        return this;
    }

    // ---------------------------------------------------------------- counters

    public int queryCount() {
        return queries.size();
    }

    /** Queries for this name and type ("TXT", "MX"...). */
    public int queryCount(String name, String type) {
        String n = name(name).toString().toLowerCase(Locale.ROOT);
        return (int) queries.stream().filter(q -> q.name().equals(n) && q.type().equalsIgnoreCase(type)).count();
    }

    /** Queries that came over TCP. */
    public int tcpQueryCount() {
        return tcpQueries.get();
    }

    public List<Query> queries() {
        return List.copyOf(queries);
    }

    public void resetCounts() {
        queries.clear();
        tcpQueries.set(0);
    }

    // ---------------------------------------------------------------- serving

    private void serveUdp() {
        byte[] buf = new byte[65535];
        while (!closed) {
            DatagramPacket packet = new DatagramPacket(buf, buf.length);
            try {
                udp.receive(packet);
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue;
            }
            byte[] in = java.util.Arrays.copyOfRange(packet.getData(), packet.getOffset(),
                    packet.getOffset() + packet.getLength());
            InetSocketAddress from = (InetSocketAddress) packet.getSocketAddress();
            pool.execute(() -> {
                byte[] out = answer(in, false);
                if (out != null) {
                    try {
                        udp.send(new DatagramPacket(out, out.length, from));
                    } catch (IOException ignored) {
                        // client gone
                    }
                }
            });
        }
    }

    private void serveTcp() {
        while (!closed) {
            Socket s;
            try {
                s = tcp.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue;
            }
            pool.execute(() -> serveTcpConnection(s));
        }
    }

    private void serveTcpConnection(Socket s) {
        try (s) {
            s.setSoTimeout(10_000);
            DataInputStream in = new DataInputStream(s.getInputStream());
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            while (!closed) {
                int length;
                try {
                    length = in.readUnsignedShort();
                } catch (IOException eof) {
                    return;
                }
                byte[] query = new byte[length];
                in.readFully(query);
                tcpQueries.incrementAndGet();
                byte[] answer = answer(query, true);
                if (answer == null) {
                    continue;
                }
                out.writeShort(answer.length);
                out.write(answer);
                out.flush();
            }
        } catch (IOException ignored) {
            // connection dropped
        }
    }

    /** The wire answer to a wire query, or null to stay silent. */
    private byte[] answer(byte[] wire, boolean overTcp) {
        Message query;
        try {
            query = new Message(wire);
        } catch (IOException e) {
            return null;
        }
        Record question = query.getQuestion();
        if (question == null || query.getHeader().getOpcode() != Opcode.QUERY) {
            return null;
        }
        Name qname = question.getName();
        int qtype = question.getType();
        OPTRecord opt = query.getOPT();
        queries.add(new Query(qname.toString().toLowerCase(Locale.ROOT), Type.string(qtype), overTcp,
                opt != null && (opt.getFlags() & org.xbill.DNS.ExtendedFlags.DO) != 0,
                query.getHeader().getFlag(Flags.AD)));
        if (silent.contains(qname)) {
            return null;
        }
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.AA);
        response.getHeader().setFlag(Flags.RA);
        if (query.getHeader().getFlag(Flags.RD)) {
            response.getHeader().setFlag(Flags.RD);
        }
        response.addRecord(question, Section.QUESTION);
        if (opt != null) {
            response.addRecord(new OPTRecord(4096, 0, 0, opt.getFlags() & org.xbill.DNS.ExtendedFlags.DO),
                    Section.ADDITIONAL);
        }
        Integer forced = rcodes.get(qname);
        if (forced != null) {
            response.getHeader().setRcode(forced);
            return wire(response, opt, overTcp);
        }
        boolean ad = authenticatedAll || authenticatedNames.contains(qname);
        Name current = qname;
        boolean any = false;
        for (int hop = 0; hop < 10; hop++) {
            List<Record> here = records.getOrDefault(current, List.of());
            List<Record> matching = new ArrayList<>();
            Record cname = null;
            for (Record r : here) {
                if (r.getType() == qtype || qtype == Type.ANY) {
                    matching.add(r);
                } else if (r.getType() == Type.CNAME) {
                    cname = r;
                }
            }
            if (!matching.isEmpty()) {
                matching.forEach(r -> response.addRecord(r, Section.ANSWER));
                any = true;
                break;
            }
            if (cname == null) {
                break;
            }
            response.addRecord(cname, Section.ANSWER);
            any = true;
            current = ((CNAMERecord) cname).getTarget();
            ad &= authenticatedAll || authenticatedNames.contains(current);
        }
        if (!any && !exists(qname)) {
            response.getHeader().setRcode(Rcode.NXDOMAIN);
        }
        if (ad) {
            response.getHeader().setFlag(Flags.AD);
        }
        return wire(response, opt, overTcp);
    }

    private byte[] wire(Message response, OPTRecord opt, boolean overTcp) {
        if (overTcp) {
            return response.toWire();
        }
        int max = opt == null ? 512 : Math.max(512, opt.getPayloadSize());
        return response.toWire(max);
    }

    private boolean exists(Name name) {
        for (Name n : records.keySet()) {
            if ((n.equals(name) || n.subdomain(name)) && !records.get(n).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private static Name name(String name) {
        try {
            return Name.fromString(absolute(name));
        } catch (TextParseException e) {
            throw new IllegalArgumentException("bad name '" + name + "'", e);
        }
    }

    private static String absolute(String name) {
        return name.endsWith(".") ? name : name + ".";
    }

    @Override
    public void close() {
        closed = true;
        udp.close();
        try {
            tcp.close();
        } catch (IOException ignored) {
            // closing
        }
        pool.shutdownNow();
    }

    /** A UDP+TCP port on 127.0.0.1 that accepts queries and never answers. Close it when done. */
    public static final class BlackHole implements AutoCloseable {
        private final DatagramSocket udp;
        private final ServerSocket tcp;

        public BlackHole() throws IOException {
            DatagramSocket u = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            ServerSocket t = new ServerSocket();
            try {
                t.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), u.getLocalPort()));
            } catch (SocketException e) {
                u.close();
                t.close();
                throw e;
            }
            this.udp = u;
            this.tcp = t;
        }

        public String address() {
            return "127.0.0.1:" + udp.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            udp.close();
            tcp.close();
        }
    }
}
