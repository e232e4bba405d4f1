package io.tlsrpt.collector.alerts;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * POSTs an alert's JSON to the operator's webhook: time-outs on connect and answer, redirects not followed, retried
 * with a doubling wait on connection errors, 408, 429 and 5xx; any other answer is final. The URL is the operator's
 * own, so private and loopback addresses are allowed.
 */
final class WebhookSender {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookSender.class);
    private static final long MAX_BACKOFF_MILLIS = 5 * 60_000;

    /** The outcome of one delivery (all its attempts). */
    record Result(boolean sent, int attempts, String error) {
    }

    private final URI uri;
    private final Duration timeout;
    private final int retries;
    private final Duration backoff;
    private final HttpClient client;

    WebhookSender(String url, Duration timeout, int retries, Duration backoff) {
        URI u = URI.create(url);
        if (u.getScheme() == null || !(u.getScheme().equalsIgnoreCase("http") || u.getScheme().equalsIgnoreCase("https"))
                || u.getHost() == null) {
            throw new IllegalArgumentException("tlsrpt.alerts.webhook-url must be an http:// or https:// URL");
        }
        this.uri = u;
        this.timeout = timeout;
        this.retries = retries;
        this.backoff = backoff;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    Result send(String json) {
        String error = null;
        long wait = Math.max(0, backoff.toMillis());
        int attempt = 0;
        while (attempt <= retries) {
            attempt++;
            try {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).timeout(timeout)
                                .header("Content-Type", "application/json; charset=utf-8")
                                .header("User-Agent", "tlsrpt-collector")
                                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build(),
                        HttpResponse.BodyHandlers.ofString());
                int status = r.statusCode();
                if (status >= 200 && status < 300) {
                    return new Result(true, attempt, null);
                }
                error = "webhook answered " + status;
                if (!(status == 408 || status == 429 || status >= 500)) {
                    break; // the receiver refuses this request: sending it again would not help
                }
            } catch (IOException e) {
                error = "webhook: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Result(false, attempt, "interrupted");
            }
            if (attempt <= retries) {
                LOG.info("alert webhook attempt {} failed ({}); trying again in {} ms", attempt, error, wait);
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return new Result(false, attempt, error);
                }
                wait = Math.min(Math.max(1, wait * 2), MAX_BACKOFF_MILLIS);
            }
        }
        return new Result(false, attempt, error);
    }
}
