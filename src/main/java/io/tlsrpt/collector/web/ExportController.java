package io.tlsrpt.collector.web;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.server.types.files.StreamedFile;
import io.micronaut.json.JsonMapper;
import io.tlsrpt.collector.config.ExportSettings;
import io.tlsrpt.collector.store.DashboardQueries;
import io.tlsrpt.collector.store.Page;
import io.tlsrpt.collector.store.PageRequest;
import io.tlsrpt.collector.store.Period;
import io.tlsrpt.collector.store.Visibility;
import io.tlsrpt.collector.store.view.FailureFilter;
import io.tlsrpt.collector.store.view.FailureGroup;
import io.tlsrpt.collector.store.view.ReportSummary;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Downloads of the failures view and the report list as CSV (RFC 4180) and JSON, with the filters of
 * {@code /api/failures} and {@code /api/reports} ({@code from}, {@code to}, {@code domain}, {@code result},
 * {@code reporter}, {@code unauthenticated}, {@code foreign}); {@code limit} and {@code offset} are ignored: a
 * download holds every row, streamed a page at a time, at most {@code tlsrpt.export.max-rows}.
 */
@Controller("/export")
public class ExportController {
    static final MediaType CSV = MediaType.of("text/csv;charset=utf-8");
    static final MediaType JSON = MediaType.of("application/json;charset=utf-8");

    /** The last three as seen on the group's last day (FailureGroup). */
    private static final String[] FAILURE_COLUMNS = {"domain", "policy_type", "result_type", "receiving_mx",
        "sessions", "failure_details", "first_day", "last_day", "reporters", "receiving_ips", "sending_mta_ips"};
    private static final String[] REPORT_COLUMNS = {"id", "organization", "report_id", "start", "end",
        "report_domain", "policies", "successful_sessions", "failed_sessions", "stored_at", "message_id"};

    private final DashboardQueries queries;
    private final Views views;
    private final JsonMapper json;
    private final long maxRows;

    public ExportController(DashboardQueries queries, Views views, JsonMapper json, ExportSettings settings) {
        this.queries = queries;
        this.views = views;
        this.json = json;
        this.maxRows = Math.max(1, settings.maxRows());
    }

    @Get("/failures.csv")
    public HttpResponse<StreamedFile> failuresCsv(@Nullable @QueryValue String from, @Nullable @QueryValue String to,
                                                  @Nullable @QueryValue String domain,
                                                  @Nullable @QueryValue String result,
                                                  @Nullable @QueryValue String reporter,
                                                  @Nullable @QueryValue String unauthenticated,
                                                  @Nullable @QueryValue String foreign) {
        FailureFilter filter = failureFilter(from, to, domain, result, reporter, unauthenticated, foreign);
        return download("failures", filter.period(), CSV, failurePages(filter), new CsvFormat<>(FAILURE_COLUMNS,
                (g, out) -> Csv.record(out, g.domain(), g.policyType(), g.resultType(), g.receivingMx(),
                        g.sessions(), g.details(), str(g.firstDay()), str(g.lastDay()),
                        String.join("; ", g.organizations()), String.join("; ", g.receivingIps()),
                        String.join("; ", g.sendingMtaIps()))));
    }

    @Get("/failures.json")
    public HttpResponse<StreamedFile> failuresJson(@Nullable @QueryValue String from, @Nullable @QueryValue String to,
                                                   @Nullable @QueryValue String domain,
                                                   @Nullable @QueryValue String result,
                                                   @Nullable @QueryValue String reporter,
                                                   @Nullable @QueryValue String unauthenticated,
                                                   @Nullable @QueryValue String foreign) {
        FailureFilter filter = failureFilter(from, to, domain, result, reporter, unauthenticated, foreign);
        Map<String, Object> filters = filters(filter.period(), filter.visibility());
        filters.put("domain", filter.domain());
        filters.put("result", filter.resultType());
        filters.put("reporter", filter.organization());
        return download("failures", filter.period(), JSON, failurePages(filter), new JsonFormat<>(filters));
    }

    @Get("/reports.csv")
    public HttpResponse<StreamedFile> reportsCsv(@Nullable @QueryValue String from, @Nullable @QueryValue String to,
                                                 @Nullable @QueryValue String domain,
                                                 @Nullable @QueryValue String unauthenticated,
                                                 @Nullable @QueryValue String foreign) {
        Period period = Params.period(from, to);
        String d = Params.domain(domain);
        Visibility visibility = views.resolve(unauthenticated, foreign);
        return download("reports", period, CSV, p -> queries.reports(d, period, visibility, p),
                new CsvFormat<ReportSummary>(REPORT_COLUMNS, (r, out) -> Csv.record(out, r.id(), r.organization(),
                        r.reportId(), str(r.start()), str(r.end()), r.reportDomain(), r.policies(), r.successful(),
                        r.failed(), str(r.storedAt()), r.messageId())));
    }

