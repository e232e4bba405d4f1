package io.tlsrpt.collector.records;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The STARTTLS probe: connect to the MX on {@code smtpPort}, read the greeting, EHLO, STARTTLS when offered, a TLS
 * 1.2+ handshake that accepts any certificate (the chain is judged afterwards against the trust store and the MX
 * name), QUIT. Nothing else is sent. Reads are bounded in line length and count, each read has the read time-out,
 * and a watchdog closes the connection when the whole probe takes longer than connect + 4 x read time-out.
 */
final class StarttlsProber {
    static final int MAX_LINE = 2048;
    static final int MAX_LINES = 100;
    private static final int MAX_BANNER = 4096;
    private static final int MAX_ADDRESSES_TRIED = 2;

    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "starttls-probe-watchdog");
        t.setDaemon(true);
        return t;
    });

    private final Resolver resolver;
    private final CheckSettings settings;
    private final X509TrustManager trust;

    StarttlsProber(Resolver resolver, CheckSettings settings, X509TrustManager trust) {
        this.resolver = resolver;
        this.settings = settings;
        this.trust = trust;
    }

    StarttlsProbe probe(String mx) {
        List<InetAddress> all;
        try {
            all = resolver.addresses(mx);
        } catch (RuntimeException e) {
            all = List.of();
        }
        if (all.isEmpty()) {
            return new Builder(mx, null).fail("the MX host " + mx + " has no address (A/AAAA)");
        }
        List<InetAddress> allowed = PolicyFetcher.allowed(all, settings.allowPrivateNetworks());
        if (allowed.isEmpty()) {
            return new Builder(mx, all.get(0).getHostAddress()).fail(PolicyFetcher.refusedMessage(mx, all));
        }
        // IPv4 first: a collector without IPv6 would otherwise fail on every dual-stack MX.
        List<InetAddress> order = new ArrayList<>(allowed.stream().filter(a -> !(a instanceof Inet6Address)).toList());
        order.addAll(allowed.stream().filter(a -> a instanceof Inet6Address).toList());
        StarttlsProbe last = null;
        for (int i = 0; i < order.size() && i < MAX_ADDRESSES_TRIED; i++) {
            last = probe(mx, order.get(i));
            if (last.connected()) {
                return last;
            }
        }
        return last;
    }

    private StarttlsProbe probe(String mx, InetAddress address) {
        Socket socket = new Socket();
        long deadline = settings.connectTimeout().toMillis() + 4 * settings.readTimeout().toMillis();
        java.util.concurrent.atomic.AtomicBoolean tooLong = new java.util.concurrent.atomic.AtomicBoolean();
        ScheduledFuture<?> watchdog = WATCHDOG.schedule(() -> {
            tooLong.set(true);
            closeQuietly(socket);
        }, deadline, TimeUnit.MILLISECONDS);
        Builder b = new Builder(mx, address.getHostAddress());
        StarttlsProbe result;
        try {
            result = probe(mx, address, socket, b);
        } finally {
            watchdog.cancel(false);
            closeQuietly(socket);
        }
        if (tooLong.get() && result.error() != null) {
            b.error = "the probe took longer than " + Math.max(1, deadline / 1000) + " s (the server answered too "
                    + "slowly) and was stopped";
            return b.build();
        }
        return result;
    }

    private StarttlsProbe probe(String mx, InetAddress address, Socket socket, Builder b) {
        try {
            try {
                socket.connect(new InetSocketAddress(address, settings.smtpPort()),
                        (int) settings.connectTimeout().toMillis());
            } catch (SocketTimeoutException e) {
                return b.fail("no TCP connection to " + address.getHostAddress() + " port " + settings.smtpPort()
                        + " within " + settings.connectTimeout().toSeconds() + " s (a firewall, or outbound port 25 "
                        + "blocked where the collector runs)");
            } catch (IOException e) {
                return b.fail("cannot connect to " + address.getHostAddress() + " port " + settings.smtpPort() + ": "
                        + DomainNames.shorten(String.valueOf(e.getMessage())));
            }
            b.connected = true;
            socket.setSoTimeout((int) settings.readTimeout().toMillis());
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            Reply greeting = Reply.read(in);
            b.banner = greeting.text(MAX_BANNER);
            if (greeting.code() != 220) {
                send(out, "QUIT");
                return b.fail("the greeting is not 220: " + DomainNames.shorten(greeting.first()));
            }
            send(out, "EHLO " + ehloName(socket));
            Reply ehlo = Reply.read(in);
            if (ehlo.code() != 250) {
                send(out, "QUIT");
                return b.fail("EHLO was answered " + DomainNames.shorten(ehlo.first()));
            }
            for (int i = 1; i < ehlo.lines().size(); i++) {
                String keyword = ehlo.lines().get(i).length() > 4 ? ehlo.lines().get(i).substring(4).trim() : "";
                if (keyword.toUpperCase(Locale.ROOT).equals("STARTTLS")
                        || keyword.toUpperCase(Locale.ROOT).startsWith("STARTTLS ")) {
                    b.starttlsOffered = true;
                }
            }
            if (!b.starttlsOffered) {
                send(out, "QUIT");
                readQuietly(in);
                return b.build();
            }
            send(out, "STARTTLS");
            Reply ready = Reply.read(in);
            if (ready.code() != 220) {
                send(out, "QUIT");
                return b.fail("STARTTLS was answered " + DomainNames.shorten(ready.first()));
            }
            SSLSocket tls = handshake(socket, mx, b);
            if (tls == null) {
                return b.build();
            }
            send(tls.getOutputStream(), "QUIT");
            readQuietly(tls.getInputStream());
            return b.build();
        } catch (SocketTimeoutException e) {
            return b.fail("the server stopped answering (read time-out)");
        } catch (IOException e) {
            return b.fail("the connection failed: " + DomainNames.shorten(String.valueOf(e.getMessage())));
        } catch (ProtocolException e) {
            return b.fail(e.getMessage());
        } catch (RuntimeException e) {
            return b.fail("the probe failed: " + Resolver.describe(e));
        }
    }

    /** Upgrades to TLS; fills in the certificate facts, or the error. Null when the handshake failed. */
    private SSLSocket handshake(Socket socket, String mx, Builder b) throws IOException {
        AcceptAll accept = new AcceptAll();
        SSLSocket tls;
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new javax.net.ssl.TrustManager[]{accept}, null);
            tls = (SSLSocket) ctx.getSocketFactory().createSocket(socket, mx, settings.smtpPort(), true);
        } catch (GeneralSecurityException e) {
            b.error = "TLS is not available: " + e.getMessage();
            return null;
        }
        SSLParameters params = tls.getSSLParameters();
        params.setProtocols(supported(tls, "TLSv1.3", "TLSv1.2"));
        try {
            params.setServerNames(List.of(new SNIHostName(mx)));
        } catch (IllegalArgumentException e) {
            // a name SNI cannot carry: send none
        }
        tls.setSSLParameters(params);
        try {
            tls.startHandshake();
        } catch (IOException e) {
            facts(b, mx, accept.chain);
            b.error = "the TLS handshake failed: " + DomainNames.shorten(String.valueOf(e.getMessage()))
                    + " (TLS 1.2 or newer is required)";
            return null;
        }
        SSLSession session = tls.getSession();
        b.tlsEstablished = true;
        b.tlsVersion = session.getProtocol();
        List<X509Certificate> chain = new ArrayList<>();
        try {
            for (Certificate c : session.getPeerCertificates()) {
                if (c instanceof X509Certificate x) {
                    chain.add(x);
                }
            }
        } catch (IOException e) {
            chain = accept.chain;
        }
        facts(b, mx, chain);
        return tls;
    }

    private void facts(Builder b, String mx, List<X509Certificate> chain) {
        if (chain.isEmpty()) {
            return;
        }
        X509Certificate leaf = chain.get(0);
        b.certificateNames = Certificates.names(leaf);
        b.notAfter = leaf.getNotAfter().toInstant();
        b.trusted = Certificates.untrustedReason(trust, chain) == null;
        b.nameMatches = Certificates.matches(leaf, mx);
        b.wildcard = Certificates.wildcard(leaf);
        b.hashes = Certificates.tlsaHashes(chain);
    }

    private static String[] supported(SSLSocket s, String... wanted) {
        List<String> supported = List.of(s.getSupportedProtocols());
        return java.util.Arrays.stream(wanted).filter(supported::contains).toArray(String[]::new);
    }

    /** An address literal of our end: "[192.0.2.1]" or "[IPv6:...]" (RFC 5321 §4.1.3). */
    private static String ehloName(Socket socket) {
        InetAddress local = socket.getLocalAddress();
        if (local instanceof Inet6Address) {
            String a = local.getHostAddress();
            int zone = a.indexOf('%');
            return "[IPv6:" + (zone >= 0 ? a.substring(0, zone) : a) + "]";
        }
        return "[" + local.getHostAddress() + "]";
    }

    private static void send(OutputStream out, String command) throws IOException {
        out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static void readQuietly(InputStream in) {
        try {
            Reply.read(in);
        } catch (IOException | ProtocolException e) {
            // the server may close without answering QUIT
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing
        }
    }

    /** Something the server sent that is not SMTP. */
    static final class ProtocolException extends Exception {
        ProtocolException(String message) {
            super(message);
        }
    }

    /** A (multi-line) SMTP reply, read with bounds. */
    record Reply(int code, List<String> lines) {
        String first() {
            return lines.isEmpty() ? "" : lines.get(0);
        }

        String text(int max) {
            String t = String.join("\n", lines);
            return t.length() > max ? t.substring(0, max) + "..." : t;
        }

        static Reply read(InputStream in) throws IOException, ProtocolException {
            List<String> lines = new ArrayList<>();
            int code = -1;
            while (true) {
                String line = readLine(in);
                if (line == null) {
                    if (lines.isEmpty()) {
                        throw new ProtocolException("the server closed the connection without a reply");
                    }
                    throw new ProtocolException("the server closed the connection in the middle of a reply");
                }
                lines.add(line);
                if (line.length() < 3 || !Character.isDigit(line.charAt(0)) || !Character.isDigit(line.charAt(1))
                        || !Character.isDigit(line.charAt(2))) {
                    throw new ProtocolException("the server sent something that is not an SMTP reply: "
                            + DomainNames.shorten(line));
                }
                int c = Integer.parseInt(line.substring(0, 3));
                if (code >= 0 && c != code) {
                    throw new ProtocolException("the reply changes its code in the middle: "
                            + DomainNames.shorten(line));
                }
                code = c;
                if (line.length() == 3 || line.charAt(3) != '-') {
                    return new Reply(code, List.copyOf(lines));
                }
                if (lines.size() >= MAX_LINES) {
                    throw new ProtocolException("the reply has more than " + MAX_LINES + " lines");
                }
            }
        }

        /** One line without CRLF (a bare LF also ends it); null at end of stream. */
        private static String readLine(InputStream in) throws IOException, ProtocolException {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            while (true) {
                int c = in.read();
                if (c < 0) {
                    return buf.size() == 0 ? null : buf.toString(StandardCharsets.ISO_8859_1);
                }
                if (c == '\n') {
                    String s = buf.toString(StandardCharsets.ISO_8859_1);
                    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
                }
                if (buf.size() >= MAX_LINE) {
                    throw new ProtocolException("the server sent a line longer than " + MAX_LINE + " bytes");
                }
                buf.write(c);
            }
        }
    }

    /** Accepts any server certificate, keeping the chain: trust and name are judged after the handshake. */
    static final class AcceptAll extends X509ExtendedTrustManager {
        volatile List<X509Certificate> chain = List.of();

        @Override
        public void checkServerTrusted(X509Certificate[] c, String authType, Socket socket) {
            chain = c == null ? List.of() : List.of(c);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] c, String authType, SSLEngine engine) {
            chain = c == null ? List.of() : List.of(c);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] c, String authType) {
            chain = c == null ? List.of() : List.of(c);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] c, String authType, Socket socket)
                throws java.security.cert.CertificateException {
            throw new java.security.cert.CertificateException("not a server");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] c, String authType, SSLEngine engine)
                throws java.security.cert.CertificateException {
            throw new java.security.cert.CertificateException("not a server");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] c, String authType)
                throws java.security.cert.CertificateException {
            throw new java.security.cert.CertificateException("not a server");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    /** The probe's facts as they are found. */
    static final class Builder {
        final String mx;
        final String address;
        boolean connected;
        String banner;
        boolean starttlsOffered;
        boolean tlsEstablished;
        String tlsVersion;
        List<String> certificateNames = List.of();
        Instant notAfter;
        boolean trusted;
        boolean nameMatches;
        boolean wildcard;
        List<String> hashes = List.of();
        String error;

        Builder(String mx, String address) {
            this.mx = mx;
            this.address = address;
        }

        StarttlsProbe fail(String message) {
            if (error == null) {
                error = message;
            }
            return build();
        }

        StarttlsProbe build() {
            return new StarttlsProbe(mx, address, connected, banner, starttlsOffered, tlsEstablished, tlsVersion,
                    certificateNames, notAfter, trusted, nameMatches, wildcard, hashes, error);
        }
    }
}
