package io.tlsrpt.collector.records;

import io.tlsrpt.collector.support.TestCertificates;
import org.subethamail.smtp.server.SMTPServer;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A SubEthaSMTP server on 127.0.0.1 for the STARTTLS probe: STARTTLS with certificates chosen by SNI (so one
 * server can be mx1 and mx2 with different certificates), or without STARTTLS at all. Counts connections.
 */
final class TestSmtpServer implements AutoCloseable {
    private final SMTPServer server;
    private final AtomicInteger connections;

    private TestSmtpServer(SMTPServer server, AtomicInteger connections) {
        this.server = server;
        this.connections = connections;
    }

    /** STARTTLS offered, certificates from the key manager. */
    static TestSmtpServer withStarttls(TestCertificates.SniKeyManager keys) {
        return start(TestCertificates.serverContext(keys), false);
    }

    /** No STARTTLS in the EHLO reply. */
    static TestSmtpServer withoutStarttls() {
        return start(null, true);
    }

    private static TestSmtpServer start(SSLContext ctx, boolean hide) {
        AtomicInteger connections = new AtomicInteger();
        SMTPServer.Builder b = SMTPServer.port(0)
                .bindAddress(InetAddress.getLoopbackAddress())
                .hostName("mx.test")
                .softwareName("test")
                .connectionTimeoutMs(10_000)
                .serverSocketFactory(() -> new ServerSocket() {
                    @Override
                    public Socket accept() throws IOException {
                        Socket s = super.accept();
                        connections.incrementAndGet();
                        return s;
                    }
                })
                .simpleMessageListener(new org.subethamail.smtp.helper.SimpleMessageListener() {
                    @Override
                    public boolean accept(String from, String recipient) {
                        return false;
                    }

                    @Override
                    public void deliver(String from, String recipient, java.io.InputStream data) {
                        // never called: nothing is accepted
                    }
                });
        if (hide) {
            b.enableTLS(false);
        } else {
            b.enableTLS(true).startTlsSocketFactory(socket -> {
                InetSocketAddress remote = (InetSocketAddress) socket.getRemoteSocketAddress();
                SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(socket, remote.getHostString(),
                        socket.getPort(), true);
                s.setUseClientMode(false);
                return s;
            });
        }
        SMTPServer server = b.build();
        server.start();
        return new TestSmtpServer(server, connections);
    }

    int port() {
        return server.getPortAllocated();
    }

    int connections() {
        return connections.get();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (RuntimeException e) {
            throw new UncheckedIOException(new IOException(e));
        }
    }
}
