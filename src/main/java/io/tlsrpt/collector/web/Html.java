package io.tlsrpt.collector.web;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.views.thymeleaf.ThymeleafViewsRenderer;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.StringWriter;
import java.util.Map;

/**
 * Renders a page to a string before anything is sent. Micronaut's view rendering writes the response as it goes: a
 * template error half-way left the client waiting until its time-out. Rendered first, an error is a plain 500.
 */
@Singleton
final class Html {
    private static final Logger LOG = LoggerFactory.getLogger(Html.class);

    private final ThymeleafViewsRenderer<Map<String, Object>> renderer;

    Html(ThymeleafViewsRenderer<Map<String, Object>> renderer) {
        this.renderer = renderer;
    }

    HttpResponse<String> page(String view, Map<String, Object> model, HttpRequest<?> request) {
        try {
            StringWriter out = new StringWriter(16 * 1024);
            renderer.render(view, model, request).writeTo(out);
            return HttpResponse.ok(out.toString()).contentType(MediaType.TEXT_HTML_TYPE);
        } catch (Exception | StackOverflowError e) {
            LOG.error("page {} could not be rendered", view, e);
            return HttpResponse.<String>status(HttpStatus.INTERNAL_SERVER_ERROR)
                    .body("This page could not be rendered; the error is in the collector's log.")
                    .contentType(MediaType.TEXT_PLAIN_TYPE);
        }
    }
}
