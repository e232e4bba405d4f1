package io.tlsrpt.collector.web;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;

import java.util.Map;

/** Bad parameters answer 400 with the reason, as JSON for the API and as plain text for pages. */
@Produces
@Singleton
@Requires(classes = {BadRequestException.class, ExceptionHandler.class})
public class ErrorHandlers implements ExceptionHandler<BadRequestException, HttpResponse<?>> {
    @Override
    public HttpResponse<?> handle(HttpRequest request, BadRequestException exception) {
        if (request.getPath().startsWith("/api/")) {
            return HttpResponse.badRequest(Map.of("error", exception.getMessage()));
        }
        return HttpResponse.badRequest(exception.getMessage()).contentType(MediaType.TEXT_PLAIN_TYPE);
    }
}
