package io.tlsrpt.collector.web;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.annotation.QueryValue;
import io.tlsrpt.collector.alerts.AlertKinds;
import io.tlsrpt.collector.alerts.AlertView;
import io.tlsrpt.collector.alerts.Alerts;
import io.tlsrpt.collector.store.Page;
import io.tlsrpt.collector.store.PageRequest;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code GET /alerts} (the page) and {@code GET /api/alerts} (JSON, paged like the other lists). */
@Controller
public class AlertsController {
    private final Alerts alerts;
    private final Html html;

    public AlertsController(Alerts alerts, Html html) {
        this.alerts = alerts;
        this.html = html;
    }

    @Get("/alerts")
    @Produces(MediaType.TEXT_HTML)
    public HttpResponse<String> page(HttpRequest<?> request, @Nullable @QueryValue String domain,
                                     @Nullable @QueryValue String kind, @Nullable @QueryValue Integer limit,
                                     @Nullable @QueryValue Integer offset) {
        String d = Params.domain(domain);
        String k = kind(kind);
        Map<String, Object> model = new HashMap<>();
        model.put("title", "Alerts");
        model.put("period", null);
        model.put("fmt", Formats.INSTANCE);
        model.put("maxLimit", PageRequest.MAX_LIMIT);
        model.put("domain", d);
        model.put("kind", k);
        model.put("kinds", List.of(AlertKinds.NEW_FAILURE, AlertKinds.FAILURE_RATE, AlertKinds.REPORTER_SILENT));
        model.put("config", alerts.configuration());
        model.put("alerts", alerts.list(d, k, Params.page(limit, offset)));
        model.put("base", "/alerts?" + (d == null ? "" : "domain=" + Params.queryValue(d) + "&")
                + (k == null ? "" : "kind=" + k + "&"));
        return html.page("alerts", model, request);
    }

    @Get("/api/alerts")
    @Produces(MediaType.APPLICATION_JSON)
    public Page<AlertView> api(@Nullable @QueryValue String domain, @Nullable @QueryValue String kind,
                               @Nullable @QueryValue Integer limit, @Nullable @QueryValue Integer offset) {
        return alerts.list(Params.domain(domain), kind(kind), Params.page(limit, offset));
    }

    private static String kind(String kind) {
        String k = Params.optional(kind);
        if (k != null && !AlertKinds.isKind(k)) {
            throw new BadRequestException("'kind' must be " + AlertKinds.NEW_FAILURE + ", " + AlertKinds.FAILURE_RATE
                    + " or " + AlertKinds.REPORTER_SILENT);
        }
        return k;
    }
}
