package io.tlsrpt.collector.support;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.tlsrpt.collector.smtp.SmtpReceiver;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A whole collector (HTTP, SMTP, H2 file database) on random loopback ports, over a data directory that outlives
 * it so that a test can stop one and start another on the same data. With {@code -Dtlsrpt.test.database=postgres}
 * the database is PostgreSQL instead ({@link Postgres}), one per data directory.
 */
public final class Collector implements AutoCloseable {
    private final EmbeddedServer server;
    private final TestDnsServer dns;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private Collector(EmbeddedServer server, TestDnsServer dns) {
        this.server = server;
        this.dns = dns;
    }

    public static Collector start(Path dataDir, Map<String, Object> extra) {
        Map<String, Object> props = new HashMap<>();
        props.put("micronaut.server.host", "127.0.0.1");
        props.put("micronaut.server.port", -1);
        props.put("tlsrpt.smtp.host", "127.0.0.1");
        props.put("tlsrpt.smtp.port", 0);
        props.put("tlsrpt.data-dir", dataDir.toString());
        props.put("tlsrpt.processing.sweep-interval", 1);
        if (Postgres.enabled()) {
            // -Dtlsrpt.test.database=postgres: this data directory's own database on the tests' PostgreSQL server,
            // or the database the test names (two collectors on one database).
            Object url = extra.get("datasources.default.url");
            props.putAll(url == null ? Postgres.datasourceFor(dataDir)
                    : url.toString().startsWith("jdbc:postgresql:") ? Postgres.settings(url.toString()) : Map.of());
        }
        // Every look-up (DKIM keys, published records) goes to a DNS server of the test's own on loopback, which
        // answers NXDOMAIN for every name a test has not added. Scheduled record checks are off unless asked for.
        TestDnsServer dns = TestDnsServer.start();
        props.put("tlsrpt.checks.enabled", false);
        props.put("tlsrpt.dns.servers", java.util.List.of(dns.address()));
        props.putAll(extra);
        try {
            return new Collector(ApplicationContext.run(EmbeddedServer.class, props), dns);
        } catch (RuntimeException e) {
            dns.close();
            throw e;
        }
    }

    /** The DNS server this collector resolves through: tests add records to it. */
    public TestDnsServer dns() {
        return dns;
    }

    public int smtpPort() {
        return server.getApplicationContext().getBean(SmtpReceiver.class).port();
    }

    public ApplicationContext context() {
        return server.getApplicationContext();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getPort();
    }

    public Http get(String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
                    .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return new Http(r.statusCode(), r.body(), r.headers().firstValue("content-type").orElse(""));
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    public Http post(String path) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
                    .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Http(r.statusCode(), r.body(), r.headers().firstValue("content-type").orElse(""));
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A form POST as a browser on the dashboard's own origin sends it. */
    public Http postForm(String path, String form) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
                            .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/x-www-form-urlencoded")
                            .header("Origin", baseUrl())
                            .POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Http(r.statusCode(), r.body(), r.headers().firstValue("content-type").orElse(""));
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    public record Http(int status, String body, String contentType) {
    }

    @Override
    public void close() {
        server.getApplicationContext().close();
        dns.close();
    }
}
