package io.tlsrpt.collector.web.security;

import io.micronaut.context.annotation.Property;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Filter;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.tlsrpt.collector.config.HttpAuthSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Against DNS rebinding: with no login configured and HTTP bound to loopback (the default set-up, where being
 * reachable only from this machine is the protection), a request must be addressed to this machine: its
 * {@code Host} must be {@code localhost}, a loopback address, or the host of one of
 * {@code tlsrpt.http.auth.allowed-origins}. Otherwise a web page from a name that its owner re-points to
 * 127.0.0.1 could read the dashboard from the browser of anyone who runs the collector. With a login, or on any
 * other bind address, this check is off (the login protects; a non-loopback bind is warned about at start).
 */
@ServerFilter(Filter.MATCH_ALL_PATTERN)
public class LoopbackHostFilter implements Ordered {
    private static final Logger LOG = LoggerFactory.getLogger(LoopbackHostFilter.class);

    private final boolean active;
    private final OpenPaths openPaths;
    private final List<String> allowedHosts;

    public LoopbackHostFilter(HttpAuthSettings settings,
                              @Property(name = "micronaut.server.host") @Nullable String bindHost,
                              @Property(name = "tlsrpt.http.report-path") @Nullable String reportPath) {
        this.active = !settings.loginRequired() && ExposureWarning.isLoopback(bindHost);
        this.openPaths = OpenPaths.of(settings, reportPath);
        this.allowedHosts = settings.allowedOrigins().stream().map(CrossSiteRequestFilter::normalizeOrigin)
                .filter(Objects::nonNull).map(o -> URI.create(o).getHost()).toList();
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.FIRST.order();
    }

    @RequestFilter
    @Nullable
    public HttpResponse<?> check(HttpRequest<?> request) {
        if (!active || openPaths.isOpen(request.getPath())) {
            return null;
        }
        String host = hostName(request.getHeaders().get(HttpHeaders.HOST));
        if (host != null && (ExposureWarning.isLoopback(host) || allowedHosts.contains(host))) {
            return null;
        }
        LOG.info("Refused {} {} addressed to {}: no login is configured, so only localhost is served",
                request.getMethodName(), LogText.clean(request.getPath()), LogText.clean(String.valueOf(host)));
        return Refusals.refuse(request, HttpStatus.FORBIDDEN, "Refused: this collector has no login configured and"
                + " only answers requests addressed to localhost (this one is addressed to "
                + LogText.clean(String.valueOf(host)) + "). Set tlsrpt.http.auth.users or .token, or add the"
                + " public origin to tlsrpt.http.auth.allowed-origins.");
    }

    /** The host of a Host header without its port, lower case; null when there is none. */
    static String hostName(@Nullable String hostHeader) {
        if (hostHeader == null || hostHeader.isBlank()) {
            return null;
        }
        String h = hostHeader.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? null : h.substring(0, end + 1);
        }
        int colon = h.lastIndexOf(':');
        return colon < 0 ? h : h.substring(0, colon);
    }
}
