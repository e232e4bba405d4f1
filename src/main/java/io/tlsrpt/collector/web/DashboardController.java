package io.tlsrpt.collector.web;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.annotation.QueryValue;
import io.tlsrpt.collector.config.SmtpSettings;
import io.tlsrpt.collector.ingest.MessageProcessor;
import io.tlsrpt.collector.ingest.ReportSource;
import io.tlsrpt.collector.store.DashboardQueries;
import io.tlsrpt.collector.store.MessageStore;
import io.tlsrpt.collector.store.PageRequest;
import io.tlsrpt.collector.store.Period;
import io.tlsrpt.collector.published.DomainPage;
import io.tlsrpt.collector.published.DomainPages;
import io.tlsrpt.collector.published.PublishedRecords;
import io.tlsrpt.collector.store.PreferenceStore;
import io.tlsrpt.collector.store.Visibility;
import io.tlsrpt.collector.store.view.FailureFilter;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The HTML dashboard. Each handler makes one call into the domain and hands the result to a template. */
@Controller
@Produces(MediaType.TEXT_HTML)
public class DashboardController {
    private final DashboardQueries queries;
    private final ReportSource reports;
    private final MessageStore messages;
    private final MessageProcessor processor;
    private final SmtpSettings smtp;
    private final DomainPages domainPages;
    private final PublishedRecords published;
    private final Views views;
    private final Html html;
    private final PreferenceStore preferences;

    public DashboardController(DashboardQueries queries, ReportSource reports, MessageStore messages,
                               MessageProcessor processor, SmtpSettings smtp, DomainPages domainPages,
                               PublishedRecords published, Views views, PreferenceStore preferences, Html html) {
        this.html = html;
        this.views = views;
        this.preferences = preferences;
        this.domainPages = domainPages;
        this.published = published;
        this.queries = queries;
        this.reports = reports;
        this.messages = messages;
        this.processor = processor;
        this.smtp = smtp;
    }

    @Get("/")
    public HttpResponse<String> overview(HttpRequest<?> request, @Nullable @QueryValue String from, @Nullable @QueryValue String to,
                                        @Nullable @QueryValue Integer limit, @Nullable @QueryValue Integer offset,
                                        @Nullable @QueryValue String unauthenticated, @Nullable @QueryValue String foreign) {
        Period period = Params.period(from, to);
        Map<String, Object> model = model("Overview", period);
        model.put("domains", queries.domains(period, views.resolve(unauthenticated, foreign),
                Params.page(limit, offset)));
        return html.page("overview", model, request);
    }

    @Get("/failures")
    public HttpResponse<String> failures(HttpRequest<?> request, @Nullable @QueryValue String from, @Nullable @QueryValue String to,
                                        @Nullable @QueryValue String domain, @Nullable @QueryValue String result,
                                        @Nullable @QueryValue String reporter, @Nullable @QueryValue Integer limit,
                                        @Nullable @QueryValue Integer offset, @Nullable @QueryValue String unauthenticated, @Nullable @QueryValue String foreign) {
        Period period = Params.period(from, to);
        FailureFilter filter = new FailureFilter(period, Params.domain(domain), Params.optional(result),
                Params.optional(reporter), views.resolve(unauthenticated, foreign));
        Map<String, Object> model = model("Failures", period);
        model.put("filter", filter);
        model.put("failures", queries.failures(filter, Params.page(limit, offset)));
        return html.page("failures", model, request);
    }

    @Get("/domains/{domain}")
    public HttpResponse<String> domain(HttpRequest<?> request, @PathVariable String domain, @Nullable @QueryValue String from,
                                      @Nullable @QueryValue String to, @Nullable @QueryValue Integer limit,
                                      @Nullable @QueryValue Integer offset, @Nullable @QueryValue String unauthenticated, @Nullable @QueryValue String foreign) {
        Period period = Params.period(from, to);
        DomainPage page = domainPages.page(Params.domain(domain), period, views.resolve(unauthenticated, foreign),
                Params.page(limit, offset));
        Map<String, Object> model = model(page.reports().domain(), period);
        model.put("view", page.reports());
        model.put("records", page.records());
        model.put("drift", page.drift());
        model.put("chart", DailyChart.of(period, page.reports().days(),
                page.records() == null ? List.of() : page.records().versions()));
        return html.page("domain", model, request);
    }

