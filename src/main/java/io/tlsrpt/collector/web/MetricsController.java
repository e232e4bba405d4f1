package io.tlsrpt.collector.web;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.tlsrpt.collector.config.MetricsSettings;
import io.tlsrpt.collector.metrics.PrometheusMetrics;

/**
 * {@code GET /prometheus}: the metrics in the Prometheus text format. Behind the same login as the rest
 * ({@code tlsrpt.http.auth}): give Prometheus the bearer token ({@code authorization: credentials_file}).
 */
@Controller
public class MetricsController {
    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMetrics metrics;
    private final MetricsSettings settings;

    public MetricsController(PrometheusMetrics metrics, MetricsSettings settings) {
        this.metrics = metrics;
        this.settings = settings;
    }

    @Get(value = "/prometheus", produces = CONTENT_TYPE)
    public HttpResponse<String> prometheus() {
        if (!settings.enabled()) {
            return HttpResponse.notFound();
        }
        return HttpResponse.ok(metrics.render()).contentType(CONTENT_TYPE)
                .header("Cache-Control", "no-store");
    }
}
