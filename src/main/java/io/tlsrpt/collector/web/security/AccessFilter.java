package io.tlsrpt.collector.web.security;

import io.micronaut.context.annotation.Property;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Filter;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.tlsrpt.collector.config.HttpAuthSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * With {@code tlsrpt.http.auth.users} or {@code tlsrpt.http.auth.token} set, every request outside
 * {@code open-paths} needs a login: HTTP Basic with a user (pages and API alike) or {@code Bearer} with the token
 * (API, and the downloads outside /api). Anything else answers 401 with the challenges that can succeed.
 */
@ServerFilter(Filter.MATCH_ALL_PATTERN)
public class AccessFilter implements Ordered {
    private static final Logger LOG = LoggerFactory.getLogger(AccessFilter.class);
    /** The attribute that holds the {@link Authenticator.Principal} of an authenticated request. */
    public static final String PRINCIPAL = "tlsrpt.principal";

    private final Authenticator authenticator;
    private final OpenPaths openPaths;
    private final String realm;

    public AccessFilter(Authenticator authenticator, HttpAuthSettings settings,
                        @Property(name = "tlsrpt.http.report-path") @Nullable String reportPath) {
        this.authenticator = authenticator;
        this.openPaths = OpenPaths.of(settings, reportPath);
        this.realm = settings.realm().replace("\\", "").replace("\"", "");
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.order();
    }

    @RequestFilter
    @Nullable
    public HttpResponse<?> authenticate(HttpRequest<?> request) {
        if (!authenticator.required() || openPaths.isOpen(request.getPath())) {
            return null;
        }
        String authorization = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
        Authenticator.Principal principal = authenticator.authenticate(authorization);
        if (principal != null) {
            request.setAttribute(PRINCIPAL, principal);
            return null;
        }
        if (authorization != null) {
            LOG.info("Refused a login{} from {} for {} {}", describe(Authenticator.claimedUser(authorization)),
                    request.getRemoteAddress().getAddress().getHostAddress(), request.getMethodName(),
                    LogText.clean(request.getPath()));
        }
        MutableHttpResponse<?> response = Refusals.refuse(request, HttpStatus.UNAUTHORIZED,
                authorization == null ? "Authentication required." : "Wrong user name, password or token.");
        boolean api = Refusals.isApi(request);
        // Pages: Basic first, so that a browser asks for a user name and password. API: the token first.
        if (api && authenticator.tokenEnabled()) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"" + realm + "\"");
        }
        if (authenticator.basicEnabled()) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"" + realm + "\", charset=\"UTF-8\"");
        }
        if (!api && authenticator.tokenEnabled()) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"" + realm + "\"");
        }
        return response;
    }

    private static String describe(String user) {
        return user == null ? "" : " as '" + LogText.clean(user) + "'";
    }
}
