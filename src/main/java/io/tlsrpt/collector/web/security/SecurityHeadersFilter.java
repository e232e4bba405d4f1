package io.tlsrpt.collector.web.security;

import io.micronaut.core.order.Ordered;
import io.micronaut.http.MutableHttpHeaders;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Filter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;

/**
 * Security headers on every response that passes the filter chain: pages, API, assets, errors and the 401/403 of
 * the other security filters (this filter is first, so its response part runs last).
 *
 * <p>The pages need no script at all, take their styles from /assets/style.css only (no {@code style=} attributes,
 * no {@code <style>}), draw their chart as inline SVG, and post their forms to themselves; the policy allows exactly
 * that. A header a controller set itself is kept.
 */
@ServerFilter(Filter.MATCH_ALL_PATTERN)
public class SecurityHeadersFilter implements Ordered {
    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'self'; img-src 'self' data:;"
            + " form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    @Override
    public int getOrder() {
        return ServerFilterPhase.FIRST.before();
    }

    @ResponseFilter
    public void addHeaders(MutableHttpResponse<?> response) {
        MutableHttpHeaders h = response.getHeaders();
        setIfAbsent(h, "Content-Security-Policy", CONTENT_SECURITY_POLICY);
        setIfAbsent(h, "X-Content-Type-Options", "nosniff");
        // Not "no-referrer": under it browsers send "Origin: null" with the pages' own form POSTs (Fetch standard,
        // "serializing a request origin"), which the cross-site check cannot tell from a sandboxed attacker page.
        // "same-origin" sends nothing to other sites either, and a true Origin to this one.
        setIfAbsent(h, "Referrer-Policy", "same-origin");
        setIfAbsent(h, "X-Frame-Options", "DENY");
        // Other sites may not embed the dashboard's responses (JSON, downloads) as images, scripts or styles.
        setIfAbsent(h, "Cross-Origin-Resource-Policy", "same-origin");
        setIfAbsent(h, "Cross-Origin-Opener-Policy", "same-origin");
    }

    private static void setIfAbsent(MutableHttpHeaders headers, String name, String value) {
        if (!headers.contains(name)) {
            headers.set(name, value);
        }
    }
}
