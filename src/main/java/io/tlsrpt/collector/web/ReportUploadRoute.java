package io.tlsrpt.collector.web;

import io.micronaut.context.ExecutionHandleLocator;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.web.router.DefaultRouteBuilder;
import io.tlsrpt.collector.config.HttpReportSettings;
import jakarta.inject.Singleton;

import java.io.InputStream;

/**
 * {@code POST tlsrpt.http.report-path} (default {@code /tlsrpt}) to {@link ReportUploadController#receive}. Made here
 * from the settings rather than with a {@code ${...}} placeholder in an annotation, whose resolved value Micronaut
 * keeps for the life of the JVM (a second application context with another path would still get the first).
 */
@Singleton
public class ReportUploadRoute extends DefaultRouteBuilder {
    public ReportUploadRoute(ExecutionHandleLocator locator, HttpReportSettings settings) {
        super(locator);
        new ClientAddress(settings.trustedProxies()); // a wrong entry stops the start, naming it
        POST(settings.reportPath(), ReportUploadController.class, "receive", HttpRequest.class, InputStream.class)
                .consumes(MediaType.ALL_TYPE)
                .produces(MediaType.APPLICATION_JSON_TYPE);
    }
}