    @Get("/reports")
    public HttpResponse<String> reportList(HttpRequest<?> request, @Nullable @QueryValue String from, @Nullable @QueryValue String to,
                                          @Nullable @QueryValue String domain, @Nullable @QueryValue Integer limit,
                                          @Nullable @QueryValue Integer offset, @Nullable @QueryValue String unauthenticated, @Nullable @QueryValue String foreign) {
        Period period = Params.period(from, to);
        Map<String, Object> model = model("Reports", period);
        model.put("domain", Params.domain(domain));
        model.put("reports", queries.reports(Params.domain(domain), period, views.resolve(unauthenticated, foreign),
                Params.page(limit, offset)));
        return html.page("reports", model, request);
    }

    @Get("/reports/{id}")
    public HttpResponse<?> report(HttpRequest<?> request, @PathVariable long id) {
        return reports.view(id).<HttpResponse<?>>map(view -> {
            Map<String, Object> model = model("Report " + id, null);
            model.put("view", view);
            return html.page("report", model, request);
        }).orElseGet(HttpResponse::notFound);
    }

    @Get("/reports/{id}/json")
    public HttpResponse<?> reportJson(@PathVariable long id) {
        return reports.json(id).<HttpResponse<?>>map(b -> HttpResponse.ok(b)
                        .contentType(MediaType.APPLICATION_JSON_TYPE)
                        .header("Content-Disposition", "attachment; filename=\"report-" + id + ".json\""))
                .orElseGet(HttpResponse::notFound);
    }

    @Get("/messages/{id}/raw")
    public HttpResponse<?> rawMessage(@PathVariable long id) {
        return messages.body(id).<HttpResponse<?>>map(b -> HttpResponse.ok(b)
                        .contentType("message/rfc822")
                        .header("Content-Disposition", "attachment; filename=\"message-" + id + ".eml\""))
                .orElseGet(HttpResponse::notFound);
    }

    @Get("/quarantine")
    public HttpResponse<String> quarantine(HttpRequest<?> request, @Nullable @QueryValue String from, @Nullable @QueryValue String to,
                                          @Nullable @QueryValue Integer limit, @Nullable @QueryValue Integer offset) {
        Period period = Params.optionalPeriod(from, to);
        Map<String, Object> model = model("Quarantine", period);
        model.put("entries", queries.quarantine(period, Params.page(limit, offset)));
        return html.page("quarantine", model, request);
    }

    @Post("/messages/{id}/reprocess")
    @Consumes({MediaType.APPLICATION_FORM_URLENCODED, MediaType.ALL})
    public HttpResponse<?> reprocess(@PathVariable long id) {
        return processor.process(id).<HttpResponse<?>>map(o -> HttpResponse.seeOther(URI.create("/quarantine")))
                .orElseGet(HttpResponse::notFound);
    }

    @Post("/domains/{domain}/check")
    @Consumes({MediaType.APPLICATION_FORM_URLENCODED, MediaType.ALL})
    public HttpResponse<?> checkDomain(@PathVariable String domain) {
        String d = published.check(Params.domain(domain)).domain();
        return HttpResponse.seeOther(URI.create("/domains/" + Params.pathSegment(d) + "#records"));
    }

    /** Like the online checkers: any domain, also one without reports. */
    @Get("/check")
    public HttpResponse<String> checkPage(HttpRequest<?> request, @Nullable @QueryValue String domain) {
        Map<String, Object> model = model("Check a domain", null);
        String d = Params.domain(domain);
        model.put("domain", d);
        model.put("records", d == null ? null : published.latest(d).orElse(null));
        return html.page("check", model, request);
    }

    @Post("/check")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public HttpResponse<?> check(@Body Map<String, String> form) {
        String d = Params.domain(form.get("domain"));
        if (d == null) {
            throw new BadRequestException("a domain is needed");
        }
        published.check(d);
        return HttpResponse.seeOther(URI.create("/check?domain=" + Params.queryValue(d)));
    }

    /** The switches that hide unauthenticated and foreign reports on every page and API call. */
    @Get("/settings")
    public HttpResponse<String> settings(HttpRequest<?> request) {
        Map<String, Object> model = model("Settings", null);
        model.put("visibility", preferences.visibility());
        return html.page("settings", model, request);
    }

    @Post("/settings")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public HttpResponse<?> saveSettings(@Body Map<String, String> form) {
        preferences.setVisibility(new Visibility("on".equals(form.get("hideUnauthenticated")),
                "on".equals(form.get("hideForeign"))));
        return HttpResponse.seeOther(URI.create("/settings"));
    }

    private Map<String, Object> model(String title, Period period) {
        Map<String, Object> model = new HashMap<>();
        model.put("title", title);
        model.put("period", period);
        model.put("explanations", ResultTypes.EXPLANATIONS);
        model.put("fmt", Formats.INSTANCE);
        model.put("smtpPort", smtp.port());
        model.put("recipients", smtp.recipients());
        model.put("maxLimit", PageRequest.MAX_LIMIT);
        return model;
    }
}
