package io.tlsrpt.collector.smtp;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.server.SSLSocketCreator;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Turns a plain SMTP connection into a TLS one after STARTTLS: server mode, TLS 1.3 and 1.2 only (older versions get
 * a protocol_version alert), the JDK's default cipher suites. SubEthaSMTP's own factory would enable every protocol
 * and cipher suite the JDK supports and look up the client's host name in DNS; this one does neither.
 *
 * <p>The PEM files are read at start (a broken file stops the start). Afterwards, at most once a minute on a
 * STARTTLS, a changed file is read again so that a renewed certificate is used without a restart; if the new files
 * cannot be used, the error is logged and the certificate loaded before stays in use.
 */
final class StartTls implements SSLSocketCreator {
    private static final Logger LOG = LoggerFactory.getLogger(StartTls.class);
    static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    private static final long RECHECK_NANOS = 60_000_000_000L;

    private final Path certificateFile;
    private final Path keyFile;
    private final long recheckNanos;
    private volatile SSLContext context;
    private volatile X509Certificate certificate;
    private volatile String[] protocols;
    private long lastCheck;
    private List<Object> stamp;

    private StartTls(Path certificateFile, Path keyFile, long recheckNanos) {
        this.certificateFile = certificateFile;
        this.keyFile = keyFile;
        this.recheckNanos = recheckNanos;
    }

    /** Loads the files now; a {@link PemTls.TlsSetupException} says what is wrong with them. */
    static StartTls load(Path certificateFile, Path keyFile) {
        return load(certificateFile, keyFile, RECHECK_NANOS);
    }

    static StartTls load(Path certificateFile, Path keyFile, long recheckNanos) {
        StartTls t = new StartTls(certificateFile, keyFile, recheckNanos);
        t.stamp = t.stamp();
        t.install(PemTls.load(certificateFile, keyFile));
        t.lastCheck = System.nanoTime();
        return t;
    }

    private void install(PemTls.Loaded loaded) {
        for (String w : loaded.warnings()) {
            LOG.warn(w);
        }
        SSLContext c = loaded.context();
        List<String> supported = Arrays.asList(c.getSupportedSSLParameters().getProtocols());
        List<String> enabled = new ArrayList<>(PROTOCOLS);
        enabled.retainAll(supported);
        if (enabled.isEmpty()) {
            throw new PemTls.TlsSetupException("this JVM supports neither TLS 1.3 nor TLS 1.2");
        }
        this.protocols = enabled.toArray(new String[0]);
        this.context = c;
        this.certificate = loaded.leaf();
        LOG.info("STARTTLS offered with {} ({} certificate(s), valid until {}), protocols {}",
                loaded.leaf().getSubjectX500Principal().getName(), loaded.chain().size(),
                loaded.leaf().getNotAfter().toInstant(), enabled);
    }

    @Override
    public SSLSocket createSSLSocket(Socket socket) throws IOException {
        reloadIfChanged();
        InetSocketAddress remote = (InetSocketAddress) socket.getRemoteSocketAddress();
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(socket,
                remote == null ? null : remote.getHostString(), socket.getPort(), true);
        s.setUseClientMode(false);
        s.setEnabledProtocols(protocols.clone());
        return s;
    }

    String[] enabledProtocols() {
        return protocols.clone();
    }

    /** The server certificate in use. */
    X509Certificate certificate() {
        return certificate;
    }

    synchronized void reloadIfChanged() {
        long now = System.nanoTime();
        if (now - lastCheck < recheckNanos) {
            return;
        }
        lastCheck = now;
        List<Object> current = stamp();
        if (Objects.equals(current, stamp)) {
            return;
        }
        stamp = current; // tried once per change, not on every STARTTLS
        try {
            install(PemTls.load(certificateFile, keyFile));
            LOG.info("STARTTLS certificate reloaded from {}", certificateFile);
        } catch (RuntimeException e) {
            LOG.error("STARTTLS: the changed certificate or key cannot be used, still using the one loaded before: {}",
                    e.getMessage());
        }
    }

    private List<Object> stamp() {
        List<Object> s = new ArrayList<>();
        for (Path p : List.of(certificateFile, keyFile)) {
            try {
                FileTime t = Files.getLastModifiedTime(p);
                s.add(t);
                s.add(Files.size(p));
            } catch (IOException e) {
                s.add("missing");
            }
        }
        return s;
    }
}