    @Get("/reports.json")
    public HttpResponse<StreamedFile> reportsJson(@Nullable @QueryValue String from, @Nullable @QueryValue String to,
                                                  @Nullable @QueryValue String domain,
                                                  @Nullable @QueryValue String unauthenticated,
                                                  @Nullable @QueryValue String foreign) {
        Period period = Params.period(from, to);
        String d = Params.domain(domain);
        Visibility visibility = views.resolve(unauthenticated, foreign);
        Map<String, Object> filters = filters(period, visibility);
        filters.put("domain", d);
        return download("reports", period, JSON, p -> queries.reports(d, period, visibility, p),
                new JsonFormat<>(filters));
    }

    private FailureFilter failureFilter(String from, String to, String domain, String result, String reporter,
                                        String unauthenticated, String foreign) {
        return new FailureFilter(Params.period(from, to), Params.domain(domain), Params.optional(result),
                Params.optional(reporter), views.resolve(unauthenticated, foreign));
    }

    private Function<PageRequest, Page<FailureGroup>> failurePages(FailureFilter filter) {
        return p -> queries.failures(filter, p);
    }

    private static Map<String, Object> filters(Period period, Visibility visibility) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("from", period.from().toString());
        m.put("to", period.to().toString());
        m.put("unauthenticated", visibility.authenticatedOnly() ? "hide" : "show");
        m.put("foreign", visibility.ownDomainsOnly() ? "hide" : "show");
        return m;
    }

    /**
     * The first page is read here, before the answer starts, so that an unavailable database is an error status
     * rather than a cut download; the rest is read while the client downloads.
     */
    private <T> HttpResponse<StreamedFile> download(String what, Period period, MediaType type,
                                                    Function<PageRequest, Page<T>> fetch,
                                                    ExportStream.Format<T> format) {
        Page<T> first = fetch.apply(new PageRequest(ExportStream.firstPageSize(maxRows), 0));
        // Only ISO dates and fixed words: nothing a sender wrote reaches the header.
        String name = "tlsrpt-" + what + "-" + period.from() + "-to-" + period.to()
                + (type == CSV ? ".csv" : ".json");
        StreamedFile file = new StreamedFile(new ExportStream<>(first, fetch, format, maxRows), type);
        return HttpResponse.ok(file)
                .contentType(type)
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + name + "\"")
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .header("X-Total-Count", Long.toString(first.total()))
                .header("X-Export-Truncated", Boolean.toString(first.total() > maxRows));
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }

    /** A header row, then one record per row; a cut result ends with a one-cell record saying so. */
    private record CsvFormat<T>(String[] columns, RowWriter<T> writer) implements ExportStream.Format<T> {
        @Override
        public byte[] header() {
            StringBuilder b = new StringBuilder();
            Csv.record(b, (Object[]) columns);
            return b.toString().getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public byte[] rows(List<T> items, boolean first) {
            StringBuilder b = new StringBuilder(items.size() * 160);
            for (T item : items) {
                writer.write(item, b);
            }
            return b.toString().getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public byte[] trailer(long exported, long total, boolean truncated) {
            if (!truncated) {
                return new byte[0];
            }
            StringBuilder b = new StringBuilder();
            Csv.record(b, "# truncated: " + exported + " of " + total + " rows exported (tlsrpt.export.max-rows);"
                    + " narrow the period or the filters");
            return b.toString().getBytes(StandardCharsets.UTF_8);
        }
    }

    private interface RowWriter<T> {
        void write(T item, StringBuilder out);
    }

    /**
     * {@code {"filters": {...}, "items": [...], "total": N, "exported": N, "truncated": false}}: the items as the API
     * writes them, total as the API counts it.
     */
    private final class JsonFormat<T> implements ExportStream.Format<T> {
        private final Map<String, Object> filters;

        JsonFormat(Map<String, Object> filters) {
            this.filters = filters;
        }

        @Override
        public byte[] header() {
            return ("{\"filters\":" + new String(write(filters), StandardCharsets.UTF_8) + ",\"items\":[")
                    .getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public byte[] rows(List<T> items, boolean first) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(items.size() * 300);
            boolean comma = !first;
            for (T item : items) {
                if (comma) {
                    out.write(',');
                }
                out.write('\n');
                out.writeBytes(write(item));
                comma = true;
            }
            return out.toByteArray();
        }

        @Override
        public byte[] trailer(long exported, long total, boolean truncated) {
            return ("\n],\"total\":" + total + ",\"exported\":" + exported + ",\"truncated\":" + truncated
                    + (truncated ? ",\"note\":\"truncated at tlsrpt.export.max-rows (" + maxRows
                    + "); narrow the period or the filters\"" : "") + "}\n").getBytes(StandardCharsets.UTF_8);
        }

        private byte[] write(Object o) {
            try {
                return json.writeValueAsBytes(o);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
