package io.tlsrpt.collector.web;

import io.micronaut.context.annotation.Property;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.http.server.HttpServerConfiguration;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTPS reports may be as large as mail ({@code tlsrpt.smtp.max-message-size}); the report controller counts that
 * limit itself and answers 413 with a clear body, and reads a refused body of up to twice the limit to its end (so
 * that a client that sends its whole body before reading the answer gets the 413 rather than a broken connection).
 * Micronaut's own body limit ({@code micronaut.server.max-request-size}, 10 MiB by default) would refuse those
 * bodies first, so it is raised to twice the report limit when it is smaller; it is never lowered. Micronaut
 * streams such bodies; nothing is buffered beyond what a controller reads.
 */
@Singleton
public class ReportBodySize implements BeanCreatedEventListener<HttpServerConfiguration> {
    private static final Logger LOG = LoggerFactory.getLogger(ReportBodySize.class);

    private final long maxMessageSize;

    public ReportBodySize(@Property(name = "tlsrpt.smtp.max-message-size", defaultValue = "10485760")
                          long maxMessageSize) {
        this.maxMessageSize = maxMessageSize;
    }

    @Override
    public HttpServerConfiguration onCreated(BeanCreatedEvent<HttpServerConfiguration> event) {
        HttpServerConfiguration config = event.getBean();
        long wanted = maxMessageSize > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : 2 * maxMessageSize;
        if (config.getMaxRequestSize() < wanted) {
            LOG.debug("micronaut.server.max-request-size raised from {} to {} bytes (twice"
                    + " tlsrpt.smtp.max-message-size) for HTTPS reports", config.getMaxRequestSize(), wanted);
            config.setMaxRequestSize(wanted);
        }
        return config;
    }
}
