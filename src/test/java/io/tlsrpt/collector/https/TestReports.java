package io.tlsrpt.collector.https;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Synthetic RFC 8460 reports and HTTP posts for the HTTPS, import and export tests. */
public final class TestReports {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private TestReports() {
    }

    /** A report for {@code domain} on {@code day} (ISO date) with one failure detail. */
    public static String json(String org, String reportId, String day, String domain, String resultType, String mx) {
        return """
                {"organization-name": %s, "date-range": {"start-datetime": "%sT00:00:00Z",
                 "end-datetime": "%sT23:59:59Z"}, "contact-info": "tlsrpt@reporter.example", "report-id": %s,
                 "policies": [{"policy": {"policy-type": "sts", "policy-string": ["version: STSv1", "mode: enforce",
                   "mx: mx1.%s", "max_age: 86400"], "policy-domain": %s, "mx-host": ["mx1.%s"]},
                  "summary": {"total-successful-session-count": 100, "total-failure-session-count": 7},
                  "failure-details": [{"result-type": %s, "sending-mta-ip": "198.51.100.7",
                   "receiving-mx-hostname": %s, "receiving-ip": "192.0.2.25", "failed-session-count": 7}]}]}
                """.formatted(quote(org), day, day, quote(reportId), domain, quote(domain), domain, quote(resultType),
                quote(mx));
    }

    public static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] gzip(byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A zip archive of the given entries (name to content). */
    public static byte[] zip(Map<String, byte[]> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                default -> b.append(c);
            }
        }
        return b.append('"').toString();
    }

    /** An HTTP answer. */
    public record Answer(int status, String body, HttpResponse<String> response) {
        public String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }
    }

    /** POSTs a body with Content-Length; {@code contentType} null sends none. */
    public static Answer post(String url, String contentType, byte[] body, String... headers) {
        return send(url, contentType, HttpRequest.BodyPublishers.ofByteArray(body), headers);
    }

    /** POSTs a body without Content-Length (chunked transfer coding). */
    public static Answer postChunked(String url, String contentType, byte[] body) {
        return send(url, contentType, HttpRequest.BodyPublishers.ofInputStream(
                () -> new java.io.ByteArrayInputStream(body)));
    }

    private static Answer send(String url, String contentType, HttpRequest.BodyPublisher publisher,
                               String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .POST(publisher);
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body(), r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
