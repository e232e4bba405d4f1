package io.tlsrpt.collector.mail;

import java.util.Locale;
import java.util.Map;

/**
 * A structured header value such as Content-Type or Content-Disposition.
 *
 * @param value  the lower-case value before the parameters (e.g. "application/tlsrpt+gzip"), or null when the
 *               header is absent or empty
 * @param params parameters by lower-case name, values decoded (RFC 2231) and unquoted
 */
record HeaderValue(String value, Map<String, String> params) {

    static final HeaderValue ABSENT = new HeaderValue(null, Map.of());

    String param(String name) {
        return params.get(name.toLowerCase(Locale.ROOT));
    }
}
