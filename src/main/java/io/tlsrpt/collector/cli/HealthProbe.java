package io.tlsrpt.collector.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The container's health check, for images without curl or wget:
 * {@code java -cp tlsrpt-collector.jar io.tlsrpt.collector.cli.HealthProbe [URL]} exits 0 when {@code GET URL}
 * answers 200 within 5 seconds, else 1. Without a URL it asks {@code http://127.0.0.1:$MICRONAUT_SERVER_PORT/health}
 * (port 8080 when unset). Starts nothing of the application: only the JDK's HTTP client.
 */
public final class HealthProbe {
    private HealthProbe() {
    }

    public static void main(String[] args) {
        System.exit(probe(args.length > 0 ? args[0] : defaultUrl(System.getenv("MICRONAUT_SERVER_PORT"))));
    }

    static String defaultUrl(String port) {
        String p = port == null || port.isBlank() ? "8080" : port.trim();
        return "http://127.0.0.1:" + p + "/health";
    }

    /** 0 when the URL answers 200, 1 otherwise (with the reason on standard error). */
    public static int probe(String url) {
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                    .followRedirects(HttpClient.Redirect.NEVER).build();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                return 0;
            }
            System.err.println("unhealthy: " + url + " answered " + r.statusCode() + " " + clip(r.body()));
            return 1;
        } catch (Exception e) {
            System.err.println("unhealthy: " + url + ": " + e);
            return 1;
        }
    }

    private static String clip(String s) {
        return s == null ? "" : s.length() > 500 ? s.substring(0, 500) : s;
    }
}
