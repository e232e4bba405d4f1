package io.tlsrpt.collector.web.security;

import io.micronaut.context.annotation.Property;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpMethod;
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
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Refuses state-changing requests (any method but GET, HEAD, OPTIONS, TRACE) that a browser sent on behalf of
 * another site, whether or not a login is configured (a browser sends a cached Basic login along):
 * <ul>
 *   <li>{@code Sec-Fetch-Site: cross-site} or {@code same-site} (another site, or another port or sub-domain of
 *   this one), or</li>
 *   <li>an {@code Origin} other than the request's own {@code scheme://host:port} (from the {@code Host} header, or
 *   {@code X-Forwarded-Host} / {@code X-Forwarded-Proto} set by a reverse proxy) or one of
 *   {@code tlsrpt.http.auth.allowed-origins}; {@code Origin: null} (a sandboxed page, a file, a redirect) included,
 *   unless the browser also says {@code Sec-Fetch-Site: same-origin} (a page of ours under a no-referrer
 *   policy).</li>
 * </ul>
 * Requests without either header (curl, scripts with the token, report senders) pass: browsers send at least
 * {@code Origin} with every cross-site POST. Runs before the login check, so that another site cannot make the
 * browser ask for the password. Open paths ({@code open-paths}) are not checked: they grant nothing a stranger
 * could not do directly.
 */
@ServerFilter(Filter.MATCH_ALL_PATTERN)
public class CrossSiteRequestFilter implements Ordered {
    private static final Logger LOG = LoggerFactory.getLogger(CrossSiteRequestFilter.class);
    private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS,
            HttpMethod.TRACE);
    static final String SEC_FETCH_SITE = "Sec-Fetch-Site";

    private final OpenPaths openPaths;
    private final List<String> allowedOrigins;

    public CrossSiteRequestFilter(HttpAuthSettings settings,
                                  @Property(name = "tlsrpt.http.report-path") @Nullable String reportPath) {
        this.openPaths = OpenPaths.of(settings, reportPath);
        this.allowedOrigins = settings.allowedOrigins().stream().map(CrossSiteRequestFilter::normalizeOrigin)
                .filter(o -> o != null).toList();
    }

    /**
     * Before Micronaut's own CORS filter, which refuses any request with a foreign Origin to a server addressed as
     * localhost with an empty 403 (its "drive-by localhost" guard): a refusal here says why.
     */
    @Override
    public int getOrder() {
        return ServerFilterPhase.FIRST.after();
    }

    @RequestFilter
    @Nullable
    public HttpResponse<?> check(HttpRequest<?> request) {
        if (SAFE.contains(request.getMethod()) || openPaths.isOpen(request.getPath())) {
            return null;
        }
        String refusal = refusal(request);
        if (refusal == null) {
            return null;
        }
        LOG.info("Refused a cross-site {} {} from {}: {}", request.getMethodName(), LogText.clean(request.getPath()),
                request.getRemoteAddress().getAddress().getHostAddress(), refusal);
        return Refusals.refuse(request, HttpStatus.FORBIDDEN, "Refused: " + refusal + ". Changes can only be"
                + " made from the collector's own pages (or by a script that sends no Origin header).");
    }

    /** Why the request is refused, or null when it may pass. */
    String refusal(HttpRequest<?> request) {
        String site = request.getHeaders().get(SEC_FETCH_SITE);
        if (site != null) {
            String s = site.trim().toLowerCase(Locale.ROOT);
            if (s.equals("cross-site") || s.equals("same-site")) {
                return "the browser says this request comes from another site (Sec-Fetch-Site: "
                        + LogText.clean(s) + ")";
            }
        }
        String origin = request.getHeaders().get(HttpHeaders.ORIGIN);
        if (origin == null) {
            return null;
        }
        if (origin.trim().equals("null") && site != null && site.trim().equalsIgnoreCase("same-origin")) {
            // A page of this origin whose referrer policy is no-referrer: the browser hides its origin but says
            // where the request comes from (Sec-Fetch-Site cannot be set by a page).
            return null;
        }
        String given = normalizeOrigin(origin);
        String own = ownOrigin(request);
        if (given != null && (given.equals(own) || allowedOrigins.contains(given))) {
            return null;
        }
        return "the request comes from the page of another origin (Origin: " + LogText.clean(origin.trim())
                + ", this is " + (own == null ? "unknown: no Host header" : own)
                + "; behind a reverse proxy that changes the Host header, add the public origin to"
                + " tlsrpt.http.auth.allowed-origins)";
    }

    /** {@code scheme://host[:port]} as the browser would write this server's origin, or null without a Host. */
    static String ownOrigin(HttpRequest<?> request) {
        String host = first(request.getHeaders().get("X-Forwarded-Host"));
        if (host == null) {
            host = first(request.getHeaders().get(HttpHeaders.HOST));
        }
        if (host == null || host.isEmpty()) {
            return null;
        }
        String scheme = first(request.getHeaders().get("X-Forwarded-Proto"));
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            scheme = request.isSecure() ? "https" : "http";
        }
        return normalizeOrigin(scheme + "://" + host);
    }

    /** Lower-case scheme and host, the port only when it is not the scheme's default; null when unreadable. */
    static String normalizeOrigin(String origin) {
        try {
            URI u = new URI(origin.trim());
            String scheme = u.getScheme();
            String host = u.getHost();
            if (scheme == null || host == null || (u.getPath() != null && !u.getPath().isEmpty()
                    && !u.getPath().equals("/")) || u.getQuery() != null || u.getUserInfo() != null) {
                return null;
            }
            scheme = scheme.toLowerCase(Locale.ROOT);
            int port = u.getPort();
            boolean defaultPort = port == -1 || (scheme.equals("http") && port == 80)
                    || (scheme.equals("https") && port == 443);
            return scheme + "://" + host.toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static String first(String header) {
        if (header == null) {
            return null;
        }
        int comma = header.indexOf(',');
        return (comma < 0 ? header : header.substring(0, comma)).trim();
    }
}
