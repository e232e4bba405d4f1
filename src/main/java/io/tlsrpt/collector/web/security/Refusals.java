package io.tlsrpt.collector.web.security;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.HttpResponse;

import java.util.Map;

/**
 * The answers of the security filters: JSON for the API ({@code {"error": ...}}, like the API's 400s), text for
 * pages.
 */
final class Refusals {
    private Refusals() {
    }

    static boolean isApi(HttpRequest<?> request) {
        String path = request.getPath();
        return path.equals("/api") || path.startsWith("/api/");
    }

    static MutableHttpResponse<?> refuse(HttpRequest<?> request, HttpStatus status, String message) {
        MutableHttpResponse<?> response = isApi(request)
                ? HttpResponse.status(status).body(Map.of("error", message))
                        .contentType(MediaType.APPLICATION_JSON_TYPE)
                : HttpResponse.status(status).body(message + "\n").contentType(MediaType.TEXT_PLAIN + ";charset=utf-8");
        return response.header(HttpHeaders.CACHE_CONTROL, "no-store");
    }
}
