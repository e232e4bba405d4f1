package io.tlsrpt.collector.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An HTTPS server on 127.0.0.1 (random port) for tests, on the JDK's com.sun.net.httpserver. Certificates are chosen
 * by SNI ({@link TestCertificates.SniKeyManager}), so one server can be mta-sts.a.test and mta-sts.b.test at once;
 * responses are set per host (the Host header without port) and path. Anything not set answers 404. Every request
 * is recorded; {@link #handshakes()} counts TLS handshakes, so a test can show that nothing connected at all.
 *
 * <pre>{@code
 * TestHttpsServer https = TestHttpsServer.start(keyManager);
 * https.respond("mta-sts.example.test", "/.well-known/mta-sts.txt", 200, "text/plain", "version: STSv1\r\n...");
 * https.redirect("mta-sts.other.test", "/.well-known/mta-sts.txt", "https://elsewhere.test/policy.txt");
 * }</pre>
 */
public final class TestHttpsServer implements AutoCloseable {

    /** A canned response. */
    public record Response(int status, Map<String, String> headers, byte[] body) {
    }

    /** One request as received. */
    public record Request(String method, String host, String path, Map<String, List<String>> headers) {
    }

    private final HttpsServer server;
    private final TestCertificates.SniKeyManager keys;
    private final ExecutorService pool;
    private final Map<String, Response> responses = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    private TestHttpsServer(HttpsServer server, TestCertificates.SniKeyManager keys, ExecutorService pool) {
        this.server = server;
        this.keys = keys;
        this.pool = pool;
    }

    /** Starts on 127.0.0.1 with a free port, presenting certificates chosen by the key manager. */
    public static TestHttpsServer start(TestCertificates.SniKeyManager keys) {
        try {
            SSLContext ctx = TestCertificates.serverContext(keys);
            HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
            server.setHttpsConfigurator(new HttpsConfigurator(ctx) {
                @Override
                public void configure(HttpsParameters params) {
                    params.setSSLParameters(ctx.getDefaultSSLParameters());
                }
            });
            ExecutorService pool = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "test-https");
                t.setDaemon(true);
                return t;
            });
            server.setExecutor(pool);
            TestHttpsServer s = new TestHttpsServer(server, keys, pool);
            server.createContext("/", s::handle);
            server.start();
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public TestCertificates.SniKeyManager keys() {
        return keys;
    }

    /** Sets the response for host and path. */
    public TestHttpsServer respond(String host, String path, Response response) {
        responses.put(key(host, path), response);
        return this;
    }

    public TestHttpsServer respond(String host, String path, int status, String contentType, String body) {
        return respond(host, path, status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    public TestHttpsServer respond(String host, String path, int status, String contentType, byte[] body) {
        Map<String, String> headers = contentType == null ? Map.of() : Map.of("Content-Type", contentType);
        return respond(host, path, new Response(status, headers, body));
    }

    /** A 301 to the location. */
    public TestHttpsServer redirect(String host, String path, String location) {
        return respond(host, path, new Response(301, Map.of("Location", location, "Content-Type", "text/html"),
                "<a href=\"x\">moved</a>".getBytes(StandardCharsets.UTF_8)));
    }

    /** Requests received (all hosts). */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public int requestCount() {
        return requests.size();
    }

    /** Requests received for this host (Host header without port). */
    public int requestCount(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return (int) requests.stream().filter(r -> r.host().equals(h)).count();
    }

    /** TLS handshakes that reached certificate selection. */
    public int handshakes() {
        return keys.handshakes();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String hostHeader = ex.getRequestHeaders().getFirst("Host");
            String host = hostHeader == null ? "" : hostHeader.toLowerCase(Locale.ROOT);
            int colon = host.lastIndexOf(':');
            if (colon > 0 && !host.endsWith("]")) {
                host = host.substring(0, colon);
            }
            String path = ex.getRequestURI().getRawPath();
            requests.add(new Request(ex.getRequestMethod(), host, path, Map.copyOf(ex.getRequestHeaders())));
            try (InputStream in = ex.getRequestBody()) {
                in.readNBytes(1 << 16);
            }
            Response r = responses.get(key(host, path));
            if (r == null) {
                r = new Response(404, Map.of("Content-Type", "text/plain"), "not found".getBytes(StandardCharsets.UTF_8));
            }
            r.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
            ex.sendResponseHeaders(r.status(), r.body().length == 0 ? -1 : r.body().length);
            if (r.body().length > 0) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(r.body());
                } catch (IOException clientGone) {
                    // a client that stops reading (the 64 KiB limit) closes the connection
                }
            }
        }
    }

    private static String key(String host, String path) {
        return host.toLowerCase(Locale.ROOT) + path;
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
