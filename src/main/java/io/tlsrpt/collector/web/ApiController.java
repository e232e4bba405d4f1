package io.tlsrpt.collector.web;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.annotation.QueryValue;
import io.tlsrpt.collector.ingest.MessageOutcome;
import io.tlsrpt.collector.ingest.MessageProcessor;
import io.tlsrpt.collector.ingest.ReportSource;
import io.tlsrpt.collector.ingest.ReportView;
import io.tlsrpt.collector.published.DomainRecords;
import io.tlsrpt.collector.published.PublishedRecords;
import io.tlsrpt.collector.store.DashboardQueries;
import io.tlsrpt.collector.store.Page;
import io.tlsrpt.collector.store.view.DomainSummary;
import io.tlsrpt.collector.store.view.FailureFilter;
import io.tlsrpt.collector.store.view.FailureGroup;
import io.tlsrpt.collector.store.view.QuarantineEntry;
import io.tlsrpt.collector.store.view.ReportSummary;
import io.tlsrpt.collector.store.view.Stats;

/** The JSON API beside the pages: the same filters, the same paging ({@code limit}, {@code offset}, total). */
@Controller("/api")
@Produces(MediaType.APPLICATION_JSON)
public class ApiController {
    private final DashboardQueries queries;
    private final ReportSource reports;
    private final MessageProcessor processor;
    private final PublishedRecords published;
    private final Views views;

    public ApiController(DashboardQueries queries, ReportSource reports, MessageProcessor processor,
                         PublishedRecords published, Views views) {
        this.views = views;
        this.published = published;
        this.queries = queries;
        this.reports = reports;
        this.processor = processor;
    }

    @Get("/domains")
    public Page<DomainSummary> domains(@Nullable @QueryValue String from, @Nullable @QueryValue String to,
                                       @Nullable @QueryValue Integer limit, @Nullable @QueryValue Integer offset,
                                       @Nullable @QueryValue String unauthenticated, @Nullable @QueryValue String foreign) {
        return queries.domains(Params.period(from, to), views.resolve(unauthenticated, foreign),
                Params.page(limit, offset));
    }

    @Get("/failures")
    public Page<FailureGroup> failures(@Nullable @QueryValue String from, @Nullable @QueryValue String to,
                                       @Nullable @QueryValue String domain, @Nullable @QueryValue String result,
                                       @Nullable @QueryValue String reporter, @Nullable @QueryValue Integer limit,
                                       @Nullable @QueryValue Integer offset, @Nullable @QueryValue String unauthenticated, @Nullable @QueryValue String foreign) {
        return queries.failures(new FailureFilter(Params.period(from, to), Params.domain(domain),
                Params.optional(result), Params.optional(reporter), views.resolve(unauthenticated, foreign)),
                Params.page(limit, offset));
    }

    @Get("/reports")
    public Page<ReportSummary> reportList(@Nullable @QueryValue String from, @Nullable @QueryValue String to,
                                          @Nullable @QueryValue String domain, @Nullable @QueryValue Integer limit,
                                          @Nullable @QueryValue Integer offset, @Nullable @QueryValue String unauthenticated, @Nullable @QueryValue String foreign) {
        return queries.reports(Params.domain(domain), Params.period(from, to),
                views.resolve(unauthenticated, foreign), Params.page(limit, offset));
    }

    @Get("/reports/{id}")
    public HttpResponse<ReportView> report(@PathVariable long id) {
        return reports.view(id).map(HttpResponse::ok).orElseGet(HttpResponse::notFound);
    }

    @Get("/quarantine")
    public Page<QuarantineEntry> quarantine(@Nullable @QueryValue String from, @Nullable @QueryValue String to,
                                            @Nullable @QueryValue Integer limit,
                                            @Nullable @QueryValue Integer offset) {
        return queries.quarantine(Params.optionalPeriod(from, to), Params.page(limit, offset));
    }

    @Get("/stats")
    public Stats stats() {
        return queries.stats();
    }

    /** The published records of a domain as last checked, with their history; 404 when never checked. */
    @Get("/domains/{domain}/records")
    public HttpResponse<DomainRecords> records(@PathVariable String domain) {
        return published.latest(Params.domain(domain)).map(HttpResponse::ok).orElseGet(HttpResponse::notFound);
    }

    /** Checks the published records of any domain now (also one without reports). */
    @Post("/domains/{domain}/check")
    public DomainRecords check(@PathVariable String domain) {
        return published.check(Params.domain(domain));
    }

    @Post("/messages/{id}/reprocess")
    public HttpResponse<MessageOutcome> reprocess(@PathVariable long id) {
        return processor.process(id).map(HttpResponse::ok).orElseGet(HttpResponse::notFound);
    }
}
